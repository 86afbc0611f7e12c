"""Admin: raw responses are scoped to the municipality; region-wide tables to regional admins."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from surveys.models import PublishedResult, SurveyRound
from tests.surveys.factories import make_round, respond


def test_officer_sees_only_own_municipalitys_responses(client, laxa_officer, laxa, orebro):
    survey_round = make_round(2023)
    own = respond(survey_round, laxa, "bygglov", (5, 5, 5))[0]
    other = respond(survey_round, orebro, "bygglov", (1, 1, 1))[0]
    client.force_login(laxa_officer)
    changelist = client.get(reverse("admin:surveys_response_changelist"))
    assert changelist.status_code == 200
    ids = changelist.context["cl"].result_list.values_list("pk", flat=True)
    assert list(ids) == [own.pk]
    assert client.get(reverse("admin:surveys_response_change", args=[other.pk])).status_code == 404


def test_officer_cannot_save_a_response_for_another_municipality(client, laxa_officer, laxa, orebro):
    survey_round = make_round(2023)
    client.force_login(laxa_officer)
    response = client.post(
        reverse("admin:surveys_response_add"),
        {
            "round": survey_round.pk,
            "municipality": orebro.pk,
            "area": 1,
            "q_total": 5,
        },
    )
    assert response.status_code in (200, 403)
    assert not survey_round.responses.exists()


def test_answers_off_the_scale_are_refused_in_the_admin(client, regional_admin, orebro):
    survey_round = make_round(2023)
    client.force_login(regional_admin)
    response = client.post(
        reverse("admin:surveys_response_add"),
        {
            "round": survey_round.pk,
            "municipality": orebro.pk,
            "area": 1,
            "q_total": 7,
        },
    )
    assert response.status_code == 200
    assert not survey_round.responses.exists()


def test_regional_admin_sees_all_responses(client, regional_admin, laxa, orebro):
    survey_round = make_round(2023)
    respond(survey_round, laxa, "bygglov", (5, 5, 5))
    respond(survey_round, orebro, "bygglov", (1, 1, 1))
    client.force_login(regional_admin)
    changelist = client.get(reverse("admin:surveys_response_changelist"))
    assert changelist.context["cl"].result_list.count() == 2


def test_officers_cannot_change_rounds_or_see_published_results(client, laxa_officer):
    survey_round = make_round(2023)
    PublishedResult.objects.create(year=2023, area_code="0000", value=Decimal(70), source="x")
    client.force_login(laxa_officer)
    client.post(
        reverse("admin:surveys_surveyround_change", args=[survey_round.pk]),
        {"year": 2023, "scale_max": 10, "min_n_display": 1},
    )
    assert SurveyRound.objects.get().scale_max == 6
    assert client.get(reverse("admin:surveys_publishedresult_changelist")).status_code == 403


def test_new_round_in_the_admin_gets_the_default_areas(client, regional_admin):
    client.force_login(regional_admin)
    response = client.post(
        reverse("admin:surveys_surveyround_add"),
        {
            "year": 2026,
            "scale_max": 6,
            "min_n_display": 7,
            "label": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert SurveyRound.objects.get(year=2026).counted_areas.count() == 4


def test_admin_pages_render_for_an_officer(client, laxa_officer, laxa):
    respond(make_round(2023), laxa, "bygglov", (5, 5, 5))
    client.force_login(laxa_officer)
    changelist = client.get(reverse("admin:surveys_response_changelist"))
    assert reverse("admin:surveys_response_import") in changelist.content.decode()
    assert client.get(reverse("admin:surveys_response_import")).status_code == 200
    assert client.get(reverse("admin:surveys_response_add")).status_code == 200
    response = client.get(reverse("admin:surveys_response_change", args=[laxa.survey_responses.get().pk]))
    assert response.status_code == 200
    for name in ("surveyround", "authorityarea", "servicefactor"):
        assert client.get(reverse(f"admin:surveys_{name}_changelist")).status_code == 200


def test_regional_admin_pages_render(client, regional_admin):
    client.force_login(regional_admin)
    make_round(2023)
    for name in (
        "surveyround",
        "authorityarea",
        "servicefactor",
        "koladakpimapping",
        "publishedresult",
        "response",
    ):
        assert client.get(reverse(f"admin:surveys_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:surveys_{name}_add")).status_code == 200
