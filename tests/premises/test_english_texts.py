"""English pages show the officer's English title and description, and say when there is none."""

from __future__ import annotations

from tests.premises.factories import PremisesFactory


def test_english_title_and_description_where_the_officer_wrote_them(client, orebro):
    premises = PremisesFactory(
        municipality=orebro,
        title="Kontor vid Järntorget",
        title_en="Offices by Järntorget",
        description_sv="Ljust kontor.",
        description_en="Bright offices.",
    )

    english = client.get(f"/en/premises/{premises.pk}/").content.decode()
    swedish = client.get(f"/sv/premises/{premises.pk}/").content.decode()

    assert "<h1>Offices by Järntorget</h1>" in english
    assert "<title>Offices by Järntorget – Business Region Örebro</title>" in english
    assert "Bright offices." in english and "Ljust kontor." not in english
    assert "lang-notice" not in english
    assert "<h1>Kontor vid Järntorget</h1>" in swedish


def test_a_listing_without_english_says_so_in_english_and_marks_the_swedish(client, orebro):
    premises = PremisesFactory(municipality=orebro, title="Lagerhall i Törsjö", description_sv="Stor hall.")

    html = client.get(f"/en/premises/{premises.pk}/").content.decode()

    assert '<h1 lang="sv">Lagerhall i Törsjö</h1>' in html
    assert "This listing has no English text yet: its title and description are shown in Swedish." in html
    assert '<div class="prose" lang="sv">' in html


def test_only_the_missing_part_is_named(client, orebro):
    premises = PremisesFactory(
        municipality=orebro, title="Lagerhall", description_sv="Stor hall.", description_en="A large hall."
    )

    html = client.get(f"/en/premises/{premises.pk}/").content.decode()

    assert "This listing has no English title yet, so the title is shown in Swedish." in html
    assert "title and description" not in html


def test_the_swedish_page_never_shows_the_english_notice(client, orebro):
    premises = PremisesFactory(municipality=orebro, title="Lagerhall")

    html = client.get(f"/sv/premises/{premises.pk}/").content.decode()

    assert "lang-notice" not in html and 'lang="sv">Lagerhall' not in html


def test_result_cards_use_the_english_title_or_mark_the_swedish_one(client, orebro):
    PremisesFactory(municipality=orebro, title="Kontor A", title_en="Office A")
    PremisesFactory(municipality=orebro, title="Kontor B")

    html = client.get("/en/premises/").content.decode()

    assert ">Office A</a></h3>" in html
    assert 'lang="sv">Kontor B</a> <span class="lang-note">(in Swedish)</span></h3>' in html
    assert "Kontor A" not in html.split('class="result-list"')[1]


def test_the_comparison_uses_the_english_title(client, orebro):
    premises = PremisesFactory(municipality=orebro, title="Kontor A", title_en="Office A")

    html = client.get(f"/en/compare/?premises={premises.pk}").content.decode()

    assert ">Office A</a>" in html


def test_the_demo_listings_with_an_english_description_have_an_english_title(county):
    from django.core.management import call_command

    from premises.models import Premises

    call_command("demo_premises", verbosity=0)

    english = Premises.objects.exclude(description_en="")
    assert english.count() >= 10
    assert not english.filter(title_en="").exists()
    assert Premises.objects.get(external_ref="HAL-301").title_en == "Warehouse by the Samzon intermodal terminal"


def test_the_map_layer_carries_the_english_title_for_the_english_map(client, orebro):
    PremisesFactory(municipality=orebro, title="Kontor vid Järntorget", title_en="Offices by Järntorget")
    PremisesFactory(municipality=orebro, title="Lagerhall i Törsjö")

    features = client.get("/api/premises.geojson?zoom=14").json()["features"]

    titles = {f["properties"]["title"]: f["properties"]["title_en"] for f in features}
    assert titles == {"Kontor vid Järntorget": "Offices by Järntorget", "Lagerhall i Törsjö": ""}
