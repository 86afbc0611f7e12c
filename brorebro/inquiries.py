"""The inquiry form that every listing's detail page uses.

`handle_inquiry(request, listing)` validates the form, throttles per client address and
per e-mail address in the database (one limit for every worker and server), stores an
`Inquiry` and queues an e-mail to the listing contact and the municipality's business office
(`brorebro.mail.send_email`, in the same transaction: the inquiry and its e-mail are stored
together, and the visitor never waits for the mail server).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from brorebro.mail import send_email
from brorebro.models import Inquiry, RateLimitHit
from brorebro.proxies import client_address, rate_key
from brorebro.validators import one_line, validate_single_line

RATE_WINDOW_SECONDS = 3600


class InquiryForm(forms.ModelForm):
    # A honeypot: hidden from people by CSS and aria-hidden, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = Inquiry
        fields = ["name", "company", "email", "phone", "message", "consent"]
        labels = {
            "name": _("Your name"),
            "company": _("Company"),
            "email": _("Email"),
            "phone": _("Phone (optional)"),
            "message": _("Message"),
            "consent": _(
                "I agree that my details are stored and passed to the municipality to answer my inquiry."
            ),
        }
        help_texts = {
            "message": _("For example, when you need the space and what you will use it for."),
            "email": _("We only use it to answer you."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    # Each message is a sentence that says which field and what to do, so the error summary
    # shows it without the label in front (the consent label is a sentence of its own).
    # Keyed by error code; a validator's code picks its field's message.
    error_messages_by_field = {
        "name": {
            "required": _("Enter your name."),
            "max_length": _("Your name can be at most %(limit_value)d characters long."),
            "control_characters": _("Write your name on one line."),
        },
        "company": {
            "max_length": _("The company name can be at most %(limit_value)d characters long."),
            "control_characters": _("Write the company name on one line."),
        },
        "email": {
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address such as name@company.se."),
        },
        "phone": {
            "max_length": _("The phone number can be at most %(limit_value)d characters long."),
            "control_characters": _("Write the phone number on one line."),
        },
        "message": {
            "required": _("Write your message."),
            "max_length": _(
                "Your message can be at most %(limit_value)d characters long (it has %(show_value)d)."
            ),
        },
        "consent": {
            "required": _("You must agree to the handling of your personal data to send the inquiry."),
        },
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].required = True
        self.fields["company"].required = False
        for name in ("name", "company", "phone"):
            self.fields[name].validators.append(validate_single_line)
        for name, field_messages in self.error_messages_by_field.items():
            self.fields[name].error_messages.update(field_messages)

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def rate_limited(
    request,
    email: str,
    *,
    scope: str = "inquiry",
    per_address: int | None = None,
    per_email: int | None = None,
) -> bool:
    """Whether this public form post is one too many from its client address or for its e-mail.

    Counted in the database (`RateLimitHit`), shared by every worker and server, per hour and
    per `scope` (inquiries and establishment requests: "inquiry"; saved searches: "alert").
    The per-address limit is the wider one, so colleagues behind one office address are not
    locked out; the per-e-mail limit stops one sender who changes address.
    """
    if per_address is None:
        per_address = settings.INQUIRY_RATE_LIMIT
    if per_email is None:
        per_email = settings.INQUIRY_EMAIL_RATE_LIMIT
    limits = {
        rate_key(f"{scope}-address", client_address(request)): per_address,
        rate_key(f"{scope}-email", email.strip().lower()): per_email,
    }
    return not RateLimitHit.objects.attempt(limits, RATE_WINDOW_SECONDS)


def rate_limit_message(listing) -> str:
    """Refused for now, with the contact shown on the page as the way to reach someone today."""
    phone = listing.contact_phone or listing.municipality.office_phone
    email = listing.contact_email or listing.municipality.office_email
    who = listing.contact_name or listing.municipality.name
    ways = [way for way in (phone, email) if way]
    if not ways:
        return str(_("You have sent many inquiries in a short time. Please try again in an hour."))
    return str(
        _(
            "You have sent many inquiries in a short time. Please try again in an hour, "
            "or contact %(who)s directly: %(ways)s."
        )
        % {"who": who, "ways": ", ".join(ways)}
    )


def handle_inquiry(request, listing) -> tuple[InquiryForm, bool]:
    """Process a POSTed inquiry about `listing`. Returns (form, sent)."""
    form = InquiryForm(request.POST)
    if not form.is_valid():
        return form, False
    if form.is_spam:
        # Pretend success so bots learn nothing; store nothing.
        return form, True
    if rate_limited(request, form.cleaned_data["email"]):
        form.add_error(None, rate_limit_message(listing))
        return form, False
    inquiry = form.save(commit=False)
    inquiry.municipality = listing.municipality
    inquiry.content_type = ContentType.objects.get_for_model(listing)
    inquiry.object_id = listing.pk
    inquiry.listing_title = one_line(listing, max_length=200)
    inquiry.language = get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        inquiry.save()
        notify(inquiry, listing, request)
    messages.success(
        request,
        _("Thank you! Your inquiry has been sent to %(who)s.")
        % {"who": listing.contact_name or listing.municipality.name},
    )
    return form, True


def notify(inquiry: Inquiry, listing, request) -> None:
    # Stored addresses were validated on the way in; an odd one (older data, a raw update)
    # is left out rather than allowed to break the message for the other recipient.
    recipients = sorted(
        {r for r in (listing.contact_email, listing.municipality.office_email) if _is_address(r)}
    )
    if not recipients:
        return
    context = {
        "inquiry": inquiry,
        "listing": listing,
        "listing_url": request.build_absolute_uri(listing.get_absolute_url()),
    }
    send_email(
        recipients,
        subject=inquiry_subject(inquiry),
        text=render_to_string("brorebro/inquiry_email.txt", context),
        purpose="inquiry",
    )


def inquiry_subject(inquiry: Inquiry) -> str:
    """One line whatever the stored title holds: a line break in a header would make
    Django refuse to send (BadHeaderError) after the inquiry was already stored."""
    return one_line(f"Förfrågan / Inquiry: {inquiry.listing_title}", max_length=150)


def _is_address(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
