"""The inquiry form that every listing's detail page uses.

`handle_inquiry(request, listing)` validates the form, throttles per IP through the
cache (so it works with several app servers), stores an `Inquiry` and emails the
listing contact and the municipality's business office.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from brorebro.models import Inquiry
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].required = True
        self.fields["consent"].error_messages["required"] = _(
            "You must agree to the handling of your personal data to send the inquiry."
        )
        self.fields["company"].required = False
        for name in ("name", "email", "message"):
            self.fields[name].error_messages["required"] = _("Fill in this field.")
        for name in ("name", "company", "phone"):
            self.fields[name].validators.append(validate_single_line)

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def client_ip(request) -> str:
    # Behind a proxy the app sees the proxy; the first X-Forwarded-For hop is the client.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _rate_key(request) -> str:
    digest = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return f"inquiry-rate:{digest}"


def rate_limited(request) -> bool:
    key = _rate_key(request)
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.INQUIRY_RATE_LIMIT


def handle_inquiry(request, listing) -> tuple[InquiryForm, bool]:
    """Process a POSTed inquiry about `listing`. Returns (form, sent)."""
    form = InquiryForm(request.POST)
    if not form.is_valid():
        return form, False
    if form.is_spam:
        # Pretend success so bots learn nothing; store nothing.
        return form, True
    if rate_limited(request):
        form.add_error(None, _("You have sent many inquiries in a short time. Please try again in an hour."))
        return form, False
    inquiry = form.save(commit=False)
    inquiry.municipality = listing.municipality
    inquiry.content_type = ContentType.objects.get_for_model(listing)
    inquiry.object_id = listing.pk
    inquiry.listing_title = one_line(listing, max_length=200)
    inquiry.language = get_language() or settings.LANGUAGE_CODE
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
    send_mail(
        subject=inquiry_subject(inquiry),
        message=render_to_string("brorebro/inquiry_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=False,
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
