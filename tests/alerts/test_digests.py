"""`send_search_alerts`: one digest per address and frequency, in the alert's language, with
absolute links and one-click unsubscribe; a listing is reported once per alert; failures
are retried by the next run and one failing address does not stop the others."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import digests
from alerts.models import AlertHit, SavedSearch
from alerts.searches import SEARCHES
from brorebro.mail.models import OutgoingEmail, Status
from premises.models import Kind, PremisesStatus
from tests.alerts.conftest import link_to
from tests.land.factories import LandPlotFactory
from tests.premises.factories import PremisesFactory
from tests.smtp import html_part, run_worker, text_part

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=30)


def alert(
    email="kund@example.se",
    query="kind=office",
    section="premises",
    frequency="daily",
    language="sv",
    **kwargs,
):
    made = SavedSearch.objects.create(
        email=email, section=section, query=query, frequency=frequency, language=language, **kwargs
    )
    made.confirm(now=LONG_AGO)
    return made


def send():
    call_command("send_search_alerts", stdout=open("/dev/null", "w"))
    run_worker()


def test_a_new_matching_listing_is_sent_once(orebro, smtp_server):
    saved = alert()
    PremisesFactory(municipality=orebro, title="Kontor vid Järntorget", kind=Kind.OFFICE)
    PremisesFactory(municipality=orebro, title="Lagerhall", kind=Kind.WAREHOUSE)
    send()
    [message] = smtp_server.messages
    assert message["To"] == "kund@example.se"
    assert "1 ny träff" in message["Subject"]
    text, html = text_part(message), html_part(message)
    assert "Kontor vid Järntorget" in text and "Lagerhall" not in text
    assert "http://testserver/sv/premises/" in text and 'href="http://testserver/sv/premises/' in html
    assert "Typ av lokal" in text  # the search described, in Swedish
    assert AlertHit.objects.filter(alert=saved).count() == 1

    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        send()  # nothing new: nothing sent
    assert len(smtp_server.messages) == 1


def test_a_listing_changed_again_is_not_reported_twice(orebro, smtp_server):
    alert()
    office = PremisesFactory(municipality=orebro, kind=Kind.OFFICE)
    send()
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        office.rent_sek_per_m2_year = 900
        office.save()
        send()
    assert len(smtp_server.messages) == 1


def test_a_listing_that_becomes_visible_is_reported(orebro, smtp_server):
    alert()
    draft = PremisesFactory(
        municipality=orebro, kind=Kind.OFFICE, status=PremisesStatus.DRAFT, published_at=None
    )
    send()
    assert smtp_server.messages == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        draft.publish()
        send()
    assert len(smtp_server.messages) == 1


def test_one_digest_per_address_and_frequency_in_the_alerts_language(orebro, smtp_server):
    alert(query="kind=office", language="en")
    alert(query="kind=retail", language="en")
    alert(email="annan@example.se", query="", section="land", frequency="weekly", language="en")
    alert(email="kund@example.se", query="kind=office", frequency="weekly", language="en")
    PremisesFactory(municipality=orebro, title="Kontor A", kind=Kind.OFFICE)
    PremisesFactory(municipality=orebro, title="Butik B", kind=Kind.RETAIL)
    LandPlotFactory(municipality=orebro, name="Tomt 7:1")
    send()
    by_recipient = {}
    for message in smtp_server.messages:
        by_recipient.setdefault(message["To"], []).append(message)
    assert len(by_recipient["kund@example.se"]) == 2  # daily and weekly
    daily = next(m for m in by_recipient["kund@example.se"] if "Butik B" in text_part(m))
    assert "Kontor A" in text_part(daily) and "2 new matches" in daily["Subject"]
    assert "http://testserver/en/premises/" in text_part(daily)
    [land] = by_recipient["annan@example.se"]
    assert "Tomt 7:1" in text_part(land) and "http://testserver/en/land/" in text_part(land)


def test_the_one_click_unsubscribe_ends_the_alerts_of_the_digest(client, orebro, smtp_server):
    saved = alert()
    other = alert(query="kind=retail", frequency="weekly")
    PremisesFactory(municipality=orebro, kind=Kind.OFFICE)
    send()
    [message] = smtp_server.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert url.startswith("http://testserver/sv/alerts/unsubscribe/")
    assert url.removeprefix("http://testserver") == link_to(message, "unsubscribe")
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no cookies or CSRF token.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()
    assert SavedSearch.objects.filter(pk=other.pk).exists()  # not in that digest


def test_the_management_link_shows_changes_and_deletes_the_addresses_alerts(client, orebro, smtp_server):
    saved = alert()
    alert(query="kind=retail")
    alert(email="annan@example.se", query="kind=warehouse")
    PremisesFactory(municipality=orebro, kind=Kind.OFFICE)
    send()
    mine = next(m for m in smtp_server.messages if m["To"] == "kund@example.se")
    manage = link_to(mine, "manage")
    html = client.get(manage).content.decode()
    assert html.count('class="alert-item"') == 2 and "annan@example.se" not in html
    response = client.post(
        manage, {"alert": saved.pk, "action": "frequency", f"a{saved.pk}-frequency": "weekly"}
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.frequency == "weekly"
    client.post(manage, {"alert": saved.pk, "action": "delete"})
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()
    client.post(manage, {"action": "delete-all"})
    assert list(SavedSearch.objects.values_list("email", flat=True)) == ["annan@example.se"]


def test_an_alert_of_another_address_cannot_be_changed_from_a_management_page(client, orebro, smtp_server):
    alert()
    theirs = alert(email="annan@example.se")
    PremisesFactory(municipality=orebro, kind=Kind.OFFICE)
    send()
    mine = next(m for m in smtp_server.messages if m["To"] == "kund@example.se")
    client.post(link_to(mine, "manage"), {"alert": theirs.pk, "action": "delete"})
    assert SavedSearch.objects.filter(pk=theirs.pk).exists()


def test_unconfirmed_alerts_send_nothing(orebro, smtp_server):
    SavedSearch.objects.create(
        email="k@example.se", section="premises", query="", frequency="daily", language="sv"
    )
    PremisesFactory(municipality=orebro)
    send()
    assert smtp_server.messages == []


def test_a_digest_that_cannot_be_made_is_retried_and_does_not_stop_the_others(
    orebro, smtp_server, monkeypatch
):
    alert(email="trasig@example.se")
    alert(email="hel@example.se")
    PremisesFactory(municipality=orebro, title="Kontor C", kind=Kind.OFFICE)
    real = digests.emails.render_digest

    def failing_for_one(email, sections, language):
        if email == "trasig@example.se":
            raise OSError("disk full")
        return real(email, sections, language)

    monkeypatch.setattr(digests.emails, "render_digest", failing_for_one)
    send()
    assert [m["To"] for m in smtp_server.messages] == ["hel@example.se"]
    assert not AlertHit.objects.filter(alert__email="trasig@example.se").exists()

    monkeypatch.setattr(digests.emails, "render_digest", real)
    send()
    assert sorted(m["To"] for m in smtp_server.messages) == ["hel@example.se", "trasig@example.se"]
    assert "Kontor C" in text_part(smtp_server.messages[-1])


def test_a_digest_whose_email_fails_for_good_is_sent_again_by_the_next_run(orebro, smtp_server, settings):
    settings.MAIL_MAX_ATTEMPTS = 1
    saved = alert()
    PremisesFactory(municipality=orebro, title="Kontor D", kind=Kind.OFFICE)
    smtp_server.stop()
    send()
    assert OutgoingEmail.objects.get(purpose="alert-digest").status == Status.FAILED
    assert not AlertHit.objects.filter(alert=saved).exists()  # nothing marked as sent

    smtp_server.start()
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        send()
    [message] = smtp_server.messages
    assert "Kontor D" in text_part(message)


def test_the_number_of_queries_does_not_grow_with_the_listings(orebro, smtp_server):
    alert()
    alert(email="annan@example.se", query="kind=office&area_min=50")

    def queries_for(new_listings: int) -> int:
        SavedSearch.objects.update(checked_until=LONG_AGO, last_digest_at=None)
        AlertHit.objects.all().delete()
        for _ in range(new_listings):
            PremisesFactory(municipality=orebro, kind=Kind.OFFICE)
        cache.clear()  # the municipality choices are cached between runs; measure both cold
        with CaptureQueriesContext(connection) as captured:
            digests.send_digests()
        return len(captured)

    assert queries_for(2) == queries_for(25)


def test_expired_alerts_are_deleted(orebro):
    now = timezone.now()
    old_unconfirmed = SavedSearch.objects.create(
        email="a@example.se",
        section="premises",
        frequency="daily",
        language="sv",
        created_at=now - dt.timedelta(days=8),
    )
    new_unconfirmed = SavedSearch.objects.create(
        email="b@example.se", section="premises", frequency="daily", language="sv"
    )
    inactive = alert(email="c@example.se")
    SavedSearch.objects.filter(pk=inactive.pk).update(active_at=now - dt.timedelta(days=366))
    active = alert(email="d@example.se")
    call_command("send_search_alerts", stdout=open("/dev/null", "w"))
    remaining = set(SavedSearch.objects.values_list("pk", flat=True))
    assert remaining == {new_unconfirmed.pk, active.pk}
    assert old_unconfirmed.pk not in remaining


def test_a_daily_alert_sends_at_most_one_digest_a_day_and_a_weekly_one_a_week(orebro, smtp_server):
    alert(query="kind=office", frequency="daily")
    alert(email="vecka@example.se", query="kind=office", frequency="weekly")
    PremisesFactory(municipality=orebro, kind=Kind.OFFICE)
    send()
    assert len(smtp_server.messages) == 2
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(hours=2)):
        PremisesFactory(municipality=orebro, title="Kontor senare", kind=Kind.OFFICE)
        send()  # too soon for both
    assert len(smtp_server.messages) == 2
    with time_machine.travel(start + dt.timedelta(days=1)):
        send()
    assert [m["To"] for m in smtp_server.messages[2:]] == ["kund@example.se"]
    assert "Kontor senare" in text_part(smtp_server.messages[2])
    with time_machine.travel(start + dt.timedelta(days=7)):
        send()
    assert [m["To"] for m in smtp_server.messages[3:]] == ["vecka@example.se"]


@pytest.mark.parametrize(
    ("section", "queries"),
    [
        (
            "premises",
            [
                "q=kontor",
                "near=59.2741,15.2066&radius_km=5&sort=distance",
                "bbox=15.0,59.0,15.5,59.5&amenity=parking",
                "area_min=50&area_max=500&sort=area_desc&tenure=rent",
                "available_by=2030-01-01&rent_max=2000",
            ],
        ),
        (
            "land",
            [
                "purpose=industry&area_min_ha=0,5",
                "q=Tomt&sort=newest",
                "landmark_kind=motorway_junction&within_km=50",
                "plan_status=in_force&service=water_sewer&price_max=1000",
            ],
        ),
    ],
)
def test_every_kind_of_filter_can_be_matched_in_one_union(orebro, smtp_server, section, queries):
    """Distances, text search, map areas and sorting all go through the digests' UNION ALL."""
    for number, query in enumerate(queries):
        assert SEARCHES[section].clean_query(QueryDict(query))[0] is not None, query  # a valid search
        alert(email=f"k{number}@example.se", section=section, query=query)
    if section == "premises":
        PremisesFactory(municipality=orebro, title="Kontor med parkering", has_parking=True)
    else:
        LandPlotFactory(municipality=orebro, name="Tomt 9:1")
    result = digests.send_digests()
    assert not result.failed_addresses
    if section == "premises":
        assert result.digests == len(queries)  # the new office in central Örebro matches them all
    else:
        assert result.digests >= 2  # at least the purpose and the text search (no landmarks here)
