from django.urls import path
from django.views.generic import TemplateView

app_name = "premises"
urlpatterns = [
    path("", TemplateView.as_view(template_name="premises/index.html"), name="index"),
    path("export.csv", TemplateView.as_view(template_name="premises/index.html"), name="export"),
]
