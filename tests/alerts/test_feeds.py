"""The Atom feeds of both searches: well-formed Atom with id, updated and links, filtered by
the same query string as the page, newest first; an invalid query string is a 400."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import pytest
from defusedxml import ElementTree as SafeElementTree
from django.utils import timezone

from premises.models import Kind, PremisesStatus
from tests.land.factories import LandPlotFactory
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response) -> ElementTree.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return SafeElementTree.fromstring(response.content)  # raises on XML that is not well-formed


def assert_valid_atom(feed: ElementTree.Element) -> None:
    """The elements RFC 4287 requires of a feed and of each entry."""
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None and feed.find(f"{ATOM}{name}").text, name
    # Each entry needs an author; one on the feed covers them all.
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Business Region Örebro"
    rels = {link.get("rel", "alternate"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert rels["alternate"].startswith("http://testserver/") and rels["self"].startswith(
        "http://testserver/"
    )
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}") is not None and entry.find(f"{ATOM}{name}").text, name
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/")
        dt.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)


def titles(feed) -> list[str]:
    return [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]


def test_the_premises_feed_is_atom_and_follows_the_filters(client, orebro):
    now = timezone.now()
    PremisesFactory(
        municipality=orebro, title="Äldre kontor", kind=Kind.OFFICE, published_at=now - dt.timedelta(days=3)
    )
    PremisesFactory(
        municipality=orebro, title="Nytt kontor", kind=Kind.OFFICE, published_at=now - dt.timedelta(days=1)
    )
    PremisesFactory(municipality=orebro, title="Lager", kind=Kind.WAREHOUSE)
    PremisesFactory(municipality=orebro, title="Utkast", kind=Kind.OFFICE, status=PremisesStatus.DRAFT)
    feed = parse(client.get("/sv/premises/feed.atom?kind=office"))
    assert_valid_atom(feed)
    assert titles(feed) == ["Nytt kontor", "Äldre kontor"]  # newest first; no warehouse, no draft
    links = {link.get("rel", "alternate"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["alternate"] == "http://testserver/sv/premises/?kind=office"
    assert links["self"] == "http://testserver/sv/premises/feed.atom?kind=office"
    assert feed.find(f"{ATOM}title").text == "Lediga lokaler – Business Region Örebro"


def test_the_land_feed_is_atom_and_follows_the_filters(client, orebro, laxa):
    LandPlotFactory(municipality=orebro, name="Tomt i Örebro")
    LandPlotFactory(municipality=laxa, name="Tomt i Laxå")
    feed = parse(client.get(f"/en/land/feed.atom?municipality={laxa.code}"))
    assert_valid_atom(feed)
    assert titles(feed) == ["Tomt i Laxå, Logistikcentrum etapp 3"]


def test_an_empty_feed_is_still_valid_atom(client, orebro):
    feed = parse(client.get("/en/premises/feed.atom?kind=office"))
    assert_valid_atom(feed)
    assert titles(feed) == []


def test_an_invalid_query_is_a_400_with_the_problem(client, orebro):
    response = client.get("/en/premises/feed.atom?area_min=-1")
    assert response.status_code == 400
    assert "area_min" in response.content.decode() and "negative" in response.content.decode()
