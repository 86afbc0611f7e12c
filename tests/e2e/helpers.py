"""Helpers shared by the browser tests."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# The password tests/factories.py gives every UserFactory user.
PASSWORD = "correct horse battery staple"


def login_admin(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real admin login form (axes and CSRF included)."""
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    # Anchored: the login page itself ends in "?next=/admin/".
    page.wait_for_url(re.compile(r"^https?://[^/]+/admin/$"))


def assert_no_js_errors(page) -> None:
    assert not page.js_errors, "JavaScript errors on the page:\n" + "\n".join(page.js_errors)


def axe_violations(page) -> list[dict]:
    """Run axe-core (shipped by axe-playwright-python) with the WCAG 2.1 A and AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def load_demo(*app_names: str) -> None:
    """What `manage.py load_demo` loads, limited to the given apps' demo data.

    The live server's database is flushed after every browser test, so the data is
    loaded per test; loading only the apps a test looks at keeps that fast. With no
    names, it is exactly `load_demo` (every app).
    """
    from django.core.management import call_command, get_commands

    if not app_names:
        call_command("load_demo", verbosity=0)
        return
    from brorebro.management.commands.load_demo import COUNTY_BOUNDARIES

    call_command("loaddata", "municipalities", verbosity=0)
    call_command("import_municipality_boundaries", str(COUNTY_BOUNDARIES), verbosity=0)
    available = get_commands()
    for app in app_names:
        command = f"demo_{app}"
        # Every app has landed: a missing demo command is a broken app, not a reason to skip.
        if command not in available:
            pytest.fail(f"{command} is missing: is the {app} app in INSTALLED_APPS?")
        call_command(command, verbosity=0)


def block_foreign(route):
    """Route handler: only the live server is reachable (no tiles, nothing from the internet)."""
    host = urlsplit(route.request.url).hostname or ""
    if host in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def wait_until_true(page, expression: str, arg=None, timeout_s: float = 10.0) -> None:
    """Wait until a JavaScript expression (or function of `arg`) is true on the page.

    Playwright's `wait_for_function` compiles its predicate with eval, which the portal's
    Content-Security-Policy (no 'unsafe-eval') refuses whenever the first check fails;
    `evaluate` is not subject to it, so this polls from Python. An expression that throws
    (an element not there yet) counts as false.
    """
    import time

    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if page.evaluate(expression, arg):
                return
        except PlaywrightError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        page.wait_for_timeout(100)
