"""One listing life cycle, through every admin path (issue 12).

The bug: an archived premises, last confirmed 300 days ago, was set to "published" in the
changelist and stayed invisible, because only some paths refreshed the freshness date.
Every path now ends in `Listing.save()`, which applies the one rule: becoming published
counts as confirming. Each test asserts what the public search page shows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from brorebro.listings import ListingStatus
from tests.factories import make_officer
from tests.land.factories import LandPlotFactory
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

NAME = "Livscykelns testobjekt"
KINDS = ["premises", "land"]


def make(kind: str, municipality, status=ListingStatus.ARCHIVED):
    now = timezone.now()
    dates = {"published_at": now - dt.timedelta(days=400), "confirmed_at": now - dt.timedelta(days=300)}
    if kind == "premises":
        return PremisesFactory(municipality=municipality, title=NAME, status=status, **dates)
    return LandPlotFactory(municipality=municipality, name=NAME, status=status, **dates)


def admin_url(listing) -> str:
    opts = listing._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/"


def change_form(listing, **changes) -> dict:
    """The change form as the officer's browser posts it."""
    if listing._meta.model_name == "premises":
        from tests.premises.test_admin import change_data

        return change_data(listing, **changes)
    from tests.land.test_admin import form_data

    return form_data(listing, **changes)


def shown_publicly(client, listing) -> bool:
    path = "/sv/premises/" if listing._meta.model_name == "premises" else "/sv/land/"
    response = client.get(path)
    assert response.status_code == 200
    return NAME in response.content.decode()


@pytest.fixture
def officer(orebro):
    return make_officer(orebro, username="orebro_lifecycle")


@pytest.mark.parametrize("kind", KINDS)
def test_publishing_in_the_change_form_makes_it_visible(client, orebro, officer, kind):
    listing = make(kind, orebro)
    assert not shown_publicly(client, listing)
    client.force_login(officer)
    response = client.post(
        f"{admin_url(listing)}{listing.pk}/change/", change_form(listing, status="published")
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    client.logout()
    assert shown_publicly(client, listing)
    listing.refresh_from_db()
    assert listing.published_at < timezone.now() - dt.timedelta(days=399)  # the first publication is kept


def test_publishing_in_the_changelist_makes_it_visible(client, orebro, officer):
    listing = make("premises", orebro)
    client.force_login(officer)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": listing.pk,
        "form-0-status": "published",
        "_save": "Save",
    }
    assert client.post(admin_url(listing), data).status_code == 302
    client.logout()
    assert shown_publicly(client, listing)


@pytest.mark.parametrize("kind", KINDS)
def test_the_publish_action_makes_it_visible(client, orebro, officer, kind):
    listing = make(kind, orebro)
    client.force_login(officer)
    client.post(admin_url(listing), {"action": "publish_listings", "_selected_action": [listing.pk]})
    client.logout()
    assert shown_publicly(client, listing)


@pytest.mark.parametrize("kind", KINDS)
def test_reverting_to_a_published_version_makes_it_visible(client, orebro, officer, kind):
    listing = make(kind, orebro, status=ListingStatus.PUBLISHED)
    published_version = listing.history.get()
    listing.archive()
    assert not shown_publicly(client, listing)
    client.force_login(officer)
    url = f"{admin_url(listing)}{listing.pk}/history/{published_version.history_id}/"
    response = client.post(url, change_form(published_version.instance, status="published"))
    assert response.status_code == 302
    client.logout()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED
    assert shown_publicly(client, listing)


@pytest.mark.parametrize("kind", KINDS)
def test_the_one_click_confirm_makes_a_stale_listing_visible(client, orebro, officer, kind):
    listing = make(kind, orebro, status=ListingStatus.PUBLISHED)
    assert not shown_publicly(client, listing)
    client.force_login(officer)
    assert client.post(f"{admin_url(listing)}{listing.pk}/confirm/").status_code == 302
    client.logout()
    assert shown_publicly(client, listing)


@pytest.mark.parametrize("kind", KINDS)
def test_expired_listings_are_archived_through_the_life_cycle_and_come_back(client, orebro, officer, kind):
    listing = make(kind, orebro, status=ListingStatus.PUBLISHED)
    call_command("expire_stale_listings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ARCHIVED
    assert listing.history.first().status == ListingStatus.ARCHIVED  # saved, so recorded
    client.force_login(officer)
    client.post(admin_url(listing), {"action": "publish_listings", "_selected_action": [listing.pk]})
    client.logout()
    assert shown_publicly(client, listing)


def test_saving_a_published_listing_again_does_not_confirm_it(orebro):
    """Only becoming published counts as confirming; an unrelated save leaves the date alone."""
    listing = make("premises", orebro, status=ListingStatus.PUBLISHED)
    before = listing.confirmed_at
    listing.title = f"{NAME}, nytt namn"
    listing.save()
    listing.refresh_from_db()
    assert listing.confirmed_at == before


def test_a_listing_built_in_memory_asks_the_database_for_its_status(orebro):
    """A past version (built, not loaded) saved over an archived row is a re-publication."""
    listing = make("premises", orebro, status=ListingStatus.PUBLISHED)
    version = listing.history.get().instance
    listing.archive()
    version._state.adding = False
    version.save()
    version.refresh_from_db()
    assert version.confirmed_at > timezone.now() - dt.timedelta(minutes=1)
