"""Unconfirmed listings: flagged in the admin after 90 days, out of public search after 180, then archived."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from premises.models import Premises, PremisesStatus
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

CONFIRMED = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def listing(orebro):
    with time_machine.travel(CONFIRMED, tick=False):
        return PremisesFactory(municipality=orebro, title="Kontor att bekräfta", external_ref="FRESH")


def public_refs(client):
    page = client.get("/sv/premises/").context["page"]
    geo = client.get("/api/premises.geojson").json()["features"]
    return {p.external_ref for p in page.object_list}, {f["properties"]["external_ref"] for f in geo}


def test_a_listing_is_fresh_for_90_days(client, listing, orebro_officer):
    with time_machine.travel(CONFIRMED + dt.timedelta(days=89), tick=False):
        assert not Premises.objects.get().needs_confirmation
        client.force_login(orebro_officer)
        assert "needs-confirmation" not in client.get("/admin/premises/premises/").content.decode()


def test_after_90_days_it_is_flagged_in_the_admin_but_still_public(client, listing, orebro_officer):
    with time_machine.travel(CONFIRMED + dt.timedelta(days=91), tick=False):
        assert Premises.objects.get().needs_confirmation
        assert public_refs(client) == ({"FRESH"}, {"FRESH"})
        client.force_login(orebro_officer)
        html = client.get("/admin/premises/premises/").content.decode()
        assert "needs-confirmation" in html
        stale = client.get("/admin/premises/premises/?freshness=stale")
        assert [p.external_ref for p in stale.context["cl"].result_list] == ["FRESH"]


def test_after_180_days_it_leaves_public_search(client, listing):
    with time_machine.travel(CONFIRMED + dt.timedelta(days=181), tick=False):
        assert public_refs(client) == (set(), set())
        assert client.get(f"/sv/premises/{listing.pk}/").status_code == 404
        csv = b"".join(client.get("/sv/premises/export.csv").streaming_content).decode()
        assert "FRESH" not in csv


def test_expire_stale_listings_archives_it_and_is_safe_to_run_daily(listing, capsys):
    with time_machine.travel(CONFIRMED + dt.timedelta(days=179), tick=False):
        call_command("expire_stale_listings")
        assert Premises.objects.get().status == PremisesStatus.PUBLISHED
    with time_machine.travel(CONFIRMED + dt.timedelta(days=181), tick=False):
        call_command("expire_stale_listings")
        assert Premises.objects.get().status == PremisesStatus.ARCHIVED
        call_command("expire_stale_listings")  # the next day's run finds nothing more
        assert Premises.objects.get().status == PremisesStatus.ARCHIVED
    out = capsys.readouterr().out
    assert "premises: 1 archived." in out


def test_confirming_with_one_click_makes_it_fresh_again(client, listing, orebro_officer):
    with time_machine.travel(CONFIRMED + dt.timedelta(days=120), tick=False):
        client.force_login(orebro_officer)
        client.post(
            "/admin/premises/premises/", {"action": "confirm_listings", "_selected_action": [listing.pk]}
        )
        listing.refresh_from_db()
        assert listing.confirmed_at == timezone.now()
        assert not listing.needs_confirmation


def test_the_freshness_filter_names_the_configured_age(client, listing, orebro_officer, settings):
    settings.LISTING_FLAG_AFTER_DAYS = 30
    client.force_login(orebro_officer)
    with time_machine.travel(CONFIRMED + dt.timedelta(days=31), tick=False):
        english = client.get("/admin/premises/premises/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        swedish = client.get("/admin/premises/premises/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
        stale = client.get("/admin/premises/premises/?freshness=stale")
    assert "Not confirmed for 30 days or more" in english
    assert "Inte bekräftade på 30 dagar eller mer" in swedish
    assert "90" not in english.split("freshness")[-1].split("</ul>")[0]
    assert [p.external_ref for p in stale.context["cl"].result_list] == ["FRESH"]
