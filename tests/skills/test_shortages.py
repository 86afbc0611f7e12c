"""The shortage list on /<lang>/skills/: latest county period, grouped by sector, with programmes."""

import pytest
from django.urls import reverse

from skills.models import shortage_overview
from tests.skills.factories import AssessmentFactory, OccupationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def occupations_by_group(overview):
    return {group.sector: [a.occupation.ssyk for a in group.assessments] for group in overview.groups}


def test_latest_county_period_shortages_grouped_by_sector(assessments):
    overview = shortage_overview()
    assert overview.period == "2026-1"
    # The driver is in balance in 2026-1 (though in shortage in 2025-2): not listed.
    assert occupations_by_group(overview) == {
        "visitor_industry": ["5120"],
        "it": ["2512"],
        "private_care": ["5321"],
        "logistics": ["7231"],
    }
    assert overview.count == 4


def test_national_reference_does_not_decide_the_latest_county_period(assessments, occupations):
    AssessmentFactory(occupation=occupations["cook"], region_code="00", period="2026-2")
    assert shortage_overview().period == "2026-1"


def test_occupation_without_a_sector_is_listed_under_other(assessments):
    AssessmentFactory(
        occupation=OccupationFactory(ssyk="4222", name_sv="Kundtjänstpersonal"), period="2026-1"
    )
    assert occupations_by_group(shortage_overview())[""] == ["4222"]


def test_sector_filter_keeps_one_group(assessments):
    overview = shortage_overview(sector="it")
    assert occupations_by_group(overview) == {"it": ["2512"]}


def test_municipal_assessment_replaces_the_county_one(assessments, occupations, laxa):
    AssessmentFactory(
        occupation=occupations["cook"], region_code=laxa.code, period="2026-1", recruitment="balans"
    )
    AssessmentFactory(
        occupation=occupations["driver"], region_code=laxa.code, period="2026-1", recruitment="brist"
    )
    with_laxa = occupations_by_group(shortage_overview(municipality=laxa))
    assert "visitor_industry" not in with_laxa
    assert with_laxa["logistics"] == ["8332", "7231"]
    # The county view is unchanged.
    assert occupations_by_group(shortage_overview())["visitor_industry"] == ["5120"]


def test_each_shortage_lists_the_current_programmes_for_it(assessments, occupations, orebro, laxa):
    ProgrammeFactory(
        name_sv="Kock Örebro", status="open", municipalities=[orebro], occupations=[occupations["cook"]]
    )
    ProgrammeFactory(
        name_sv="Kock Laxå", status="planned", municipalities=[laxa], occupations=[occupations["cook"]]
    )
    ProgrammeFactory(
        name_sv="Kock klar", status="finished", municipalities=[orebro], occupations=[occupations["cook"]]
    )
    ProgrammeFactory(
        name_sv="Kock inställd",
        status="cancelled",
        municipalities=[orebro],
        occupations=[occupations["cook"]],
    )

    def programmes_for_cook(overview):
        cook = next(a for g in overview.groups for a in g.assessments if a.occupation.ssyk == "5120")
        return [p.name_sv for p in cook.occupation.current_programmes]

    assert programmes_for_cook(shortage_overview()) == ["Kock Laxå", "Kock Örebro"]
    assert programmes_for_cook(shortage_overview(municipality=orebro)) == ["Kock Örebro"]


def test_national_situation_is_shown_beside_the_county(assessments, occupations):
    AssessmentFactory(
        occupation=occupations["developer"], region_code="00", period="2026-1", recruitment="balans"
    )
    developer = shortage_overview().groups[1].assessments[0]
    assert developer.occupation.ssyk == "2512"
    assert str(developer.national) == "Balance"


def test_page_shows_the_shortages_with_period_and_programmes(client, assessments, mechanics_programme):
    html = client.get("/en/skills/").content.decode()
    assert "4 occupations are assessed as hard to recruit for in Örebro County in spring 2026." in html
    assert "Motorfordonsmekaniker och fordonsreparatörer" in html
    assert mechanics_programme.get_absolute_url() in html
    assert "Lastbilsförare" not in html.split('id="programmes-heading"')[0]


def test_page_without_any_assessment_says_so(client, db):
    response = client.get(reverse("skills:index"))
    assert response.status_code == 200
    assert response.context["overview"].period is None


def test_municipality_filter_on_the_page(client, assessments, occupations, laxa):
    AssessmentFactory(
        occupation=occupations["cook"], region_code=laxa.code, period="2026-1", recruitment="balans"
    )
    html = client.get("/en/skills/", {"municipality": laxa.code}).content.decode()
    assert "Where Laxå has made its own assessment, it replaces the county" in html
    assert "Kockar och kallskänkor" not in html.split('id="programmes-heading"')[0]
