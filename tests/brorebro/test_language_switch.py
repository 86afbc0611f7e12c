"""The language switcher links to this site only, built from the page the path resolved to (issue 10, Low 2)."""

from __future__ import annotations

import re

import pytest

HOSTILE_PATHS = [
    "//evil.example/sv/",
    "//evil.example/sv/premises/",
    "/\\evil.example/sv/",
    "///evil.example/sv/",
    "/%2F%2Fevil.example/sv/",
    "/%5Cevil.example/sv/",
]


def language_links(html: str) -> dict[str, str]:
    """{language: href} of the switcher's links."""
    return {
        lang: href.replace("&amp;", "&")
        for href, lang in re.findall(r'<a href="([^"]*)" hreflang="([a-z-]+)"', html)
    }


def get_raw_path(client, raw_path: str, query: str = ""):
    """GET with `raw_path` as the server would pass it on (the test client would read `//host/` as a host)."""
    from urllib.parse import unquote

    return client.get("/", PATH_INFO=unquote(raw_path), QUERY_STRING=query, HTTP_ACCEPT_LANGUAGE="sv")


@pytest.mark.parametrize("raw_path", HOSTILE_PATHS)
def test_a_path_that_names_another_host_gets_links_to_this_site(client, county, raw_path):
    response = get_raw_path(client, raw_path, "kind=office")
    assert response.status_code == 404
    html = response.content.decode()
    assert "evil.example" not in "".join(re.findall(r'href="([^"]*)"', html))
    assert language_links(html) == {"en": "/en/?kind=office"}


def test_a_missing_listing_links_to_the_same_address_in_the_other_language(client, county):
    response = client.get("/sv/premises/987654/?sort=newest")
    assert response.status_code == 404
    assert language_links(response.content.decode()) == {"en": "/en/premises/987654/?sort=newest"}


@pytest.mark.parametrize(
    "path,query,expected",
    [
        ("/sv/premises/", "kind=office&kind=retail&municipality=1880", {"en": "/en/premises/"}),
        ("/en/land/", "purpose=logistics", {"sv": "/sv/land/"}),
        ("/sv/", "", {"en": "/en/"}),
    ],
)
def test_a_page_links_to_itself_in_the_other_language_with_its_filters(client, county, path, query, expected):
    response = client.get(f"{path}?{query}" if query else path)
    assert response.status_code == 200
    [(lang, href)] = language_links(response.content.decode()).items()
    base = expected[lang]
    assert href == (f"{base}?{query}" if query else base)
