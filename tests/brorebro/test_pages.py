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
