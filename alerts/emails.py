"""The alert e-mails, rendered in the alert's language with absolute links (SITE_URL).

Every e-mail links to the management page, and one-click unsubscribe is announced in the
headers (RFC 8058): `List-Unsubscribe` with an https link that accepts a POST, and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from alerts import tokens
from brorebro.mail import send_email
from brorebro.validators import one_line


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _links(email: str, alert_ids: list[int], language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "manage_url": absolute(reverse("alerts:manage", args=[tokens.manage_token(email)])),
            "unsubscribe_url": absolute(
                reverse("alerts:unsubscribe", args=[tokens.unsubscribe_token(email, alert_ids)])
            ),
        }


def _headers(links: dict[str, str]) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _send(email: str, alerts: list, template: str, subject: str, context: dict, purpose: str):
    message = _render(email, alerts, template, subject, context, purpose)
    return send_email(**message)


def _render(email: str, alerts: list, template: str, subject: str, context: dict, purpose: str) -> dict:
    """The arguments of `brorebro.mail.send_email` for one message to `email` about `alerts`."""
    language = alerts[0].language
    links = _links(email, [alert.pk for alert in alerts], language)
    with translation.override(language):
        context = {
            **context,
            **links,
            "alerts": alerts,
            "site_url": settings.SITE_URL,
            "LANGUAGE_CODE": language,
        }
        text = render_to_string(f"alerts/email/{template}.txt", context)
        html = render_to_string(f"alerts/email/{template}.html", context)
        subject = one_line(str(subject), max_length=150)
    return {
        "to": [email],
        "subject": subject,
        "text": text,
        "html": html,
        "headers": _headers(links),
        "purpose": purpose,
    }


def send_confirmation(alert) -> None:
    with translation.override(alert.language):
        confirm_url = absolute(reverse("alerts:confirm", args=[tokens.confirm_token(alert)]))
        subject = _("Confirm your search alert – Business Region Örebro")
    _send(
        alert.email,
        [alert],
        "confirm",
        subject,
        {"alert": alert, "confirm_url": confirm_url, "search_url": absolute(alert.search_path())},
        "alert-confirmation",
    )


def send_notice(email: str, alerts: list, reason: str, language: str) -> None:
    """Instead of a confirmation, when the address already has this alert or too many: the same
    answer is shown on the page either way, and only the owner of the address learns which."""
    with translation.override(language):
        subject = _("Your search alerts – Business Region Örebro")
    for alert in alerts:
        alert.language = language  # the page's language, for this one message
    _send(
        email,
        alerts,
        "notice",
        subject,
        {"reason": reason, "limit": settings.ALERTS_PER_ADDRESS},
        "alert-notice",
    )


def render_digest(email: str, sections: list[tuple], language: str) -> dict:
    """One digest, for `brorebro.mail.send_emails`: `sections` is [(alert, [listing, ...]), ...]
    for one address, frequency and language."""
    alerts = [alert for alert, _listings in sections]
    count = sum(len(listings) for _alert, listings in sections)
    with translation.override(language):
        items = [
            (
                alert,
                absolute(alert.search_path()),
                [(listing, absolute(listing.get_absolute_url())) for listing in listings],
            )
            for alert, listings in sections
        ]
        subject = translation.ngettext(
            "%(count)d new match for your saved search – Business Region Örebro",
            "%(count)d new matches for your saved searches – Business Region Örebro",
            count,
        ) % {"count": count}
    return _render(email, alerts, "digest", subject, {"items": items, "count": count}, "alert-digest")
