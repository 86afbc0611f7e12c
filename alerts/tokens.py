"""The signed links in alert e-mails. Nothing is stored for them: the signature is the proof.

- confirm: one alert, valid ALERT_CONFIRM_DAYS (the alert is deleted after that anyway);
- manage: every alert of one address, valid MANAGE_DAYS (each e-mail brings a fresh one);
- unsubscribe: the alerts one e-mail was about, valid as long as they exist (RFC 8058 one-click).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

MANAGE_DAYS = 90
DAY = 24 * 3600


def confirm_token(alert) -> str:
    return signing.dumps({"a": alert.pk, "e": alert.email}, salt="alerts.confirm", compress=True)


def read_confirm_token(token: str) -> dict | None:
    return _read(token, "alerts.confirm", settings.ALERT_CONFIRM_DAYS * DAY)


def manage_token(email: str) -> str:
    return signing.dumps({"e": email}, salt="alerts.manage", compress=True)


def read_manage_token(token: str) -> dict | None:
    return _read(token, "alerts.manage", MANAGE_DAYS * DAY)


def unsubscribe_token(email: str, alert_ids: list[int]) -> str:
    return signing.dumps({"e": email, "a": sorted(alert_ids)}, salt="alerts.unsubscribe", compress=True)


def read_unsubscribe_token(token: str) -> dict | None:
    return _read(token, "alerts.unsubscribe", None)


def _read(token: str, salt: str, max_age: int | None) -> dict | None:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return value if isinstance(value, dict) and isinstance(value.get("e"), str) else None
