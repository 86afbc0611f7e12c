"""The comparison page: listings from the shortlist side by side, from ids in the address."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from brorebro.compare import MAX_LISTINGS, parse_ids
from land.models import LandPlotStatus
from premises.models import PremisesStatus
from tests.land.factories import LandPlotFactory
from tests.premises.factories import PremisesFactory


def _column_titles(html: str) -> list[str]:
    head = html.split("<thead>")[1].split("</thead>")[0]
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r'<a href="[^"]+">([^<]+)</a>', head)]


def test_it_shows_premises_and_land_side_by_side_in_the_order_given(client, orebro):
    office = PremisesFactory(
        municipality=orebro, title="Kontor vid Järntorget", area_min_m2=120, contact_phone="019-21 10 00"
    )
    shop = PremisesFactory(
        municipality=orebro,
        title="Butik i Kumla",
        tenure="sale",
        price_sek=2_000_000,
        rent_sek_per_m2_year=None,
    )
    plot = LandPlotFactory(municipality=orebro, name="Törsjö 6:12", price_sek_per_m2=350)

    response = client.get(f"/sv/compare/?premises={shop.pk},{office.pk}&land={plot.pk}")

    assert response.status_code == 200
    html = response.content.decode()
    assert _column_titles(html) == ["Butik i Kumla", "Kontor vid Järntorget", "Törsjö 6:12"]
    assert '<caption id="compare-caption">3 objekt jämförs</caption>' in html
    assert html.count('<th scope="col"') == 3
    assert '<th scope="row">Yta</th>' in html
    assert "120&nbsp;m²" in html
    assert "350 kr/m²" in html
    assert 'href="tel:+4619211000"' in html


def test_each_column_links_to_the_comparison_without_it(client, orebro):
    one, two = PremisesFactory.create_batch(2, municipality=orebro)
    plot = LandPlotFactory(municipality=orebro)

    html = client.get(f"/en/compare/?premises={one.pk},{two.pk}&land={plot.pk}").content.decode()

    assert f'href="/en/compare/?premises={two.pk}&amp;land={plot.pk}"' in html
    assert f'href="/en/compare/?premises={one.pk},{two.pk}"' in html


def test_the_request_link_takes_the_shortlist_along(client, orebro):
    premises = PremisesFactory(municipality=orebro)
    plot = LandPlotFactory(municipality=orebro)

    html = client.get(f"/en/compare/?land={plot.pk}&premises={premises.pk}").content.decode()

    assert f'href="/en/establish/?from=shortlist&amp;premises={premises.pk}&amp;land={plot.pk}"' in html


def test_listings_the_public_may_not_see_are_left_out_and_counted(client, orebro):
    shown = PremisesFactory(municipality=orebro, title="Synligt kontor")
    draft = PremisesFactory(
        municipality=orebro, title="Hemligt utkast", status=PremisesStatus.DRAFT, published_at=None
    )
    sold = LandPlotFactory(municipality=orebro, name="Såld tomt", status=LandPlotStatus.SOLD)

    html = client.get(f"/en/compare/?premises={shown.pk},{draft.pk}&land={sold.pk},999999").content.decode()

    assert _column_titles(html) == ["Synligt kontor"]
    assert "Hemligt utkast" not in html and "Såld tomt" not in html
    assert "3 listings on the list are no longer on offer and are left out." in html


@pytest.mark.parametrize(
    "query", ["premises=abc", "premises=-1", "land=1e9,x", "premises=99999999999999999999", ""]
)
def test_junk_in_the_address_gives_the_empty_page_not_an_error(client, db, query):
    response = client.get(f"/en/compare/?{query}")

    assert response.status_code == 200
    assert "Nothing to compare yet." in response.content.decode()


def test_it_compares_at_most_five(client, orebro):
    listings = PremisesFactory.create_batch(MAX_LISTINGS + 2, municipality=orebro)
    ids = ",".join(str(p.pk) for p in listings)

    html = client.get(f"/en/compare/?premises={ids}").content.decode()

    assert html.count('<th scope="col"') == MAX_LISTINGS
    assert "Only the first 5 listings are compared." in html


def test_parse_ids_reads_lists_repeats_and_skips_duplicates():
    wanted = parse_ids(QueryDict("premises=3,1&premises=3&premises=7&land=2,x"))

    assert wanted.ids == {"premises": [3, 1, 7], "land": [2]}
    assert wanted.ignored == 1
    assert not wanted.too_many


def test_the_page_works_in_a_fixed_number_of_queries(client, orebro, django_assert_max_num_queries):
    premises = PremisesFactory.create_batch(3, municipality=orebro)
    plots = LandPlotFactory.create_batch(2, municipality=orebro)
    url = f"/sv/compare/?premises={','.join(str(p.pk) for p in premises)}&land={','.join(str(p.pk) for p in plots)}"

    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
