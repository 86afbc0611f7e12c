from django.urls import path, re_path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
    re_path(r"^(?P<code>[0-9]{4})/$", views.municipality, name="municipality"),
]
