from django.urls import path
from django.views.generic import TemplateView

app_name = "land"
urlpatterns = [
    path("", TemplateView.as_view(template_name="land/index.html"), name="index"),
]
