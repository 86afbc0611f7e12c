"""The e-mails of a case: the link to the company's page, the published proposal, new matches.

Sent through the portal's durable queue (`brorebro.mail.send_email`), in the caller's
transaction: a request that is rolled back sends nothing, and nobody waits for SMTP.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from brorebro.mail import send_email
from brorebro.validators import one_line


def _send(to: str, subject: str, template: str, context: dict, purpose: str) -> None:
    subject = one_line(subject, max_length=150)
    send_email([to], subject, render_to_string(template, context), purpose=purpose)


def _url(case, base_url: str) -> str:
    with translation.override(case.language):
        return base_url.rstrip("/") + case.get_absolute_url()


def request_received(case, base_url: str) -> None:
    with translation.override(case.language):
        _send(
            case.contact_email,
            translation.gettext("Your establishment request: %(company)s") % {"company": case.company_name},
            "establishment/email_received.txt",
            {"case": case, "url": _url(case, base_url)},
            "establishment-received",
        )


def proposal_published(case, base_url: str) -> None:
    with translation.override(case.language):
        _send(
            case.contact_email,
            translation.gettext("A proposal for %(company)s from Business Region Örebro")
            % {"company": case.company_name},
            "establishment/email_proposal.txt",
            {"case": case, "url": _url(case, base_url)},
            "establishment-proposal",
        )


def new_matches(case, listings: list, base_url: str) -> None:
    with translation.override(case.language):
        _send(
            case.contact_email,
            translation.gettext("A new match for your establishment request"),
            "establishment/email_new_match.txt",
            {"case": case, "listings": listings, "url": _url(case, base_url)},
            "establishment-new-match",
        )


def site_url() -> str:
    """The public address that e-mails link to (SITE_URL): right behind any proxy, and outside requests."""
    return settings.SITE_URL
