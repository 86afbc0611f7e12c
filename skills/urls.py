from django.urls import path

from skills import views

app_name = "skills"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("outcomes/", views.outcomes, name="outcomes"),
]
