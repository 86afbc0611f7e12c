"""The detail page of a plot, and the shared inquiry form on it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from brorebro.models import Inquiry
from tests.land.factories import OREBRO_E, OREBRO_N, rectangle


@pytest.fixture
def plot(plot_factory, orebro):
    return plot_factory(
        municipality=orebro,
        name="Törsjö 6:12",
        area_name="Logistikcentrum Törsjö etapp 3",
        geom=rectangle(OREBRO_E, OREBRO_N, 300, 500),
        purposes=["logistics", "industry"],
        plan_id="1880-P920",
        plan_purpose_codes="J1, Z1",
        max_site_coverage_pct=50,
        max_building_height_m=20,
        plan_document_url="https://example.org/detaljplaner/1880-P920.pdf",
        price_sek_per_m2=350,
        water_sewer=True,
        fibre=True,
        electricity_kw=4000,
        rail_siding_possible=True,
        divisible=True,
        min_plot_m2=10000,
    )


def test_detail_shows_area_plan_and_services(client, plot):
    response = client.get(f"/sv/land/{plot.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Törsjö 6:12</h1>" in html
    assert "150\xa0000 m²" in html and "15,0 ha" in html
    assert 'href="https://example.org/detaljplaner/1880-P920.pdf"' in html
    assert "J1, Z1" in html
    assert "4\xa0000 kW" in html
    assert "naringsliv@1880.example.se" in html  # the municipality's business office


def test_detail_in_english_formats_numbers_the_english_way(client, plot):
    html = client.get(f"/en/land/{plot.pk}/").content.decode()
    assert "150,000 m²" in html and "15.0 ha" in html
    assert "Detailed plan in force" in html


def test_detail_map_gets_the_polygon_in_wgs84(client, plot):
    response = client.get(f"/sv/land/{plot.pk}/")
    data = response.context["map_data"]
    assert data["plot"]["type"] == "MultiPolygon"
    lon, lat = data["plot"]["coordinates"][0][0][0]
    assert 14 < lon < 17 and 58 < lat < 61
    assert 'id="plot-map-data"' in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "sold", "reserved", "archived"])
def test_plots_not_on_offer_are_not_shown(client, plot, status):
    plot.status = status
    plot.save()
    assert client.get(f"/sv/land/{plot.pk}/").status_code == 404


def test_unconfirmed_plot_leaves_the_public_site(client, plot):
    plot.confirmed_at = plot.published_at = timezone.now() - timedelta(days=400)
    plot.save()
    assert client.get(f"/sv/land/{plot.pk}/").status_code == 404


def test_inquiry_about_a_plot_is_stored_and_sent(client, plot):
    response = client.post(
        f"/sv/land/{plot.pk}/",
        {
            "name": "Karin Ek",
            "company": "Logistik AB",
            "email": "karin@logistik.example",
            "message": "Vi behöver 15 ha.",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sv/land/{plot.pk}/"
    inquiry = Inquiry.objects.get()
    assert inquiry.listing == plot
    assert inquiry.municipality == plot.municipality
    assert inquiry.listing_title == "Törsjö 6:12, Logistikcentrum Törsjö etapp 3"
    assert sorted(mail.outbox[0].to) == ["anna.lindqvist@example.se", "naringsliv@1880.example.se"]


def test_invalid_inquiry_shows_the_problems(client, plot):
    response = client.post(f"/sv/land/{plot.pk}/", {"name": "", "email": "not-an-email", "message": ""})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_detail_query_count_is_small(client, plot, landmark_factory, django_assert_max_num_queries):
    for kind in ("motorway_junction", "rail_terminal", "airport", "port"):
        landmark_factory(kind=kind)
    with django_assert_max_num_queries(4):
        client.get(f"/sv/land/{plot.pk}/")
