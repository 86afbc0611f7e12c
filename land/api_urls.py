from django.urls import path

from land import views

app_name = "land_api"
urlpatterns = [
    path("land.geojson", views.geojson, name="geojson"),
]
