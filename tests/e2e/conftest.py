"""Browser fixtures: headless Debian Chromium driven by Playwright, against `live_server`.

Nothing is downloaded: Playwright is pointed at /usr/bin/chromium, and every request
that does not go to the live server is aborted, so map tiles (or anything else from
the internet) can never make a test pass or fail.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import pytest

from tests.e2e.helpers import block_foreign, load_demo

CHROMIUM = Path(os.environ.get("BROREBRO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous for a loaded 2-core CI machine, short enough that a hang fails quickly.
TIMEOUT_MS = 15_000
SLOW_DEMO_SECONDS = 15


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageErrors(list):
    """JavaScript errors and CSP violations seen by the page, for assertions."""


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        viewport={"width": 1280, "height": 900},
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.route("**/*", block_foreign)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = PageErrors()
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def on_console(msg):
        # Blocked tiles log "net::ERR_FAILED"; that is expected here. CSP violations and
        # script errors are not.
        text = msg.text
        if msg.type == "error" and "ERR_FAILED" not in text and "Failed to load resource" not in text:
            errors.append(f"console: {text}")

    page.on("console", on_console)
    page.js_errors = errors
    yield page
    page.close()


@pytest.fixture
def demo(transactional_db):
    """demo("premises", "land") loads those apps' demo data into the live server's database."""

    def load(*app_names: str) -> float:
        started = time.monotonic()
        load_demo(*app_names)
        elapsed = time.monotonic() - started
        # Paid once per browser test: if it gets slow, the whole suite does, so say so loudly
        # (a warning, not a failure: a busy CI machine must not make the suite flaky).
        if elapsed > SLOW_DEMO_SECONDS:
            warnings.warn(
                f"loading the demo data of {app_names or 'every app'} took {elapsed:.1f}s", stacklevel=2
            )
        return elapsed

    return load
