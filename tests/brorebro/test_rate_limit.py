"""The inquiry rate limit is one limit: shared by every worker, keyed on the real client
address behind trusted proxies, and per e-mail address too (issue 10 Medium 6, issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import timezone

from brorebro.models import Inquiry, RateLimitHit
from brorebro.proxies import client_address
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db


def inquiry(n: int = 0, email: str | None = None) -> dict:
    return {
        "name": "Greta Etablerare",
        "company": "",
        "email": email or f"greta{n}@example.se",
        "phone": "",
        "message": "Vi söker lokaler.",
        "consent": "on",
        "website": "",
    }


@pytest.fixture
def listing(orebro):
    return PremisesFactory(
        municipality=orebro,
        contact_name="Sara Lindqvist",
        contact_phone="070-174 06 05",
        contact_email="sara@example.se",
    )


@pytest.fixture
def limit(settings):
    settings.INQUIRY_RATE_LIMIT = 3
    settings.INQUIRY_EMAIL_RATE_LIMIT = 100
    return 3


def refused(response) -> bool:
    return response.status_code == 200 and "försök igen om en timme" in response.content.decode().lower()


def test_two_workers_share_one_limit(listing, limit):
    # Two clients stand for two worker processes; each worker has its own local-memory
    # cache, which is emptied before every request to show that the cache is not what counts.
    workers = [Client(REMOTE_ADDR="203.0.113.5"), Client(REMOTE_ADDR="203.0.113.5")]
    for n in range(limit):
        cache.clear()
        assert workers[n % 2].post(listing.get_absolute_url(), inquiry(n)).status_code == 302
    for worker in workers:
        cache.clear()
        assert refused(worker.post(listing.get_absolute_url(), inquiry(99)))
    assert Inquiry.objects.count() == limit
    # Counted in the database, under keyed hashes: neither the address nor the e-mail is stored.
    keys = list(RateLimitHit.objects.values_list("key", flat=True))
    assert len(keys) == 2 * limit
    assert not any("203.0.113.5" in key or "example.se" in key for key in keys)


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_a_new_forwarded_address_each_time_is_still_limited_without_trusted_proxies(
    client, listing, limit, settings, behind_proxy
):
    if behind_proxy:  # DJANGO_BEHIND_PROXY=true: the setting the old code took as "trust the left-most"
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for n in range(limit):
        response = client.post(listing.get_absolute_url(), inquiry(n), HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert response.status_code == 302
    assert refused(client.post(listing.get_absolute_url(), inquiry(9), HTTP_X_FORWARDED_FOR="192.0.2.200"))


@pytest.mark.parametrize(
    "hops,forwarded",
    [
        # One proxy appends the address it saw; whatever the client wrote stands to its left.
        (1, "192.0.2.{n}, 198.51.100.7"),
        # Two proxies: the second appends the first one's address.
        (2, "192.0.2.{n}, 198.51.100.7, 10.0.0.2"),
    ],
)
def test_behind_trusted_proxies_the_address_they_added_counts(
    client, listing, limit, settings, hops, forwarded
):
    settings.TRUSTED_PROXY_HOPS = hops
    url = listing.get_absolute_url()
    for n in range(limit):
        assert client.post(url, inquiry(n), HTTP_X_FORWARDED_FOR=forwarded.format(n=n)).status_code == 302
    assert refused(client.post(url, inquiry(9), HTTP_X_FORWARDED_FOR=forwarded.format(n=250)))
    # Another client behind the same proxies is not affected.
    other = forwarded.format(n=1).replace("198.51.100.7", "198.51.100.8")
    assert client.post(url, inquiry(10), HTTP_X_FORWARDED_FOR=other).status_code == 302


def test_one_e_mail_address_is_limited_whatever_the_client_address(client, listing, settings):
    settings.INQUIRY_EMAIL_RATE_LIMIT = 2
    url = listing.get_absolute_url()
    for n, email in enumerate(["ada@example.se", "Ada@Example.se "]):
        assert client.post(url, inquiry(email=email), REMOTE_ADDR=f"203.0.113.{n}").status_code == 302
    assert refused(client.post(url, inquiry(email="ADA@example.se"), REMOTE_ADDR="203.0.113.77"))
    assert client.post(url, inquiry(email="bo@example.se"), REMOTE_ADDR="203.0.113.77").status_code == 302


def test_colleagues_behind_one_office_address_are_not_locked_out_by_default(client, listing, settings):
    assert settings.INQUIRY_RATE_LIMIT > settings.INQUIRY_EMAIL_RATE_LIMIT
    url = listing.get_absolute_url()
    for n in range(settings.INQUIRY_EMAIL_RATE_LIMIT + 2):
        assert client.post(url, inquiry(n)).status_code == 302


def test_the_refusal_points_to_the_contact_on_the_page(client, listing, limit):
    for n in range(limit):
        client.post(listing.get_absolute_url(), inquiry(n))
    html = client.post(listing.get_absolute_url(), inquiry(9)).content.decode()
    assert "kontakta Sara Lindqvist direkt: 070-174 06 05, sara@example.se" in html


def test_the_limit_reopens_after_an_hour_and_old_hits_are_pruned(client, listing, limit):
    url = listing.get_absolute_url()
    for n in range(limit):
        client.post(url, inquiry(n))
    assert refused(client.post(url, inquiry(9)))
    assert RateLimitHit.objects.count() == 2 * limit  # the refused attempt was not counted
    RateLimitHit.objects.update(created_at=timezone.now() - dt.timedelta(minutes=61))
    assert client.post(url, inquiry(10)).status_code == 302
    assert RateLimitHit.objects.count() == 2  # the old hits are gone, the new one counted


@pytest.mark.parametrize(
    "hops,forwarded,expected",
    [
        (0, "192.0.2.1", "203.0.113.5"),
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),
        (1, "", "203.0.113.5"),  # not through the proxy: the socket address
        (2, "198.51.100.7", "203.0.113.5"),  # fewer entries than proxies
        (1, "192.0.2.1, not-an-address", "203.0.113.5"),
        (1, "192.0.2.1,2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@pytest.mark.parametrize("value,message", [("-1", "must be 0 or more"), ("one", "must be an integer")])
def test_a_bad_number_of_proxy_hops_stops_the_start(tmp_path, value, message):
    from tests.brorebro.test_deployment import run_manage

    result = run_manage(
        "check",
        env_overrides={"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_TRUSTED_PROXY_HOPS": value},
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert f"DJANGO_TRUSTED_PROXY_HOPS {message}" in result.stderr
