"""An English land page shows the English description, or says that there is only a Swedish one."""

from __future__ import annotations

from tests.land.factories import LandPlotFactory


def test_the_english_description_where_the_officer_wrote_one(client, orebro):
    plot = LandPlotFactory(municipality=orebro, description_sv="Plan mark.", description_en="Level land.")

    html = client.get(f"/en/land/{plot.pk}/").content.decode()

    assert "Level land." in html and "Plan mark." not in html
    assert "only available in Swedish" not in html


def test_a_swedish_only_description_is_marked_and_said_in_english(client, orebro):
    plot = LandPlotFactory(municipality=orebro, description_sv="Plan mark nära E20.", description_en="")

    english = client.get(f"/en/land/{plot.pk}/").content.decode()
    swedish = client.get(f"/sv/land/{plot.pk}/").content.decode()

    assert '<div class="prose land-description" lang="sv"><p>Plan mark nära E20.</p></div>' in english
    assert "The description is only available in Swedish." in english
    assert 'lang="sv"><p>Plan mark' not in swedish
