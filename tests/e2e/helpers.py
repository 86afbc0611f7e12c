"""Helpers shared by the browser tests."""

from __future__ import annotations

import re

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# The password tests/factories.py gives every UserFactory user.
PASSWORD = "correct horse battery staple"


def login_admin(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real admin login form (axes and CSRF included)."""
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


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
