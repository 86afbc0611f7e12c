from django.urls import path

from skills import views

app_name = "skills"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("occupations/<int:pk>/", views.occupation, name="occupation"),
    path("outcomes/", views.outcomes, name="outcomes"),
]
