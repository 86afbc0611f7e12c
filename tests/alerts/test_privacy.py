"""The personal-data page says what alerts and the e-mail queue store, and for how long."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_privacy_page_explains_alerts_and_their_retention(client, settings):
    settings.ALERT_CONFIRM_DAYS, settings.ALERT_RETENTION_MONTHS, settings.MAIL_KEEP_DAYS = 7, 12, 30
    html = client.get("/sv/privacy/").content.decode()
    assert "Bevakade sökningar (e-postbevakningar)" in html
    assert "raderas efter 7 dagar" in html and "12 månader efter din senaste bekräftade" in html
    assert "i 30 dagar efter att det skickades" in html
    html = client.get("/en/privacy/").content.decode()
    assert (
        "Saved searches (e-mail alerts)" in html
        and "deleted 12 months after your last confirmed activity" in html
    )
