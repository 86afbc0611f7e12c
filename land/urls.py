from django.urls import path

from land import views

app_name = "land"
urlpatterns = [
    path("", views.search, name="index"),
    path("export.csv", views.export_csv, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
]
