"""The e-mails of a case: the link to the company's page, the published proposal, new matches.

Sent through the portal's durable queue (`brorebro.mail.send_email`), in the caller's
transaction. Where the queue is not installed, Django's `send_mail` runs after the commit,
so a request that is rolled back never sends anything.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from brorebro.validators import one_line

try:
    from brorebro.mail import send_email
except ImportError:  # the queue is optional: without it, mail goes out after the commit
    send_email = None


def _send(to: str, subject: str, template: str, context: dict, purpose: str) -> None:
    subject = one_line(subject, max_length=150)
    text = render_to_string(template, context)
    if send_email is not None:
        send_email([to], subject, text, purpose=purpose)
        return
    transaction.on_commit(
        lambda: send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    )


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
    """The public address mails link to (SITE_URL), for mails sent outside a request."""
    return getattr(settings, "SITE_URL", "") or "http://localhost:8000"
