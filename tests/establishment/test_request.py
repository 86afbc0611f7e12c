"""The public request: form, validation, the private page, the PDF, revoking."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from establishment import views
from establishment.models import EstablishmentRequest
from land.models import LandmarkKind
from premises.models import Kind
from tests.establishment.conftest import at
from tests.skills.factories import OccupationFactory

VALID = {
    "company_name": "Nordlager AB",
    "company_country": "Sverige",
    "contact_name": "Eva Ek",
    "contact_email": "eva@nordlager.example",
    "wants": "premises",
    "premises_kinds": ["warehouse"],
    "area_min_m2": "2000",
    "area_max_m2": "5000",
    "tenure": "either",
    "amenities": ["loading_dock"],
    "max_km_motorway": "10",
    "consent": "on",
    "occ-TOTAL_FORMS": "3",
    "occ-INITIAL_FORMS": "0",
}


@pytest.fixture
def listing(premises_factory, laxa, landmark_factory):
    landmark_factory(kind=LandmarkKind.MOTORWAY_JUNCTION, name="E20 trafikplats Blacksta", location=at(0))
    return premises_factory(
        municipality=laxa,
        title="Logistiklager vid E20",
        kind=Kind.WAREHOUSE,
        area_min_m2=3000,
        area_max_m2=3000,
        has_loading_dock=True,
        location=at(4200),
    )


def post(client, **changes):
    data = {**VALID, **changes}
    return client.post("/en/establish/", {k: v for k, v in data.items() if v is not None})


def test_the_form_is_shown_in_both_languages(client, county):
    assert "Establish your business" in client.get("/en/establish/").content.decode()
    assert client.get("/sv/establish/").status_code == 200


def test_a_valid_request_is_stored_matched_and_the_company_is_sent_its_page(
    client, county, listing, laxa, django_capture_on_commit_callbacks
):
    occupation = OccupationFactory(ssyk="4321", name_sv="Lagerarbetare")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, **{"occ-0-occupation": str(occupation.pk), "occ-0-head_count": "12"})
    case = EstablishmentRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert len(case.token) >= 40
    assert list(case.concerned_municipalities.all()) == [laxa]
    assert [(r.occupation, r.head_count) for r in case.recruitments.all()] == [(occupation, 12)]
    assert case.known_matches.get().premises == listing
    assert len(mail.outbox) == 1 and case.get_absolute_url() in mail.outbox[0].body
    page = client.get(case.get_absolute_url())
    html = page.content.decode()
    assert "Logistiklager vid E20" in html
    assert "4.2 km to E20 trafikplats Blacksta (max 10 km)" in html
    assert page["X-Robots-Tag"].startswith("noindex")
    assert page["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"company_name": ""}, "company_name", "Fill in this field."),
        ({"contact_email": "not-an-address"}, "contact_email", "Enter an e-mail address"),
        ({"consent": None}, "consent", "You must agree"),
        ({"area_min_m2": "5000", "area_max_m2": "2000"}, "area_max_m2", "“To” must be at least “from”."),
        ({"max_km_motorway": "-3"}, "max_km_motorway", "at least 0.1 km"),
        ({"area_min_m2": "lots"}, "area_min_m2", "Enter a whole number"),
        ({"occ-0-head_count": "4"}, "occ-0-occupation", "Choose the occupation"),
        # Beyond any primary key: refused by the form, not by the database (was a server error).
        ({"municipalities": "99999999999999999999"}, "municipalities", "is not one of the available"),
        (
            {"occ-0-occupation": "-99999999999999999999", "occ-0-head_count": "2"},
            "occ-0-occupation",
            "from the list",
        ),
    ],
)
def test_an_invalid_request_shows_errors_and_stores_nothing(client, county, changes, field, message):
    response = post(client, **changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert f'href="#id_{field}"' in html
    assert message in html
    assert EstablishmentRequest.objects.count() == 0


def test_a_filled_honeypot_stores_nothing(client, county):
    response = post(client, website="http://spam.example")
    assert response.status_code == 302
    assert EstablishmentRequest.objects.count() == 0


def test_the_rate_limit_refuses_with_a_message(client, county, settings):
    settings.INQUIRY_EMAIL_RATE_LIMIT = 1
    assert post(client).status_code == 302
    response = post(client)
    assert response.status_code == 200
    assert "many requests in a short time" in response.content.decode()
    assert EstablishmentRequest.objects.count() == 1


def test_the_search_pages_filters_fill_in_the_form(client, county):
    html = client.get(
        "/en/establish/?from=premises&kind=warehouse&area_min=2000&amenity=loading_dock&municipality=1860"
    ).content.decode()
    assert (
        'value="warehouse" id="id_premises_kinds_3" checked' in html
        or 'value="warehouse"' in html
        and "checked" in html
    )
    assert 'name="area_min_m2" value="2000"' in html
    assert 'value="loading_dock"' in html
    html = client.get(
        "/en/establish/?from=land&purpose=logistics&landmark_kind=rail_terminal&within_km=5&rail=on"
    ).content.decode()
    assert 'name="max_km_rail_terminal" value="5' in html
    assert 'name="land_rail" id="id_land_rail" checked' in html


FIELDS = "establishment/_request_fields.html"


def _rendered(response) -> bool:
    """Whether the response rendered the form's fields (rather than reusing them)."""
    return FIELDS in [t.name for t in response.templates]


