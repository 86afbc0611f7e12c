"""Fixtures for the alerts tests: the real SMTP server, and the steps of a person's alert."""

from __future__ import annotations

import re

import pytest

from tests.smtp import text_part

LINK = re.compile(r"http://testserver(/[^\s\"<>]+)")


def links(message) -> list[str]:
    """The site paths linked in the text part of a received message."""
    return LINK.findall(text_part(message))


def link_to(message, kind: str) -> str:
    """The path of the first /alerts/<kind>/ link in the message."""
    return next(path for path in links(message) if f"/alerts/{kind}/" in path)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"
