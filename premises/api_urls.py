from django.urls import path

from premises import views

app_name = "premises_api"
urlpatterns = [
    path("premises.geojson", views.geojson, name="geojson"),
]
