"""The land search's free text in Swedish as people type it, and its way out of zero hits (issue 16).

Runs unchanged on SpatiaLite and PostGIS: the same query must find the same plots on both.
"""

from __future__ import annotations

import importlib
import json
import re

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from land.importing import LandPlotImporter, read_gis
from land.models import LandPlot
from tests.land.factories import OREBRO_E, OREBRO_N, rectangle

pytestmark = pytest.mark.django_db

URL = "/sv/land/"


@pytest.fixture
def plots(plot_factory, orebro, hallsberg):
    return {
        "logistics": plot_factory(
            name="Törsjö 6:12",
            area_name="Logistikcentrum",
            municipality=orebro,
            plan_id="1880-P920",
            description_sv="Mark för lager och logistik vid E20.",
            description_en="",
            geom=rectangle(OREBRO_E, OREBRO_N, 100, 100),
        ),
        "trade": plot_factory(
            name="Samzon 1:5",
            area_name="Handelsområde",
            municipality=hallsberg,
            plan_id="1861-P2014/3",
            description_sv="Plats för handel och kontor.",
            description_en="",
            geom=rectangle(OREBRO_E + 5000, OREBRO_N, 100, 100),
        ),
    }


def names(response) -> set[str]:
    assert response.status_code == 200
    return {plot.name for plot in response.context["page"].object_list}


@pytest.mark.parametrize(
    "typed, found",
    [
        ("Örebro", "logistics"),  # the municipality
        ("Orebro", "logistics"),
        ("torsjo", "logistics"),  # the name, without its dots
        ("lagret", "logistics"),
        ("logistiken", "logistics"),
        ("logistikcentret", "logistics"),  # the definite form of "Logistikcentrum"
        ("e20", "logistics"),
        ("kontoret", "trade"),
        ("handeln", "trade"),
        ("handelsomradet", "trade"),  # å typed as a
        ("1861-P2014", "trade"),  # a plan id
        ("HALLSBERG", "trade"),
    ],
)
def test_word_forms_accents_and_case_find_the_plot(client, plots, typed, found):
    assert names(client.get(URL, {"q": typed})) == {plots[found].name}


def test_every_word_must_match(client, plots):
    assert names(client.get(URL, {"q": "lager och logistik"})) == {"Törsjö 6:12"}
    assert names(client.get(URL, {"q": "lager kontor"})) == set()


def test_zero_hits_name_the_word_and_the_filter_to_drop(client, plots):
    response = client.get(URL, {"q": "lagret kontor", "municipality": "1861", "page": "3"})
    assert names(response) == set()
    html = response.content.decode()
    ways = {
        label: link.replace("&amp;", "&")
        for link, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)
    }
    assert ways["1 träff utan ordet ‘lagret’"] == "?q=kontor&municipality=1861"
    assert "1 träff utan ordet ‘kontor’" not in ways  # "lagret" in Hallsberg: none
    assert names(client.get(URL + ways["1 träff utan ordet ‘lagret’"])) == {"Samzon 1:5"}


def test_a_pair_of_filters_is_dropped_together_and_offered_once(client, plots):
    # No airport at all: without the kind of place the distance means nothing, and the
    # other way round; both lead to the same search, offered once.
    response = client.get("/en/land/", {"q": "lager", "landmark_kind": "airport", "within_km": "5"})
    assert names(response) == set()
    html = response.content.decode()
    links = re.findall(r'<a href="([^"]+)">1 hit without “[^”]+”</a>', html)
    assert links == ["?q=lager"]


def test_ways_out_cost_one_count_per_filter(client, plots):
    query = {"q": "lagret kontor", "municipality": "1861", "rail": "1"}
    with CaptureQueriesContext(connection) as counted:
        assert names(client.get(URL, query)) == set()
    counts = [q["sql"] for q in counted.captured_queries if "COUNT(" in q["sql"].upper()]
    # The page's totals (which count the hits for the pages too), then one per word
    # (lagret, kontor) and per filter (municipality, rail).
    assert len(counts) == 1 + 2 + 2


def test_renaming_a_plot_changes_what_is_found(plots):
    plot = plots["trade"]
    plot.name = "Kvarnen 2:1"
    plot.save()
    assert list(LandPlot.objects.search("kvarn")) == [plot]
    assert not LandPlot.objects.search("samzon").exists()


def test_the_migration_fills_existing_rows(plots):
    LandPlot.objects.update(search_text="")
    assert not LandPlot.objects.search("lagret").exists()
    migration = importlib.import_module("land.migrations.0004_search_text")
    migration.fill_search_text(django_apps, None)
    assert list(LandPlot.objects.search("lagret")) == [plots["logistics"]]
    assert list(LandPlot.objects.search("hallsberg")) == [plots["trade"]]


@pytest.mark.postgis_only
def test_postgres_serves_the_search_from_the_trigram_index(plots):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        # Unordered, as the page's count is: ordered by newest, the newest index wins.
        plan = LandPlot.objects.search("lagret").order_by().explain()
        cursor.execute("SET enable_seqscan = on")
    assert "land_plot_search_idx" in plan


def test_imported_plots_are_found_by_word_form(tmp_path, orebro):
    ring = [[15.2, 59.27], [15.202, 59.27], [15.202, 59.271], [15.2, 59.271], [15.2, 59.27]]
    properties = {
        "municipality_code": "1880",
        "external_ref": "T-1",
        "name": "Törsjö 6:12",
        "purposes": "logistics",
        "description_sv": "Mark för lagerbyggnader.",
    }
    path = tmp_path / "plots.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": properties,
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    report = LandPlotImporter().run(read_gis(path))
    assert report.ok, [str(e) for e in report.errors]
    assert [plot.external_ref for plot in LandPlot.objects.search("torsjo lagerbyggnaden")] == ["T-1"]
