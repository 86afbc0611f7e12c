"""Take the README screenshots from a running portal with headless Debian Chromium.

Usage: screenshots.py BASE_URL OUT_DIR  (OFFICER_USERNAME / OFFICER_PASSWORD in the
environment, for the admin picture). Called by scripts/screenshots.sh, which starts
the server with the demo data. Only the portal itself is reachable from the browser;
map tiles are blocked, so maps show their markers and polygons on a plain background.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def block_foreign(route):
    host = urlsplit(route.request.url).hostname or ""
    if host in {"127.0.0.1", "localhost"} or route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def settle(page, selector: str | None = None) -> None:
    page.wait_for_load_state("networkidle")
    if selector:
        try:
            page.wait_for_selector(selector, timeout=10_000)
        except Exception:  # noqa: BLE001 - a missing map layer still gives a useful picture
            print(f"  (no {selector} on {page.url})", file=sys.stderr)
    page.wait_for_timeout(400)  # let Leaflet finish its zoom animation


def shoot(page, out: Path, name: str, path: str, selector: str | None = None, full_page: bool = False):
    page.goto(path)
    settle(page, selector)
    target = out / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    print(f"  {target}")


def main(base_url: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=base_url, viewport={"width": 1400, "height": 1000}, locale="sv-SE"
        )
        context.route("**/*", block_foreign)
        page = context.new_page()

        shoot(page, out, "home", "/sv/", full_page=False)
        shoot(page, out, "premises-search", "/sv/premises/", ".leaflet-marker-icon")
        # One business area, so the map zooms in far enough to draw the plots as polygons.
        shoot(page, out, "land-search", "/sv/land/?q=T%C3%B6rsj%C3%B6", ".leaflet-overlay-pane path")
        shoot(page, out, "nki-trend", "/sv/nki/", "svg")
        shoot(page, out, "skills", "/sv/skills/")

        # A warehouse's page: the photo gallery with captions, specs and the floor plan.
        page.goto("/sv/premises/?kind=warehouse&sort=area_desc")
        settle(page)
        detail = page.locator(".premises-card h3 a").first.get_attribute("href")
        shoot(page, out, "premises-detail", detail, ".gallery img")

        # The shortlist, kept with the buttons on the result cards, compared side by side.
        page.goto("/sv/premises/?kind=warehouse&kind=industrial&sort=area_desc")
        settle(page)
        for i in range(2):
            page.locator(".premises-card button.shortlist-toggle").nth(i).click()
        page.goto("/sv/land/?q=T%C3%B6rsj%C3%B6")
        settle(page)
        page.locator(".land-card button.shortlist-toggle").first.click()
        page.locator("a.shortlist-compare").click()
        settle(page, "#compare-table")
        page.screenshot(path=str(out / "compare.png"))
        print(f"  {out / 'compare.png'}")
        page.evaluate("localStorage.clear()")

        # A phone: the list first with the active filters as chips and the sort order beside it.
        phone = browser.new_context(
            base_url=base_url,
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="sv-SE",
        )
        phone.route("**/*", block_foreign)
        phone_page = phone.new_page()
        phone_page.goto("/sv/premises/?kind=warehouse&municipality=1861&municipality=1880")
        settle(phone_page)
        # From the folded filters down: the map button, the chips, the sort order and the list.
        phone_page.evaluate("document.getElementById('filter-panel').scrollIntoView()")
        phone_page.wait_for_timeout(300)
        phone_page.screenshot(path=str(out / "phone-premises-search.png"))
        print(f"  {out / 'phone-premises-search.png'}")
        phone.close()

        username, password = os.environ.get("OFFICER_USERNAME"), os.environ.get("OFFICER_PASSWORD")
        if username and password:
            page.goto("/admin/login/?next=/admin/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("input[type=submit]")
            page.wait_for_url(re.compile(r"^https?://[^/]+/admin/$"))
            # The officer's own premises changelist: only Örebro's listings.
            shoot(page, out, "admin-premises", "/admin/premises/premises/")
            start_officer = os.environ.get("START_OFFICER_USERNAME")
            if start_officer:
                # The officer's start page (the admin index), as a Laxå officer.
                context.clear_cookies()
                page.goto("/admin/login/?next=/admin/")
                page.fill("#id_username", start_officer)
                page.fill("#id_password", password)
                page.click("input[type=submit]")
                page.wait_for_url(re.compile(r"^https?://[^/]+/admin/$"))
                shoot(page, out, "admin-start", "/admin/")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
