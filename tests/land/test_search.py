"""The land search page: every filter, sorting, paging and invalid input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.land.factories import OREBRO_E, OREBRO_N, rectangle

URL = "/sv/land/"


def names(response) -> list[str]:
    return [plot.name for plot in response.context["page"].object_list]


@pytest.fixture
def plots(plot_factory, orebro, hallsberg, laxa):
    """Five plots that differ in every filtered property."""
    return {
        "logistics": plot_factory(
            name="Logistik",
            municipality=hallsberg,
            purposes=["logistics"],
            geom=rectangle(OREBRO_E, OREBRO_N - 20000, 400, 500),  # 20 ha
            price_sek_per_m2=190,
            water_sewer=True,
            fibre=True,
            electricity_kw=4000,
            rail_siding_possible=True,
            plan_id="1861-P2014/3",
        ),
        "industry": plot_factory(
            name="Industri",
            municipality=laxa,
            purposes=["industry"],
            geom=rectangle(OREBRO_E - 50000, OREBRO_N - 30000, 200, 250),  # 5 ha
            price_sek_per_m2=60,
            water_sewer=True,
            plan_status="in_progress",
        ),
        "retail": plot_factory(
            name="Handel",
            municipality=orebro,
            purposes=["retail", "office"],
            geom=rectangle(OREBRO_E, OREBRO_N, 100, 100),  # 1 ha
            price_sek_per_m2=900,
            water_sewer=True,
            district_heating=True,
            fibre=True,
            electricity_kw=500,
            description_sv="Nära köpcentrum och busshållplats.",
        ),
        "no_price": plot_factory(
            name="Utan pris",
            municipality=orebro,
            purposes=["mixed"],
            geom=rectangle(OREBRO_E + 3000, OREBRO_N, 150, 200),  # 3 ha
            price_sek_per_m2=None,
            plan_status="none",
        ),
    }


def test_search_lists_visible_plots_only(client, plots, plot_factory, orebro):
    plot_factory(name="Utkast", municipality=orebro, status="draft", published_at=None, confirmed_at=None)
    plot_factory(name="Såld", municipality=orebro, status="sold")
    stale = timezone.now() - timedelta(days=400)
    plot_factory(name="Gammal", municipality=orebro, published_at=stale, confirmed_at=stale)
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(names(response)) == ["Handel", "Industri", "Logistik", "Utan pris"]
    assert "Utkast" not in response.content.decode()


def test_result_count_and_total_hectares_are_shown(client, plots):
    assert "4 områden, 29,0 ha totalt" in client.get("/sv/land/").content.decode()
    assert "4 plots, 29.0 ha in total" in client.get("/en/land/").content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("municipality=1861", ["Logistik"]),
        ("municipality=1861&municipality=1860", ["Industri", "Logistik"]),
        ("purpose=logistics", ["Logistik"]),
        ("purpose=office&purpose=industry", ["Handel", "Industri"]),
        ("area_min_ha=4", ["Industri", "Logistik"]),
        ("area_max_ha=3", ["Handel", "Utan pris"]),
        ("area_min_ha=2&area_max_ha=6", ["Industri", "Utan pris"]),
        ("area_min_ha=4,5", ["Industri", "Logistik"]),
        ("price_max=200", ["Industri", "Logistik"]),
        ("plan_status=in_progress", ["Industri"]),
        ("plan_status=none", ["Utan pris"]),
        ("service=water_sewer", ["Handel", "Industri", "Logistik"]),
        ("service=water_sewer&service=fibre", ["Handel", "Logistik"]),
        ("service=district_heating&service=electricity", ["Handel"]),
        ("service=electricity", ["Handel", "Logistik"]),
        ("rail=1", ["Logistik"]),
        ("rail=on", ["Logistik"]),
        ("q=handel", ["Handel"]),
        ("q=köpcentrum", ["Handel"]),
        ("q=1861-P2014", ["Logistik"]),
        ("q=Hallsberg", ["Logistik"]),
        ("q=ingenting+alls", []),
    ],
)
def test_each_filter(client, plots, query, expected):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert sorted(names(response)) == expected


def test_bbox_filter_keeps_plots_in_the_map_area(client, plots):
    # A box around the Örebro plots only (WGS84 west,south,east,north).
    centre = rectangle(OREBRO_E, OREBRO_N, 3200, 200).transform(4326, clone=True)
    west, south, east, north = centre.extent
    response = client.get(f"{URL}?bbox={west - 0.001},{south - 0.001},{east + 0.001},{north + 0.001}")
    assert sorted(names(response)) == ["Handel", "Utan pris"]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("area_desc", ["Logistik", "Industri", "Utan pris", "Handel"]),
        ("area_asc", ["Handel", "Utan pris", "Industri", "Logistik"]),
        ("price_asc", ["Industri", "Logistik", "Handel", "Utan pris"]),
        ("name", ["Handel", "Industri", "Logistik", "Utan pris"]),
    ],
)
def test_sorting(client, plots, sort, expected):
    assert names(client.get(f"{URL}?sort={sort}")) == expected


def test_newest_first_is_the_default(client, plot_factory, orebro):
    now = timezone.now()
    plot_factory(name="Äldre", municipality=orebro, published_at=now - timedelta(days=5))
    plot_factory(name="Nyare", municipality=orebro, published_at=now - timedelta(days=1))
    assert names(client.get(URL)) == ["Nyare", "Äldre"]


def test_pages_keep_the_filters(client, plot_factory, orebro, settings):
    settings.SEARCH_PAGE_SIZE = 2
    for _ in range(5):
        plot_factory(municipality=orebro, purposes=["logistics"])
    response = client.get(f"{URL}?purpose=logistics&page=3")
    assert len(names(response)) == 1
    assert "?purpose=logistics&amp;page=2" in response.content.decode()


@pytest.mark.parametrize(
    "query, field",
    [
        ("area_min_ha=abc", "area_min_ha"),
        ("area_min_ha=-1", "area_min_ha"),
        ("area_min_ha=10&area_max_ha=5", "area_max_ha"),
        ("price_max=1e999", "price_max"),
        ("municipality=9999", "municipality"),
        ("purpose=castle", "purpose"),
        ("plan_status=maybe", "plan_status"),
        ("service=helipad", "service"),
        ("landmark_kind=spaceport&within_km=5", "landmark_kind"),
        ("landmark_kind=airport", "within_km"),
        ("within_km=5", "landmark_kind"),
        ("landmark_kind=airport&within_km=0", "within_km"),
        ("landmark_kind=airport&within_km=nine", "within_km"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=16,60,15,59", "bbox"),
        ("sort=random", "sort"),
    ],
)
def test_invalid_input_is_explained_in_the_form(client, plots, query, field):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert "error-summary" in html
    assert f'href="#id_{field}"' in html
    # As on the premises search: no results for a search that could not be understood.
    assert response.context["page"] is None


def test_page_beyond_the_end_shows_the_last_page(client, plots):
    response = client.get(f"{URL}?page=999")
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_user_text_is_escaped(client, plot_factory, orebro):
    plot_factory(municipality=orebro, name="<script>alert(1)</script>")
    html = client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_partial_returns_the_results_alone(client, plots):
    html = client.get(f"{URL}?partial=1&purpose=logistics").content.decode()
    assert "Logistik" in html
    assert "<html" not in html


@pytest.mark.parametrize("lang, text", [("sv", "Mark för företag"), ("en", "Land for business")])
def test_search_page_speaks_both_languages(client, plots, lang, text):
    html = client.get(f"/{lang}/land/").content.decode()
    assert f"<h1>{text}</h1>" in html


def test_search_page_query_count_does_not_grow_with_hits(
    client, plot_factory, orebro, django_assert_max_num_queries
):
    for _ in range(3):
        plot_factory(municipality=orebro)
    with django_assert_max_num_queries(6) as few:
        client.get(URL)
    for _ in range(15):
        plot_factory(municipality=orebro)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(names(response)) == 18


def test_no_filter_makes_the_query_distinct(plots):
    """The search's rule (brorebro.search): no filter joins a to-many relation, so none adds DISTINCT."""
    from django.http import QueryDict

    from land.filters import LandPlotFilterSet
    from land.models import LandPlot

    query = QueryDict(
        "municipality=1880&municipality=1861&purpose=logistics&purpose=retail&service=fibre&plan_status=in_force",
        mutable=True,
    )
    filterset = LandPlotFilterSet(query, queryset=LandPlot.objects.visible())
    assert filterset.is_valid(), filterset.errors
    assert "DISTINCT" not in str(filterset.qs.query).upper()
    assert sorted(p.name for p in filterset.qs) == ["Handel", "Logistik"]
