"""Freshness: stale plots leave the search and are archived by the core's daily command."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone


def test_stale_plot_is_archived_and_recorded_in_history(plot_factory, orebro):
    old = timezone.now() - timedelta(days=200)
    stale = plot_factory(municipality=orebro, published_at=old, confirmed_at=old)
    fresh = plot_factory(municipality=orebro)
    call_command("expire_stale_listings", stdout=io.StringIO())
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("archived", "published")
    assert stale.history.first().status == "archived"


def test_confirm_action_brings_a_flagged_plot_back(client, laxa_officer, plot_factory, laxa):
    old = timezone.now() - timedelta(days=120)
    plot = plot_factory(municipality=laxa, published_at=old, confirmed_at=old)
    client.force_login(laxa_officer)
    flagged = client.get("/admin/land/landplot/?freshness=stale").content.decode()
    assert plot.name in flagged
    client.post("/admin/land/landplot/", {"action": "confirm_listings", "_selected_action": [plot.pk]})
    plot.refresh_from_db()
    assert plot.confirmed_at > timezone.now() - timedelta(minutes=1)
    assert plot.name not in client.get("/admin/land/landplot/?freshness=stale").content.decode()


def test_admin_filters_by_purpose(client, laxa_officer, plot_factory, laxa):
    plot_factory(municipality=laxa, name="Lagertomt", purposes=["logistics"])
    plot_factory(municipality=laxa, name="Butikstomt", purposes=["retail"])
    client.force_login(laxa_officer)
    html = client.get("/admin/land/landplot/?purpose=logistics").content.decode()
    assert "Lagertomt" in html and "Butikstomt" not in html
