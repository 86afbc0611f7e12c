"""The public programme page, the outcomes page, query-count bounds and escaping."""

import pytest
from django.urls import reverse

from tests.skills.factories import (
    AssessmentFactory,
    IntakeFactory,
    OccupationFactory,
    PartnerFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def test_programme_page_shows_facts_partners_intakes_and_how_to_apply(client, mechanics_programme):
    mechanics_programme.partners.set(
        [
            PartnerFactory(name="Åkeri i Hallsberg", kind="company"),
            PartnerFactory(name="Komvux Hallsberg", kind="school"),
        ]
    )
    mechanics_programme.application_url = "https://example.org/apply"
    mechanics_programme.save()
    response = client.get(f"/en/skills/programmes/{mechanics_programme.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Heavy-vehicle mechanic</h1>" in html
    assert "Åkeri i Hallsberg" in html and "Komvux Hallsberg" in html
    assert "<caption>Every intake of the programme</caption>" in html
    assert '<th scope="row">HT2022</th>' in html
    assert "87.5&nbsp;%" in html  # HT2022 completion 21/24
    assert "90.5&nbsp;%" in html  # HT2022 employment 19/21
    assert "the intake has not finished" in html  # HT2024
    assert 'href="https://example.org/apply"' in html


def test_programme_page_in_swedish_falls_back_to_swedish_texts(client, mechanics_programme):
    mechanics_programme.name_en = ""
    mechanics_programme.save()
    html = client.get(f"/en/skills/programmes/{mechanics_programme.pk}/").content.decode()
    assert "<h1>Fordonsmekaniker tunga fordon</h1>" in html


def test_swedish_page_formats_numbers_the_swedish_way(client, mechanics_programme):
    IntakeFactory(
        programme=mechanics_programme,
        term="VT2025",
        applicants=1200,
        enrolled=24,
        completed=None,
        employed_within_6_months=None,
    )
    html = client.get(f"/sv/skills/programmes/{mechanics_programme.pk}/").content.decode()
    assert "1\xa0200" in html
    assert "87,5&nbsp;%" in html


def test_zero_enrolled_shows_a_dash_with_a_reason(client):
    intake = IntakeFactory(
        term="VT2026", applicants=3, enrolled=0, completed=0, employed_within_6_months=None
    )
    html = client.get(f"/en/skills/programmes/{intake.programme_id}/").content.decode()
    assert '–<span class="rate-note">nobody enrolled</span>' in html


def test_chart_is_an_accessible_svg_with_text_description(client, mechanics_programme):
    html = client.get(f"/en/skills/programmes/{mechanics_programme.pk}/").content.decode()
    assert html.count('role="img"') == 1
    assert "<title>Heavy-vehicle mechanic – Business Region Örebro</title>" in html
    assert '<title id="rate-chart-title">Completion and employment rates by intake</title>' in html
    assert "Completion rate: HT2022 87.5 %, HT2023 83.3 %." in html
    assert "Completion rate (solid line, circles)" in html
    # Coordinates are never localised (a comma would break the SVG in Swedish).
    sv = client.get(f"/sv/skills/programmes/{mechanics_programme.pk}/").content.decode()
    svg = sv[sv.index("<svg viewBox") : sv.index("</svg>")]
    assert "cx=" in svg and not any(f'cx="{d},' in svg for d in range(10))


def test_programme_without_finished_intakes_has_no_chart(client):
    programme = ProgrammeFactory()
    IntakeFactory(programme=programme, completed=None, employed_within_6_months=None)
    html = client.get(f"/en/skills/programmes/{programme.pk}/").content.decode()
    assert 'role="img"' not in html
    assert "the intake has not finished" in html


def test_unknown_programme_is_404(client, db):
    assert client.get("/sv/skills/programmes/999999/").status_code == 404


def test_outcomes_page_lists_only_programmes_with_finished_intakes(client, mechanics_programme):
    unfinished = ProgrammeFactory(name_sv="Ny utbildning")
    IntakeFactory(programme=unfinished, completed=None, employed_within_6_months=None)
    ProgrammeFactory(name_sv="Utan intag")
    response = client.get(reverse("skills:outcomes"))
    assert [p.name_sv for p, _chart, _id in response.context["rows"]] == ["Fordonsmekaniker tunga fordon"]
    html = response.content.decode()
    assert f'id="rate-chart-{mechanics_programme.pk}-title"' in html


def test_user_written_text_is_escaped(client, occupations, orebro):
    evil = "<script>alert(1)</script>"
    programme = ProgrammeFactory(
        name_sv=f"Kurs {evil}",
        provider=evil,
        description_sv=evil,
        contact_name=evil,
        municipalities=[orebro],
        occupations=[occupations["cook"]],
        partners=[PartnerFactory(name=f"Partner {evil}")],
    )
    occupations["cook"].name_sv = f"Kock {evil}"
    occupations["cook"].save()
    AssessmentFactory(occupation=occupations["cook"], period="2026-1", note=evil)
    for url in [reverse("skills:index"), programme.get_absolute_url(), reverse("skills:outcomes")]:
        html = client.get(url).content.decode()
        assert evil not in html
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(programme.get_absolute_url()).content.decode()
    )


# --- query counts: the same bound whatever the amount of data ----------------------------------
def make_data(n, county):
    municipalities = list(county.values())
    for i in range(n):
        occupation = OccupationFactory(ssyk=f"{3000 + i}", name_sv=f"Yrke {i}")
        AssessmentFactory(occupation=occupation, period="2026-1")
        AssessmentFactory(occupation=occupation, region_code="00", period="2026-1")
        programme = ProgrammeFactory(
            municipalities=municipalities[i % 12 : i % 12 + 3],
            occupations=[occupation],
            partners=[PartnerFactory()],
        )
        for term in ("HT2022", "HT2023"):
            IntakeFactory(programme=programme, term=term)


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    "url, params",
    [
        ("/sv/skills/", {}),
        ("/sv/skills/", {"municipality": "1880", "sector": "it", "status": "open"}),
        ("/sv/skills/outcomes/", {}),
    ],
)
def test_list_pages_have_a_bounded_number_of_queries(
    client, county, django_assert_max_num_queries, size, url, params
):
    make_data(size, county)
    with django_assert_max_num_queries(12):
        response = client.get(url, params)
    assert response.status_code == 200
