"""Versioned caching and conditional GET (issue 15).

Public responses are shared and answered 304 under a key that carries the data
version of what they show; any write (ORM save, bulk update, raw SQL, import, admin)
moves that version in its own transaction, so the very next request sees the change.
Nothing that carries a session, a CSRF token or personal data is shared or marked public.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from brorebro import versions
from brorebro.caching import public_response, shared
from premises.importing import PremisesImporter
from premises.models import Premises, PremisesStatus
from tests.premises.factories import PremisesFactory
from tests.premises.test_admin import change_data

pytestmark = pytest.mark.django_db(transaction=False)

SEARCH = "/sv/premises/"
GEOJSON = "/api/premises.geojson?zoom=14"
EXPORT = "/sv/premises/export.csv"


def titles_in_search(client) -> str:
    return client.get(SEARCH).content.decode()


def geojson_refs(client) -> list[int]:
    body = client.get(GEOJSON).json()
    return sorted(f["properties"]["id"] for f in body["features"] if "id" in f["properties"])


def export_titles(client) -> list[str]:
    response = client.get(EXPORT)
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    return [row["title"] for row in csv.DictReader(io.StringIO(text))]


def seen_everywhere(client, premises: Premises) -> tuple[bool, bool, bool]:
    return (
        premises.title in titles_in_search(client),
        premises.pk in geojson_refs(client),
        premises.title in export_titles(client),
    )


@pytest.fixture
def draft(orebro):
    visible = PremisesFactory(municipality=orebro, title="Redan publicerat kontor")
    draft = PremisesFactory(municipality=orebro, title="Nytt lager vid Svartån", status=PremisesStatus.DRAFT)
    client = Client()
    # Warm every cache: the search, the map and the export are now stored without the draft.
    assert seen_everywhere(client, draft) == (False, False, False)
    assert visible.title in titles_in_search(client)
    return draft


# --- no stale data after any kind of write ---------------------------------------------------
def test_a_listing_saved_through_the_orm_shows_in_the_very_next_search_map_and_export(draft):
    draft.status = PremisesStatus.PUBLISHED
    draft.save()
    assert seen_everywhere(Client(), draft) == (True, True, True)


def test_a_bulk_update_shows_in_the_very_next_search_map_and_export(draft):
    # QuerySet.update() sends no signal: the database trigger still moves the version.
    Premises.objects.filter(pk=draft.pk).update(status=PremisesStatus.PUBLISHED)
    assert seen_everywhere(Client(), draft) == (True, True, True)


def test_raw_sql_shows_in_the_very_next_search(draft):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE premises_premises SET status = %s WHERE id = %s", ["published", draft.pk])
    assert seen_everywhere(Client(), draft) == (True, True, True)


def test_an_import_shows_in_the_very_next_search_map_and_export(draft):
    from brorebro.importing import read_csv_bytes
    from tests.premises.test_import import HEADER

    row = (
        f"{draft.external_ref},1880,{draft.title},warehouse,,,Örebro,59.2741,15.2066,500,500,"
        "rent,700,,,,,,,,published"
    )
    report = PremisesImporter().run(read_csv_bytes(f"{HEADER}\n{row}\n".encode(), "file.csv"))
    assert report.ok, [str(e) for e in report.errors]
    assert seen_everywhere(Client(), draft) == (True, True, True)


def test_an_admin_edit_shows_in_the_very_next_search_map_and_export(draft, orebro_officer):
    officer = Client()
    officer.force_login(orebro_officer)
    response = officer.post(
        f"/admin/premises/premises/{draft.pk}/change/", change_data(draft, status="published")
    )
    assert response.status_code == 302, response.content[:2000]
    assert seen_everywhere(Client(), draft) == (True, True, True)


def test_a_deleted_listing_leaves_the_very_next_search(orebro):
    gone = PremisesFactory(municipality=orebro, title="Snart borta")
    client = Client()
    assert seen_everywhere(client, gone) == (True, True, True)
    Premises.objects.filter(pk=gone.pk).delete()
    assert seen_everywhere(client, gone) == (False, False, False)


def test_a_rolled_back_write_leaves_the_version_as_it_was(orebro):
    PremisesFactory(municipality=orebro)
    before = versions.current(["premises"])
    with pytest.raises(RuntimeError), transaction.atomic():
        PremisesFactory(municipality=orebro)
        assert versions.current(["premises"]) != before
        raise RuntimeError
    assert versions.current(["premises"]) == before


def test_a_write_moves_only_its_own_kind(orebro):
    before = {kind: versions.current([kind]) for kind in ("premises", "land", "surveys")}
    PremisesFactory(municipality=orebro)
    after = {kind: versions.current([kind]) for kind in ("premises", "land", "surveys")}
    assert after["premises"] != before["premises"]
    assert after["land"] == before["land"] and after["surveys"] == before["surveys"]


def test_every_table_of_every_kind_has_a_trigger():
    from django.apps import apps

    tables = {m._meta.db_table for kind in versions.KINDS for m in versions.models_of(kind)}
    assert {"premises_premises", "land_landplot", "surveys_response", "brorebro_municipality"} <= tables
    assert not [
        m
        for m in apps.get_models()
        if getattr(m, "data_version_exempt", False) and m._meta.db_table in tables
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE %s",
                [versions.TRIGGER_PREFIX + "%"],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
                [versions.TRIGGER_PREFIX + "%"],
            )
        with_trigger = {row[0] for row in cursor.fetchall()}
    assert tables <= with_trigger


# --- conditional GET -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url", [SEARCH, GEOJSON, EXPORT, "/sv/", "/en/land/", "/sv/nki/", "/sv/nki/export.csv"]
)
def test_a_repeated_request_is_answered_304(url, orebro, client):
    PremisesFactory(municipality=orebro)
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"]
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_the_etag_changes_with_the_data_the_query_and_the_language(orebro, client):
    PremisesFactory(municipality=orebro)
    sv = client.get(SEARCH)["ETag"]
    assert client.get("/en/premises/")["ETag"] != sv
    assert client.get(SEARCH + "?kind=office")["ETag"] != sv
    assert client.get(SEARCH)["ETag"] == sv
    PremisesFactory(municipality=orebro)
    changed = client.get(SEARCH, HTTP_IF_NONE_MATCH=sv)
    assert changed.status_code == 200 and changed["ETag"] != sv


def test_a_warm_request_costs_one_query_whatever_the_hits(orebro):
    client = Client()
    for count in (1, 30):
        PremisesFactory.create_batch(count, municipality=orebro)
        client.get(SEARCH)  # cold: stores the page
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SEARCH).status_code == 200
        assert len(queries) == 1, [q["sql"] for q in queries]  # the data versions
        with CaptureQueriesContext(connection) as queries:
            etag = client.get(GEOJSON)["ETag"]
            assert client.get(GEOJSON, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert len(queries) <= 1 + 1 + 5  # versions + the cold map's own + the 304's versions


def test_an_invalid_search_is_not_shared(orebro, client):
    response = client.get(SEARCH + "?area_min=lots")
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")
    bad_map = client.get("/api/premises.geojson?zoom=99")
    assert bad_map.status_code == 400
    assert not bad_map.has_header("ETag")


# --- never for a session, a form or personal data --------------------------------------------------
def test_no_shared_caching_for_a_signed_in_officer(orebro, orebro_officer):
    PremisesFactory(municipality=orebro)
    officer = Client()
    officer.force_login(orebro_officer)
    for url in (SEARCH, GEOJSON, EXPORT, "/sv/", "/admin/", "/admin/premises/premises/"):
        response = officer.get(url)
        assert response.status_code == 200, url
        assert not response.has_header("ETag"), url
        assert "public" not in response.get("Cache-Control", ""), url


def test_a_session_cookie_alone_turns_sharing_off(orebro, client):
    client.cookies["sessionid"] = "not-a-real-session"
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


def test_a_page_with_a_csrf_token_is_never_shared():
    calls = []

    @public_response("premises")
    def page_with_form(request):
        calls.append(1)
        return HttpResponse(
            f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}">'
        )

    factory = RequestFactory()
    first = page_with_form(factory.get("/form/"))
    second = page_with_form(factory.get("/form/"))
    assert len(calls) == 2  # not served from the cache
    assert not first.has_header("ETag") and not second.has_header("Cache-Control")


def test_the_detail_page_with_its_inquiry_form_is_not_public(orebro, client):
    premises = PremisesFactory(municipality=orebro)
    response = client.get(f"/sv/premises/{premises.pk}/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


def test_the_private_establishment_page_is_not_public(client, orebro):
    from tests.establishment.factories import RequestFactory as EstablishmentRequestFactory

    request = EstablishmentRequestFactory()
    response = client.get(request.get_absolute_url())
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


# --- result cards, kept per listing -------------------------------------------------------------
@pytest.fixture
def card_renders(monkeypatch):
    """The names of the card templates rendered (a cached card is not rendered)."""
    import brorebro.caching

    rendered: list[str] = []
    real = brorebro.caching.get_template

    def counting(name):
        template = real(name)
        original = template.render

        def render(context=None, request=None):
            rendered.append(name)
            return original(context, request)

        template.render = render
        return template

    monkeypatch.setattr(brorebro.caching, "get_template", counting)
    return rendered


def test_a_result_card_is_rendered_once_per_listing_whatever_the_search(orebro, card_renders):
    PremisesFactory.create_batch(3, municipality=orebro, kind="office")
    client = Client()
    first = client.get("/sv/premises/?cold=1").content.decode()
    assert card_renders == ["premises/_card.html"] * 3
    # Another query with the same hits: the page is rendered, the cards come from the cache.
    second = client.get("/sv/premises/?kind=office").content.decode()
    assert len(card_renders) == 3
    assert second.count('class="result-card premises-card"') == 3
    assert first.count('class="result-card premises-card"') == 3
    # In English each card is its own.
    client.get("/en/premises/?kind=office")
    assert len(card_renders) == 6


def test_an_edited_listing_shows_its_new_card_in_the_very_next_search(orebro, card_renders):
    listing = PremisesFactory(municipality=orebro, title="Kontor vid Svartån", area_min_m2=120)
    client = Client()
    assert "Kontor vid Svartån" in client.get("/sv/premises/?cold=1").content.decode()
    Premises.objects.filter(pk=listing.pk).update(
        title="Kontor vid Stortorget", area_min_m2=480, area_max_m2=480
    )
    page = client.get("/sv/premises/?cold=2").content.decode()
    assert "Kontor vid Stortorget" in page and "Kontor vid Svartån" not in page
    assert "480&nbsp;m²" in page


def test_a_card_shows_the_distance_of_its_own_search(orebro, card_renders):
    PremisesFactory(municipality=orebro)  # at 15.2066, 59.2741
    client = Client()
    near = client.get("/en/premises/?near=59.2741,15.2166&radius_km=10").content.decode()
    far = client.get("/en/premises/?near=59.2741,15.3066&radius_km=10").content.decode()
    # The same listing's card, with the distance each search measured (about 0.57 and 5.7 km).
    near_km = float(re.search(r"([\d.]+) km away", near).group(1))
    far_km = float(re.search(r"([\d.]+) km away", far).group(1))
    assert 0.4 <= near_km <= 0.7
    assert 5.4 <= far_km <= 6.0


def test_the_max_age_is_the_setting_and_zero_turns_sharing_off(orebro, client, settings):
    settings.PUBLIC_CACHE_MAX_AGE = 300
    response = client.get(SEARCH)
    assert "max-age=300" in response["Cache-Control"] and "public" in response["Cache-Control"]
    settings.PUBLIC_CACHE_MAX_AGE = 0
    response = client.get(SEARCH + "?cold=1")
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


def test_the_count_of_a_search_is_shared_by_its_pages_and_orders_and_follows_a_write(orebro):
    PremisesFactory.create_batch(2, municipality=orebro)
    client = Client()
    assert "2 lokaler" in client.get("/sv/premises/?kind=office").content.decode()
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/sv/premises/?kind=office&sort=area_asc").content.decode()
    assert "2 lokaler" in page
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    PremisesFactory(municipality=orebro)
    assert "3 lokaler" in client.get("/sv/premises/?kind=office&sort=area_asc").content.decode()


# --- zoomed-out map layers, shared by every visitor ----------------------------------------------
def _grouping_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "GROUP BY" in q["sql"].upper()]


def test_the_zoomed_out_premises_clusters_are_grouped_once_for_every_view(orebro):
    PremisesFactory.create_batch(3, municipality=orebro)
    client = Client()
    first = client.get("/api/premises.geojson?zoom=5&view=10,55,24,69").json()
    with CaptureQueriesContext(connection) as queries:
        panned = client.get("/api/premises.geojson?zoom=5&view=12,56,25,68").json()
    assert not _grouping_queries(queries)  # a new view box, the same national grouping
    assert panned["features"] == first["features"] and panned["count"] == 3
    # Another search is its own layer, and a write makes a new one at once.
    assert client.get("/api/premises.geojson?zoom=5&kind=warehouse").json()["count"] == 0
    PremisesFactory(municipality=orebro)
    assert client.get("/api/premises.geojson?zoom=5&view=12,56,25,68").json()["count"] == 4


def test_the_zoomed_out_land_layer_is_shared_and_follows_a_write(orebro):
    from tests.land.factories import LandPlotFactory

    LandPlotFactory.create_batch(2, municipality=orebro)
    client = Client()
    assert client.get("/api/land.geojson?zoom=5").json()["count"] == 2
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/land.geojson?zoom=5&cold=1").json()
    assert again["count"] == 2
    assert not any("land_landplot" in q["sql"] for q in queries)
    LandPlotFactory(municipality=orebro)
    assert client.get("/api/land.geojson?zoom=5&cold=2").json()["count"] == 3


# --- shared values -----------------------------------------------------------------------------------
def test_a_shared_value_is_computed_once_per_data_version(orebro):
    calls = []

    def count() -> int:
        calls.append(1)
        return Premises.objects.count()

    assert shared(("premises",), "count", count) == 0
    assert shared(("premises",), "count", count) == 0
    assert len(calls) == 1
    PremisesFactory(municipality=orebro)
    assert shared(("premises",), "count", count) == 1
    assert len(calls) == 2


def test_the_home_figures_are_shared_and_follow_a_write(orebro):
    PremisesFactory(municipality=orebro)
    client = Client()
    first = client.get("/en/?cold=1").content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/?cold=2")  # a new URL: the page is rendered, the figures are not computed
    assert not any("premises_premises" in q["sql"] for q in queries)
    PremisesFactory.create_batch(2, municipality=orebro)
    after = client.get("/en/?cold=3").content.decode()
    assert first != after  # the count of vacant premises moved at once


def test_a_listing_that_expires_without_a_write_leaves_the_search_within_the_time_slot(orebro, settings):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    now = timezone.now()
    old = now - dt.timedelta(days=settings.LISTING_HIDE_AFTER_DAYS) + dt.timedelta(minutes=1)
    expiring = PremisesFactory(municipality=orebro, title="Snart dold", published_at=old, confirmed_at=old)
    client = Client()
    with time_machine.travel(now, tick=False):
        assert expiring.title in titles_in_search(client)
    # No write at all: only the clock moves past the listing's last day.
    with time_machine.travel(now + dt.timedelta(seconds=versions.TIME_SLOT_SECONDS + 120), tick=False):
        assert expiring.title not in titles_in_search(client)


def test_survey_pages_do_not_expire_with_the_clock(client, db):
    import time_machine
    from django.utils import timezone

    now = timezone.now()
    with time_machine.travel(now, tick=False):
        first = client.get("/sv/nki/")
    with time_machine.travel(now + dt_hours(5), tick=False):
        again = client.get("/sv/nki/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def dt_hours(hours: int):
    import datetime as dt

    return dt.timedelta(hours=hours)
