"""The one language rule of listing texts: English on English pages when written, Swedish otherwise."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import translation

from brorebro.i18n import localised


@pytest.mark.parametrize(
    "language,english,expected",
    [
        ("sv", "Bright office", "Ljust kontor"),
        ("en", "Bright office", "Bright office"),
        ("en", "", "Ljust kontor"),
        ("en-gb", "Bright office", "Bright office"),
    ],
)
def test_english_text_is_shown_on_english_pages_when_there_is_one(language, english, expected):
    listing = SimpleNamespace(description_sv="Ljust kontor", description_en=english)
    with translation.override(language):
        assert localised(listing, "description") == expected


@pytest.mark.parametrize(
    "app_model,field", [("premises.Premises", "description"), ("land.LandPlot", "description")]
)
def test_listings_follow_the_rule(app_model, field):
    from django.apps import apps

    listing = apps.get_model(app_model)(**{f"{field}_sv": "Svensk text", f"{field}_en": ""})
    with translation.override("en"):
        assert getattr(listing, field) == "Svensk text"
        setattr(listing, f"{field}_en", "English text")
        assert getattr(listing, field) == "English text"
    with translation.override("sv"):
        assert getattr(listing, field) == "Svensk text"
