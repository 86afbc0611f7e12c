from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
    path("<str:code>/", views.municipality, name="municipality"),
]
