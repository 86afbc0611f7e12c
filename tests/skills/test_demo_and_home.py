"""The demo data and the skills section on the home page."""

import pytest
from django.core.management import call_command

from skills.models import Intake, Programme, ShortageAssessment
from tests.skills.factories import AssessmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_has_the_heavy_vehicle_programme(county):
    call_command("demo_skills", verbosity=0)
    counts = (Programme.objects.count(), Intake.objects.count(), ShortageAssessment.objects.count())
    call_command("demo_skills", verbosity=0)
    assert (Programme.objects.count(), Intake.objects.count(), ShortageAssessment.objects.count()) == counts
    mechanics = Programme.objects.get(name_sv="Fordonsmekaniker tunga fordon")
    assert mechanics.occupations.get().ssyk == "7231"
    assert mechanics.intakes.filter(completed__isnull=False).count() >= 3
    assert 9 <= counts[0] <= 12
    # Shortages in all four growth sectors in the latest county period.
    latest = ShortageAssessment.objects.latest_period()
    sectors = set(
        ShortageAssessment.objects.filter(period=latest, region_code="18", recruitment="brist").values_list(
            "occupation__industries__sector", flat=True
        )
    )
    assert {"visitor_industry", "it", "private_care", "logistics"} <= sectors


def test_demo_pages_render(client, county):
    call_command("demo_skills", verbosity=0)
    for url in ["/sv/skills/", "/en/skills/", "/sv/skills/outcomes/"]:
        assert client.get(url).status_code == 200
    for programme in Programme.objects.all():
        assert client.get(f"/sv/skills/programmes/{programme.pk}/").status_code == 200


def test_home_page_shows_live_skills_figures(client, occupations, orebro):
    AssessmentFactory(occupation=occupations["cook"], period="2026-1")
    AssessmentFactory(occupation=occupations["nurse"], period="2026-1")
    AssessmentFactory(occupation=occupations["driver"], period="2026-1", recruitment="balans")
    AssessmentFactory(occupation=occupations["driver"], period="2025-2")  # older: not counted
    ProgrammeFactory(status="open", municipalities=[orebro])
    ProgrammeFactory(status="running", municipalities=[orebro])
    ProgrammeFactory(status="planned", municipalities=[orebro])
    from skills.apps import home_figures

    assert [value for value, _label in home_figures()] == ["2", "2"]
