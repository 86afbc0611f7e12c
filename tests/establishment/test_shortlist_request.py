"""The compare page's shortlist goes along into an establishment request (issue 16)."""

from __future__ import annotations

import re
from html import unescape

from premises.models import Kind, PremisesStatus
from tests.establishment.conftest import at


def test_the_shortlist_fills_in_the_request(client, county, laxa, premises_factory, plot_factory):
    warehouse = premises_factory(
        municipality=laxa, title="Lager vid E20", kind=Kind.WAREHOUSE, area_min_m2=2000, area_max_m2=3500,
        location=at(0),
    )  # fmt: skip
    draft = premises_factory(municipality=laxa, title="Utkast som inte visas", status=PremisesStatus.DRAFT)
    plot = plot_factory(municipality=laxa, name="Tomt vid terminalen", purposes=["logistics"])

    html = client.get(
        f"/en/establish/?from=shortlist&premises={warehouse.pk},{draft.pk}&land={plot.pk}"
    ).content.decode()

    assert re.search(r'value="either"[^>]*checked', html)
    assert re.search(r'value="warehouse"[^>]*checked', html)
    assert re.search(r'value="logistics"[^>]*checked', html)
    assert 'name="area_min_m2" value="2000"' in html
    assert 'name="area_max_m2" value="3500"' in html
    free_text = unescape(re.search(r'<textarea name="free_text"[^>]*>(.*?)</textarea>', html, re.S).group(1))
    assert "Lager vid E20 (Laxå)" in free_text and warehouse.get_absolute_url() in free_text
    assert "Tomt vid terminalen" in free_text and plot.get_absolute_url() in free_text
    assert "Utkast" not in free_text  # only listings still on offer


def test_a_shortlist_of_nothing_on_offer_leaves_the_form_empty(client, county, laxa, premises_factory):
    draft = premises_factory(municipality=laxa, status=PremisesStatus.DRAFT)
    html = client.get(f"/en/establish/?from=shortlist&premises={draft.pk},junk").content.decode()
    assert re.search(r'<textarea name="free_text"[^>]*>\s*</textarea>', html)


def test_the_compare_page_links_to_a_request_that_takes_the_shortlist(client, county, laxa, premises_factory):
    warehouse = premises_factory(municipality=laxa, title="Lager vid E20", kind=Kind.WAREHOUSE)
    page = client.get(f"/en/compare/?premises={warehouse.pk}").content.decode()
    href = unescape(re.search(r'href="(/en/establish/\?[^"]*from=shortlist[^"]*)"', page).group(1))
    form = client.get(href).content.decode()
    assert "Lager vid E20" in form
