from django.urls import path

from establishment import views

app_name = "establishment"
urlpatterns = [
    path("", views.request_form, name="request"),
    path("figures/", views.figures, name="figures"),
    # The token is the company's key: 43 URL-safe characters (establishment.models.new_token).
    path("r/<str:token>/", views.case_page, name="case"),
    path("r/<str:token>/report.pdf", views.case_pdf, name="pdf"),
    path("r/<str:token>/remove/", views.revoke, name="revoke"),
]
