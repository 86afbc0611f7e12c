"""Free text in Swedish as people type it (issue 16), and the way out of a search with no hits.

Runs unchanged on SpatiaLite and PostGIS: the same query must find the same listings on both.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from premises.models import Premises
from tests.factories import MunicipalityFactory
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

URL = "/sv/premises/"


@pytest.fixture
def nora(db):
    return MunicipalityFactory(code="1884", name="Nora", slug="nora")


@pytest.fixture
def listings(orebro, laxa, nora):
    """One listing per word of the issue, each word only in its own listing."""
    plain = {"description_sv": "", "street": "", "locality": "Fjugesta"}
    return {
        "shop": PremisesFactory(municipality=laxa, title="Butik vid torget", **plain),
        "restaurant": PremisesFactory(municipality=laxa, title="Restaurang med uteservering", **plain),
        "office": PremisesFactory(municipality=laxa, title="Kontor med utsikt", **plain),
        "warehouse": PremisesFactory(municipality=laxa, title="Lager med lastkaj", **plain),
        "cafe": PremisesFactory(municipality=laxa, title="Litet café", **plain),
        "orebro": PremisesFactory(
            municipality=orebro, title="Verkstad", street="", description_sv="", locality="Örebro"
        ),
        "nora": PremisesFactory(
            municipality=nora, title="Hantverkslokal", description_sv="", locality="Nora"
        ),
        "centre": PremisesFactory(
            municipality=laxa, title="Ateljé", description_sv="Mitt i centrum.", street="", locality="Laxå"
        ),
    }


def titles(response) -> set[str]:
    assert response.status_code == 200
    return {premises.title for premises in response.context["page"].object_list}


@pytest.mark.parametrize(
    "typed, found",
    [
        ("butik", "shop"),
        ("butiken", "shop"),  # definite form
        ("butiker", "shop"),  # plural
        ("BUTIKEN", "shop"),  # case
        ("restaurangen", "restaurant"),
        ("kontoret", "office"),
        ("lagret", "warehouse"),  # the e of "lager" drops in "lagret"
        ("café", "cafe"),
        ("cafe", "cafe"),  # accent left out
        ("kafé", "cafe"),  # the Swedish spelling
        ("kafe", "cafe"),
        ("Örebro", "orebro"),
        ("Orebro", "orebro"),  # as typed on a foreign keyboard
        ("orebro", "orebro"),
        ("torg", "shop"),  # "torget" in the title
        ("nora", "nora"),  # the municipality, not every word that starts with "nor"
    ],
)
def test_word_forms_accents_and_case_find_the_listing(client, listings, typed, found):
    assert titles(client.get(URL, {"q": typed})) == {listings[found].title}


def test_every_word_must_match_and_little_words_do_not_count(client, listings):
    assert titles(client.get(URL, {"q": "butik torget"})) == {"Butik vid torget"}
    assert titles(client.get(URL, {"q": "hantverkslokaler i Nora"})) == {"Hantverkslokal"}
    assert titles(client.get(URL, {"q": "butik lager"})) == set()


def test_the_municipality_name_is_searched(client, listings):
    assert titles(client.get(URL, {"q": "Laxa"})) == {
        listings[key].title for key in ("shop", "restaurant", "office", "warehouse", "cafe", "centre")
    }


def test_zero_hits_name_the_word_to_drop_with_its_count_and_link(client, listings):
    response = client.get(URL, {"q": "nora centrum"})
    assert titles(response) == set()
    html = response.content.decode()
    assert "1 träff utan ordet ‘centrum’" in html
    assert "1 träff utan ordet ‘nora’" in html
    link = re.search(r'<a href="([^"]+)">1 träff utan ordet ‘centrum’</a>', html).group(1)
    assert link == "?q=nora"
    assert titles(client.get(URL + link.replace("&amp;", "&"))) == {"Hantverkslokal"}


def test_zero_hits_name_the_filter_to_drop_in_english(client, listings):
    response = client.get("/en/premises/", {"q": "butiken", "kind": "warehouse", "page": "2"})
    assert titles(response) == set()
    html = response.content.decode()
    assert "1 hit without “Type of premises”" in html
    link = re.search(r'<a href="([^"]+)">1 hit without “Type of premises”</a>', html).group(1)
    assert link == "?q=butiken"  # the first page, without the kind
    # Leaving out the only word leaves the kind: no warehouse in this catalogue.
    assert "without the word" not in html


def test_a_filter_that_needs_the_one_dropped_goes_with_it(client, listings):
    # No listing within 1 km of this spot that has "butik": without the position, the
    # distance and the distance sort would be errors, so they are left out with it.
    response = client.get(URL, {"q": "butik", "near": "59.0,14.0", "radius_km": "1", "sort": "distance"})
    assert titles(response) == set()
    html = response.content.decode()
    links = dict(
        (label, link.replace("&amp;", "&"))
        for link, label in re.findall(r'<a href="([^"]+)">1 träff utan ”([^”]+)”', html)
    )
    assert links == {
        "Nära platsen": "?q=butik",
        "Inom (km)": "?q=butik&near=59.0%2C14.0&sort=distance",
    }
    for link in links.values():
        assert titles(client.get(URL + link)) == {"Butik vid torget"}


def test_no_way_out_is_offered_when_there_are_hits(client, listings):
    assert "ways-out" not in client.get(URL, {"q": "butik"}).content.decode()


def test_ways_out_cost_one_count_per_filter_and_word_and_are_shared(client, listings):
    query = {"q": "nora centrum", "kind": "office", "tenure": "rent"}
    with CaptureQueriesContext(connection) as counted:
        response = client.get(URL, query)
    assert titles(response) == set()
    assert "1 träff utan ordet ‘nora’" in response.content.decode()
    counts = [q["sql"] for q in counted.captured_queries if "COUNT(" in q["sql"].upper()]
    # The page's own count, then one per word (nora, centrum) and per filter (kind, tenure).
    assert len(counts) == 1 + 2 + 2
    # Each is the count of a search of its own, shared: the same search again (in another
    # order) and the way out itself count nothing.
    with CaptureQueriesContext(connection) as again:
        assert "1 träff utan ordet ‘nora’" in client.get(URL, {**query, "sort": "area_asc"}).content.decode()
        client.get(URL, {"q": "centrum", "kind": "office", "tenure": "rent"})
    assert not [q["sql"] for q in again.captured_queries if "COUNT(" in q["sql"].upper()]


# --- the stored search words are kept current ----------------------------------------------------
def test_editing_the_title_updates_what_is_found(orebro):
    premises = PremisesFactory(municipality=orebro, title="Kontor", description_sv="")
    premises.title = "Butik"
    premises.save(update_fields=["title"])
    assert list(Premises.objects.search("butiken")) == [premises]
    assert not Premises.objects.search("kontoret").exists()


def test_a_save_of_other_fields_keeps_the_search_words(orebro):
    premises = PremisesFactory(municipality=orebro, title="Butik")
    Premises.objects.filter(pk=premises.pk).update(search_text=" stale ")
    premises.status = "archived"
    premises.save(update_fields=["status"])
    premises.refresh_from_db()
    assert premises.search_text == " stale "  # not recomputed, and not written


def test_the_search_words_are_not_in_the_change_history(orebro):
    premises = PremisesFactory(municipality=orebro)
    assert "search_text" not in {field.name for field in premises.history.model._meta.fields}


def test_the_migration_fills_existing_rows(orebro):
    premises = PremisesFactory(municipality=orebro, title="Restaurang vid ån", locality="Örebro")
    Premises.objects.update(search_text="")
    assert not Premises.objects.search("restaurangen").exists()
    migration = importlib.import_module("premises.migrations.0007_search_text")
    migration.fill_search_text(django_apps, None)
    assert list(Premises.objects.search("restaurangen")) == [premises]
    assert list(Premises.objects.search("Orebro")) == [premises]


def test_imported_listings_are_found_by_word_form(orebro):
    from brorebro.importing import read_csv_bytes
    from premises.importing import PremisesImporter

    header = (
        "external_ref,municipality_code,title,kind,locality,lat,lon,area_min_m2,area_max_m2,tenure,status"
    )
    row = "L1,1880,Butikslokal på Väster,retail,Örebro,59.2741,15.2066,120,120,rent,published"
    report = PremisesImporter().run(read_csv_bytes(f"{header}\n{row}\n".encode(), "file.csv"))
    assert report.ok, [str(e) for e in report.errors]
    assert [p.external_ref for p in Premises.objects.search("butiker vaster")] == ["L1"]
    # An update through the importer changes what is found.
    row = "L1,1880,Kontor på Väster,office,Örebro,59.2741,15.2066,120,120,rent,published"
    report = PremisesImporter().run(read_csv_bytes(f"{header}\n{row}\n".encode(), "file.csv"))
    assert report.ok, [str(e) for e in report.errors]
    assert not Premises.objects.search("butik").exists()
    assert Premises.objects.search("kontoret").count() == 1


@pytest.mark.postgis_only
def test_postgres_serves_the_search_from_the_trigram_index(listings):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = Premises.objects.search("butiken").explain()
        cursor.execute("SET enable_seqscan = on")
    assert "premises_fulltext_idx" in plan