def test_the_blank_form_is_rendered_once_per_language_and_data_version(client, county, laxa, monkeypatch):
    monkeypatch.setattr(views, "_BLANK_FIELDS", {})
    first = client.get("/en/establish/")
    again = client.get("/en/establish/")
    assert _rendered(first) and not _rendered(again)
    assert _rendered(client.get("/sv/establish/"))  # each language its own
    # The same page, but for the CSRF token, which is never kept.
    token = 'name="csrfmiddlewaretoken" value="'

    def without_token(response) -> str:
        html = response.content.decode()
        start = html.index(token) + len(token)
        return html[:start] + html[html.index('"', start) :]

    assert without_token(first) == without_token(again)
    # What it lists changes: rendered again, and shown.
    OccupationFactory(ssyk="8343", name_sv="Kranförare", name_en="Crane operators")
    changed = client.get("/en/establish/")
    assert _rendered(changed) and "Crane operators (SSYK 8343)" in changed.content.decode()
    laxa.name = "Laxå kommun"
    laxa.save()
    renamed = client.get("/en/establish/")
    assert _rendered(renamed) and ">Laxå kommun</label>" in renamed.content.decode()
    assert not _rendered(client.get("/en/establish/"))


def test_a_form_with_values_is_rendered_for_its_request(client, county, monkeypatch):
    monkeypatch.setattr(views, "_BLANK_FIELDS", {})
    client.get("/en/establish/")
    from_search = client.get("/en/establish/?from=premises&kind=warehouse")
    assert _rendered(from_search)
    assert 'value="warehouse" id="id_premises_kinds_3" checked' in from_search.content.decode()
    invalid = post(client, contact_email="not an address", area_min_m2="9000")
    assert _rendered(invalid)
    html = invalid.content.decode()
    assert 'name="area_min_m2" value="9000"' in html and "name@company.se" in html
    blank = client.get("/en/establish/")
    assert not _rendered(blank) and 'id="id_premises_kinds_3" checked' not in blank.content.decode()


def test_an_unknown_token_is_a_404(client, county):
    assert client.get("/en/establish/r/not-a-token/").status_code == 404


def test_a_revoked_page_no_longer_answers(client, request_factory, county):
    case = request_factory()
    response = client.post(f"/en/establish/r/{case.token}/remove/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.revoked_at is not None
    assert client.get(case.get_absolute_url()).status_code == 404


def test_the_pdf_report_contains_the_matches(client, county, listing, request_factory):
    case = request_factory(
        wants="premises",
        premises_kinds=["warehouse"],
        area_min_m2=2000,
        area_max_m2=5000,
        max_km_motorway=Decimal(10),
    )
    response = client.get(f"/en/establish/r/{case.token}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Logistiklager vid E20" in text
    assert "Site-selection report for" in text


def test_both_search_pages_link_to_the_request_with_their_filters(client, county):
    import re
    from html import unescape

    html = client.get(
        "/en/premises/?kind=warehouse&area_min=2000&amenity=loading_dock&page=2"
    ).content.decode()
    href = unescape(re.search(r'class="establish-link"><a href="([^"]+)"', html).group(1))
    assert href.startswith("/en/establish/?") and "from=premises" in href and "page=" not in href
    form = client.get(href).content.decode()
    assert 'name="area_min_m2" value="2000"' in form
    html = client.get("/en/land/?purpose=logistics&landmark_kind=airport&within_km=30").content.decode()
    href = unescape(re.search(r'class="establish-link"><a href="([^"]+)"', html).group(1))
    form = client.get(href).content.decode()
    assert 'name="max_km_airport" value="30' in form


def test_an_anonymised_case_has_no_page_any_more(client, request_factory, county):
    case = request_factory()
    assert client.get(f"/en/establish/r/{case.token}/").status_code == 200
    case.anonymise()
    assert client.get(f"/en/establish/r/{case.token}/").status_code == 404
    assert client.get(f"/en/establish/r/{case.token}/report.pdf").status_code == 404


def test_the_close_date_follows_the_status(request_factory):
    from establishment.models import CaseStatus

    case = request_factory(status=CaseStatus.WITHDRAWN)
    assert case.closed_at is not None
    case.status = CaseStatus.IN_PROGRESS
    case.save()
    case.refresh_from_db()
    assert case.closed_at is None
