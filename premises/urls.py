from django.urls import path

from premises import views

app_name = "premises"
urlpatterns = [
    path("", views.search, name="index"),
    path("export.csv", views.export_csv, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
]
