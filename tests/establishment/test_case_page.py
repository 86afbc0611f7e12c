"""The company's page: context per municipality, compare, new matches; the public figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from establishment.cases import record_new_matches
from establishment.context import municipality_context
from establishment.models import CaseStatus, KnownMatch, Recruitment
from establishment.stats import yearly_figures
from premises.models import Kind, PremisesStatus
from tests.establishment.conftest import warehouse
from tests.skills.factories import AssessmentFactory, OccupationFactory, ProgrammeFactory
from tests.surveys.factories import make_round, respond, same


@pytest.fixture
def case(request_factory, laxa):
    return request_factory(
        wants="premises",
        premises_kinds=[Kind.WAREHOUSE],
        area_min_m2=2000,
        area_max_m2=5000,
        concerned=[laxa],
    )


def test_the_page_shows_nki_recruitment_and_programmes_per_municipality(
    client, case, premises_factory, laxa, orebro, hallsberg
):
    warehouse(premises_factory, laxa, "Lager Laxå")
    warehouse(premises_factory, orebro, "Lager Örebro")
    survey = make_round(2023)
    respond(survey, laxa, "bygglov", *same(5, 10))  # NKI 80
    truck = OccupationFactory(ssyk="8332", name_sv="Lastbilsförare", name_en="Truck drivers")
    Recruitment.objects.create(request=case, occupation=truck, head_count=12)
    AssessmentFactory(occupation=truck, region_code="18", period="2025-2", recruitment="brist")
    ProgrammeFactory(name_sv="Yrkesförare Laxå", occupations=[truck], municipalities=[laxa])
    ProgrammeFactory(name_sv="Yrkesförare Hallsberg", occupations=[truck], municipalities=[hallsberg])
    ProgrammeFactory(name_sv="Inställd", occupations=[truck], municipalities=[laxa], status="cancelled")
    html = client.get(f"/en/establish/r/{case.token}/").content.decode()
    section = html[html.index('id="context-heading"') :]
    laxa_row = section[section.index('<th scope="row">Laxå</th>') :].split("</tr>")[0]
    assert "2023" in laxa_row and "80" in laxa_row and "very high" in laxa_row
    orebro_row = section[section.index('<th scope="row">Örebro</th>') :].split("</tr>")[0]
    assert "No survey results" in orebro_row
    assert "Truck drivers</a>: Shortage" in section
    assert "Yrkesförare Laxå" in section
    assert "Yrkesförare Hallsberg" not in section  # Hallsberg has no match
    assert "Inställd" not in section


def test_the_context_nki_is_the_nki_page_figure_read_from_the_stored_units(client, laxa, orebro, hallsberg):
    make_round(2022)
    older = make_round(2023)
    respond(older, hallsberg, "bygglov", *same(7, 9))  # Hallsberg's latest round is 2023
    survey = make_round(2024)
    respond(survey, laxa, "bygglov", *[(6, 7, 5)] * 9, *[(9, 8, 10)] * 4)
    respond(survey, laxa, "brandskydd", *same(8, 12))
    respond(survey, orebro, "bygglov", *same(4, 3))  # too few answers: suppressed
    municipality_context([laxa.pk], [])  # the survey app stores its units once for the new data
    with CaptureQueriesContext(connection) as queries:
        rows = municipality_context([laxa.pk, orebro.pk, hallsberg.pk], []).municipalities
    # Read from the stored units: no response is aggregated for the company's page.
    assert not [q for q in queries.captured_queries if "surveys_response" in q["sql"]]
    assert [(row.municipality.code, row.nki_year) for row in rows] == [
        (hallsberg.code, 2023),
        (laxa.code, 2024),
        (orebro.code, 2024),
    ]
    for row in rows:
        page = client.get(reverse("surveys:municipality", args=[row.municipality.code]))
        assert page.context["latest"].year == row.nki_year
        [total] = [r for r in page.context["area_rows"] if r["area"] is None]
        assert row.nki == total["point"]
    laxa_row = rows[1]
    assert laxa_row.nki.value is not None and laxa_row.nki.ci_low < laxa_row.nki.value
    assert rows[2].nki.suppressed


def test_the_compare_table_shows_the_chosen_listings(client, case, premises_factory, laxa, orebro):
    first = warehouse(premises_factory, laxa, "Lager Ett", rent_sek_per_m2_year=650)
    warehouse(premises_factory, laxa, "Lager Två")
    third = warehouse(premises_factory, orebro, "Lager Tre", contact_email="tre@example.se")
    html = client.get(
        f"/en/establish/r/{case.token}/?compare=premises-{first.pk}&compare=premises-{third.pk}&compare=bogus"
    ).content.decode()
    table = html[html.index('class="compare-table"') : html.index("</table>")]
    assert "Lager Ett" in table and "Lager Tre" in table and "Lager Två" not in table
    assert "650 SEK per m² and year" in table
    assert "tre@example.se" in table
    assert '<th scope="row">Rail terminal</th>' in table


def test_a_newly_published_listing_is_a_new_match_and_the_company_is_told(
    case, premises_factory, laxa, django_capture_on_commit_callbacks
):
    case.notify_new_matches = True
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        draft = warehouse(premises_factory, laxa, "Nytt lager", status=PremisesStatus.DRAFT)
    assert not KnownMatch.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        draft.publish()
    known = KnownMatch.objects.get()
    assert known.case == case and known.premises == draft and known.is_new
    assert len(mail.outbox) == 1 and "Nytt lager" in mail.outbox[0].body
    # Saving it again is not a new match again.
    with django_capture_on_commit_callbacks(execute=True):
        draft.confirm()
    assert KnownMatch.objects.count() == 1 and len(mail.outbox) == 1


def test_a_listing_that_does_not_match_or_a_closed_case_is_not_a_new_match(case, premises_factory, laxa):
    office = premises_factory(municipality=laxa, title="Kontor", kind=Kind.OFFICE)
    assert record_new_matches("premises", [office.pk]) == []
    case.status = CaseStatus.WITHDRAWN
    case.save()
    fits = warehouse(premises_factory, laxa, "Passar")
    assert record_new_matches("premises", [fits.pk]) == []


def test_a_new_match_in_another_municipality_lets_its_officers_see_the_case(
    request_factory, premises_factory, orebro, laxa
):
    case = request_factory(wants="premises", premises_kinds=[Kind.WAREHOUSE], concerned=[laxa])
    listing = warehouse(premises_factory, orebro, "Örebrolager")
    assert record_new_matches("premises", [listing.pk]) == [case]
    assert set(case.concerned_municipalities.all()) == {laxa, orebro}


def _established(request_factory, municipality, jobs, year=2026):
    case = request_factory(
        concerned=[municipality],
        status=CaseStatus.ESTABLISHED,
        established_municipality=municipality,
        established_jobs=jobs,
        created_at=timezone.datetime(year, 3, 1, tzinfo=timezone.get_current_timezone()),
    )
    case.proposal_published_at = case.created_at + timezone.timedelta(days=10)
    case.save()
    return case


def test_the_figures_suppress_small_counts_and_what_would_reveal_them(
    client, request_factory, orebro, laxa, hallsberg
):
    for jobs in (10, 20, 30):
        _established(request_factory, laxa, jobs)
    for jobs in (5, 5, 5, 5):
        _established(request_factory, hallsberg, jobs)
    _established(request_factory, orebro, 99)
    table = yearly_figures()
    rows = {row.municipality: row for row in table.rows if row.year == 2026}
    region = rows[""]
    assert region.requests.value == 8 and region.established.value == 8 and region.jobs.value == 179
    assert rows["Örebro"].established.suppressed and rows["Örebro"].jobs.suppressed
    # Örebro = region − Laxå − Hallsberg, so the smaller of the two is hidden as well.
    assert rows["Laxå"].established.suppressed and not rows["Hallsberg"].established.suppressed
    assert rows["Hallsberg"].jobs.value == 20 and rows["Hallsberg"].median_days.value == 10
    html = client.get("/en/establish/figures/").content.decode()
    assert "99" not in html and "Lager AB" not in html and "eva" not in html
    assert "too few" in html and "179" in html


def test_an_empty_area_range_and_budget_still_match(request_factory, premises_factory, laxa):
    from establishment.matching import match

    case = request_factory(wants="either", land_area_min_ha=Decimal("0.5"))
    warehouse(premises_factory, laxa, "Vad som helst")
    assert [c.title for c in match(case).matches] == ["Vad som helst"]


def test_listings_saved_in_one_transaction_are_checked_together(
    case, premises_factory, laxa, django_capture_on_commit_callbacks
):
    from django.db import transaction

    case.notify_new_matches = True
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for n in range(3):
                warehouse(premises_factory, laxa, f"Importerat lager {n}")
    assert KnownMatch.objects.filter(case=case, is_new=True).count() == 3
    assert len(mail.outbox) == 1
    assert all(f"Importerat lager {n}" in mail.outbox[0].body for n in range(3))


def test_a_broad_request_lists_the_best_and_shows_the_rest_on_asking(
    client, case, premises_factory, laxa, monkeypatch
):
    from establishment import views

    monkeypatch.setattr(views, "LISTED", 2)
    for n in range(4):
        warehouse(premises_factory, laxa, f"Lager nummer {n}")
    page = client.get(f"/en/establish/r/{case.token}/").content.decode()
    assert "4 matches" in page
    assert page.count('<article class="candidate"') == 2
    assert "Show all matches and near misses (2 more listings)" in page
    # The map and the compare choices: every match on the map, the listed ones to compare.
    assert page.count('"title": "Lager nummer') == 4
    assert page.count('name="compare"') == 2
    everything = client.get(f"/en/establish/r/{case.token}/?all=1").content.decode()
    assert everything.count('<article class="candidate"') == 4
    assert "Show all matches" not in everything
