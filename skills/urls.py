from django.urls import path
from django.views.generic import TemplateView

app_name = "skills"
urlpatterns = [
    path("", TemplateView.as_view(template_name="skills/index.html"), name="index"),
]
