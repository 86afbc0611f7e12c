"""The section registry is the one list of the portal's sections: navigation, home page and demo data."""

from __future__ import annotations

import re

import pytest

from brorebro import sections


@pytest.fixture
def extra_section(monkeypatch):
    """The registry with the four original sections and a fifth, as an app added later would register it.

    Fixed here, so that the tests do not depend on which other apps are installed.
    """
    registered = {key: sections._sections[key] for key in ("premises", "land", "surveys", "skills")}
    section = sections.Section(key="extra", order=99, title="Extra section", lead="More", url_name="privacy")
    monkeypatch.setattr(sections, "_sections", {**registered, "extra": section})
    return section


def main_nav_links(html: str) -> list[str]:
    start = html.index('class="main-nav"')
    nav = html[start : html.index("</nav>", start)]
    return re.findall(r'<a href="([^"]+)"', nav)


def test_navigation_lists_every_registered_section_in_order(client, county, extra_section):
    html = client.get("/en/").content.decode()
    assert main_nav_links(html) == ["/en/premises/", "/en/land/", "/en/nki/", "/en/skills/", "/en/privacy/"]
    assert ">Extra section</a>" in html


def test_navigation_marks_the_current_section(client, county):
    html = client.get("/sv/land/").content.decode()
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', html) == ["/sv/land/"]


def test_load_demo_runs_the_demo_command_of_each_registered_section_in_order(
    county, extra_section, monkeypatch
):
    from django.core.management import call_command

    from brorebro.management.commands import load_demo

    monkeypatch.setattr(sections._sections["skills"], "order", 5)
    monkeypatch.delitem(sections._sections, "surveys")
    called = []
    monkeypatch.setattr(load_demo, "call_command", lambda name, *args, **kwargs: called.append(name))
    call_command("load_demo", verbosity=0)
    demo_commands = [name for name in called if name.startswith("demo_")]
    # demo_extra does not exist, so it is left out rather than failing.
    assert demo_commands == ["demo_skills", "demo_premises", "demo_land"]


def test_not_found_page_offers_every_section(client, county, extra_section):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    content = html[html.index('id="main"') :]
    for href in ("/en/premises/", "/en/land/", "/en/nki/", "/en/skills/", "/en/privacy/"):
        assert f'<a href="{href}">' in content
