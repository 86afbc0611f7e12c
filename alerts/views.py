"""Public pages of saved searches: save a search, confirm it, manage alerts, unsubscribe.

Every page that answers a request for an e-mail address answers the same whatever the
address already has (no enumeration); what differs goes only into the e-mail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from alerts import emails, tokens
from alerts.forms import FrequencyForm, ManageRequestForm, SubscribeForm
from alerts.models import SavedSearch, normalise_email
from alerts.searches import SEARCHES, SectionKey
from brorebro.inquiries import rate_limited


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, section: str) -> HttpResponse:
    search = SEARCHES[SectionKey(section)]
    data = request.POST if request.method == "POST" else request.GET
    query, filterset = search.clean_query(_search_params(data))
    context = {
        "section": section,
        "search_label": SectionKey(section).label,
        "back_url": reverse(search.index_url_name) + (f"?{query}" if query else ""),
        "query": query,
        "filterset": filterset,
        "criteria": search.describe(query) if query is not None else [],
    }
    if query is None:
        # The search itself is invalid: show its problems and a way back, save nothing.
        return render(request, "alerts/subscribe.html", {**context, "form": None}, status=400)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = normalise_email(form.cleaned_data["email"])
        if _rate_limited(request, email):
            form.add_error(None, _rate_limit_message())
        else:
            _save(
                email,
                section,
                query,
                form.cleaned_data["frequency"],
                get_language() or settings.LANGUAGE_CODE,
            )
            return redirect("alerts:requested")
    return render(request, "alerts/subscribe.html", {**context, "form": form})


def _search_params(data) -> QueryDict:
    """The search's parameters from the form's hidden `query`, or from the page's own query string."""
    if "query" in data:
        return QueryDict(data.get("query", ""))
    return data


def _rate_limited(request: HttpRequest, email: str) -> bool:
    return rate_limited(
        request,
        email,
        scope="alert",
        per_address=settings.ALERT_RATE_LIMIT,
        per_email=settings.ALERT_EMAIL_RATE_LIMIT,
    )


def _rate_limit_message() -> str:
    return gettext("You have saved many searches in a short time. Please try again in an hour.")


def _save(email: str, section: str, query: str, frequency: str, language: str) -> None:
    """Create the alert and queue its confirmation, or tell the address owner why not."""
    with transaction.atomic():
        existing = list(SavedSearch.objects.for_email(email).select_for_update())
        same = next((a for a in existing if a.section == section and a.query == query), None)
        if same is not None and same.is_confirmed:
            emails.send_notice(email, [same], "exists", language)
        elif same is not None:
            same.frequency, same.language = frequency, language
            same.save(update_fields=["frequency", "language"])
            emails.send_confirmation(same)
        elif len(existing) >= settings.ALERTS_PER_ADDRESS:
            emails.send_notice(email, existing, "limit", language)
        else:
            alert = SavedSearch.objects.create(
                email=email, section=section, query=query, frequency=frequency, language=language
            )
            emails.send_confirmation(alert)


@require_http_methods(["GET", "POST"])
def manage_request(request: HttpRequest) -> HttpResponse:
    """Ask for a link to the management page by e-mail; the answer is the same for any address."""
    form = ManageRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = normalise_email(form.cleaned_data["email"])
        if _rate_limited(request, email):
            form.add_error(None, _rate_limit_message())
        else:
            alerts = list(SavedSearch.objects.for_email(email))
            if alerts:
                emails.send_notice(email, alerts, "manage", get_language() or settings.LANGUAGE_CODE)
            return redirect("alerts:requested")
    return render(request, "alerts/manage_request.html", {"form": form})


@require_GET
def requested(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/requested.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    data = tokens.read_confirm_token(token)
    alert = None
    if data is not None:
        alert = SavedSearch.objects.filter(pk=data.get("a"), email=data["e"]).first()
    if alert is None:
        return render(request, "alerts/link_invalid.html", status=404)
    if request.method == "POST":
        alert.confirm()
        return render(
            request,
            "alerts/confirmed.html",
            {"alert": alert, "manage_url": reverse("alerts:manage", args=[tokens.manage_token(alert.email)])},
        )
    # A GET only shows the button: mail scanners that open links must not confirm for the person.
    return render(request, "alerts/confirm.html", {"alert": alert})


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    data = tokens.read_manage_token(token)
    if data is None:
        return render(request, "alerts/link_invalid.html", status=404)
    email = data["e"]
    alerts = SavedSearch.objects.for_email(email)
    now = timezone.now()
    # Opening the page through the e-mailed link is confirmed activity (12-month retention).
    alerts.confirmed().update(active_at=now)
    if request.method == "POST":
        alert = alerts.filter(pk=request.POST.get("alert")).first()
        action = request.POST.get("action")
        if action == "delete-all":
            alerts.delete()
        elif alert is not None and action == "delete":
            alert.delete()
        elif alert is not None and action == "frequency":
            form = FrequencyForm(request.POST, prefix=f"a{alert.pk}")
            if form.is_valid():
                alert.frequency = form.cleaned_data["frequency"]
                alert.save(update_fields=["frequency"])
        return redirect(request.path + "?saved=1")
    rows = [
        (alert, FrequencyForm(initial={"frequency": alert.frequency}, prefix=f"a{alert.pk}"))
        for alert in alerts
    ]
    return render(
        request,
        "alerts/manage.html",
        {"email": email, "rows": rows, "saved": request.GET.get("saved") == "1"},
    )


@csrf_exempt  # RFC 8058: the mail client POSTs here without a page, and the signed link is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    data = tokens.read_unsubscribe_token(token)
    if data is None:
        return render(request, "alerts/link_invalid.html", status=404)
    alerts = SavedSearch.objects.for_email(data["e"]).filter(pk__in=data.get("a") or [])
    if request.method == "POST":
        alerts.delete()
        return render(
            request,
            "alerts/unsubscribed.html",
            {"manage_url": reverse("alerts:manage", args=[tokens.manage_token(data["e"])])},
        )
    return render(request, "alerts/unsubscribe.html", {"alerts": list(alerts)})
