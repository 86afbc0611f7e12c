"""Views of the core: home page, health check, statement pages and error pages."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from brorebro.caching import public_response, shared_section_figures
from brorebro.models import Municipality, svg_view_box
from brorebro.sections import all_sections


@require_GET
@public_response("municipalities", "premises", "land", "surveys", "skills")
def home(request):
    municipalities = Municipality.objects.in_county().defer("boundary")
    return render(
        request,
        "brorebro/home.html",
        {
            "municipalities": municipalities,
            "outlines": municipalities.with_svg_outline(),
            "view_box": svg_view_box(municipalities),
            # The live figures, computed once per data version and language for every visitor.
            "sections": shared_section_figures(all_sections()),
        },
    )


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        connection.close()
        return JsonResponse({"db": "unavailable"}, status=503)
    return JsonResponse({"db": "ok"})


@require_GET
def privacy(request):
    return render(
        request,
        "brorebro/privacy.html",
        {
            "retention_months": settings.INQUIRY_RETENTION_MONTHS,
            "alert_confirm_days": settings.ALERT_CONFIRM_DAYS,
            "alert_retention_months": settings.ALERT_RETENTION_MONTHS,
            "mail_keep_days": settings.MAIL_KEEP_DAYS,
        },
    )


@require_GET
def accessibility(request):
    return render(request, "brorebro/accessibility.html")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request context: the failure may come from a context processor.
    return HttpResponseServerError(render_to_string("500.html"))
