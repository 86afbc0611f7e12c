"""Hostile clients: brute-forcing the admin login, cross-site form posts, foreign scripts.

(`check --deploy` with production settings is tested in tests/brorebro/test_deployment.py.)
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.e2e.helpers import load_demo
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def axes_on(settings):
    # tests/conftest.py switches django-axes off for the rest of the suite; here it is the subject.
    settings.AXES_ENABLED = True
    return settings


def _login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_login_is_locked_after_repeated_failures(axes_on, db):
    from axes.models import AccessAttempt

    UserFactory(username="victim", is_staff=True)
    UserFactory(username="bystander", is_staff=True)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    limit = axes_on.AXES_FAILURE_LIMIT

    for attempt in range(1, limit):
        response = _login(attacker, "victim", f"guess-{attempt}")
        assert response.status_code == 200, f"attempt {attempt} was already blocked"
        assert not _logged_in(attacker)

    response = _login(attacker, "victim", f"guess-{limit}")
    assert response.status_code == 429, f"failure number {limit} did not lock the account out"
    assert AccessAttempt.objects.filter(username="victim", failures_since_start__gte=limit).exists()

    # Locked: even the right password is refused now, from that address.
    response = _login(attacker, "victim", PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(attacker)

    # The lockout is per username and address: others can still log in.
    other_user = Client(REMOTE_ADDR="203.0.113.9")
    response = _login(other_user, "bystander", PASSWORD)
    assert response.status_code == 302 and _logged_in(other_user)
    victim_elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    response = _login(victim_elsewhere, "victim", PASSWORD)
    assert response.status_code == 302 and _logged_in(victim_elsewhere)


def test_admin_login_lockout_uses_the_address_the_trusted_proxy_added(axes_on, db):
    # Behind one proxy, a client that writes a new X-Forwarded-For each time is still one client.
    axes_on.TRUSTED_PROXY_HOPS = 1
    UserFactory(username="victim", is_staff=True)
    attacker = Client(REMOTE_ADDR="10.0.0.1")  # the proxy
    for attempt in range(axes_on.AXES_FAILURE_LIMIT):
        forwarded = f"192.0.2.{attempt}, 203.0.113.9"
        response = attacker.post(
            "/admin/login/?next=/admin/",
            {"username": "victim", "password": f"guess-{attempt}"},
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    assert response.status_code == 429
    # The victim, coming through the same proxy from their own address, can still log in.
    victim = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert _login(victim, "victim", PASSWORD).status_code == 302 and _logged_in(victim)


def test_successful_login_resets_the_failure_count(axes_on, db):
    UserFactory(username="forgetful", is_staff=True)
    client = Client(REMOTE_ADDR="203.0.113.10")
    for attempt in range(axes_on.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "forgetful", f"typo-{attempt}").status_code == 200
    assert _login(client, "forgetful", PASSWORD).status_code == 302
    client.logout()
    # After the reset, the full number of failures is allowed again before a lockout.
    for attempt in range(axes_on.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "forgetful", f"typo-again-{attempt}").status_code == 200


def _first_detail_url(client, app: str) -> str:
    html = client.get(f"/sv/{app}/").content.decode()
    match = re.search(rf'href="(/sv/{app}/\d+/)"', html)
    assert match, f"no {app} result on /sv/{app}/ after load_demo"
    return match.group(1)


def _inquiry(client, url, **extra):
    return client.post(
        url,
        {
            "name": "Ada Företagare",
            "company": "Ada AB",
            "email": "ada@example.se",
            "phone": "",
            "message": "Vi behöver lokalen från mars.",
            "consent": "on",
            "website": "",
            **extra,
        },
    )


@pytest.mark.parametrize("app", ["premises", "land"])
def test_inquiry_form_enforces_csrf(db, app):
    from brorebro.models import Inquiry

    load_demo(app)

    browser = Client(enforce_csrf_checks=True)
    url = _first_detail_url(browser, app)
    page = browser.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html, f"the inquiry form on {url} has no CSRF token"

    # A forged cross-site post: no token (another site cannot read it) -> refused, nothing stored.
    forger = Client(enforce_csrf_checks=True)
    response = _inquiry(forger, url)
    assert response.status_code == 403
    assert Inquiry.objects.count() == 0

    # The same post from the page itself, with its token, goes through.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = _inquiry(browser, url, csrfmiddlewaretoken=token)
    assert response.status_code == 302, "a genuine inquiry was not accepted"
    assert Inquiry.objects.count() == 1


ALLOWED_SOURCES = {"'self'", "'none'", "data:", "blob:"}


@pytest.mark.parametrize(
    "path", ["/sv/", "/en/premises/", "/sv/land/", "/sv/nki/", "/en/skills/", "/sv/privacy/"]
)
def test_content_security_policy_allows_only_self_and_the_tile_server(client, db, settings, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    directives = {}
    for part in csp.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    tile_origin = settings.TILE_ORIGIN
    assert tile_origin.startswith("https://")
    for name, sources in directives.items():
        # Inline styles are allowed (Leaflet positions its panes with style attributes);
        # nothing else from outside our own origin, except the tile images.
        allowed = ALLOWED_SOURCES | ({"'unsafe-inline'"} if name == "style-src" else set())
        if name == "img-src":
            allowed = allowed | {tile_origin}
        assert sources <= allowed, f"{name} on {path} allows {sorted(sources - allowed)}"
    assert directives["default-src"] == {"'self'"}
    assert directives["script-src"] == {"'self'"}, "public pages must not allow inline or foreign scripts"
    assert directives["connect-src"] == {"'self'"}
    assert directives["frame-ancestors"] == {"'none'"}
    assert directives["object-src"] == {"'none'"}
    assert tile_origin in directives["img-src"]
