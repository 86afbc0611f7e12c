import pytest


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_home_page_renders_in_both_languages(client, county, lang):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'href="#main"' in html
    assert "Laxå" in html and "Ljusnarsberg" in html


def test_root_redirects_to_swedish(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sv/"


def test_home_page_draws_the_county_from_the_boundaries(client, county_with_boundaries):
    html = client.get("/en/").content.decode()
    assert 'class="county-map"' in html
    assert html.count('<path d="M ') == 12
    assert "<title>Ljusnarsberg</title>" in html


def test_home_page_without_boundaries_has_no_map(client, county):
    html = client.get("/sv/").content.decode()
    assert 'class="county-map"' not in html


def test_language_switcher_keeps_the_query_string(client, county):
    html = client.get("/sv/?foo=1&bar=2").content.decode()
    assert 'href="/en/?foo=1&amp;bar=2"' in html
