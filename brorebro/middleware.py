"""Response headers and graceful failure that apply to every request."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def content_security_policy(path: str) -> str:
    tiles = f" {settings.TILE_ORIGIN}" if settings.TILE_ORIGIN else ""
    if path.startswith("/admin/"):
        # The admin and django-leaflet's widget use inline scripts; the admin is behind login.
        script = "'self' 'unsafe-inline'"
    else:
        script = "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script}",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{tiles}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """Only our own origin, plus the map tile server for images."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy(request.path))
        response.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        return response


class RejectNulBytesMiddleware:
    """A NUL byte in the path or a parameter is never meaningful, and PostgreSQL refuses
    it in text: answer 400 before it reaches a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in v for vs in request.GET.lists() for v in [vs[0], *vs[1]]):
            return HttpResponseBadRequest("NUL bytes are not allowed.", content_type="text/plain")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer a friendly 503 instead of a 500 when the database is away.

    Connections are closed so that the next request reconnects as soon as the
    database is back; no worker restart is needed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError) or database_is_up():
            # A programming error (e.g. a missing table) stays a 500 and gets logged.
            return None
        logger.error("Database unavailable: %s", exception)
        body = render_to_string("503.html", {"request": request})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response


def database_is_up() -> bool:
    """Probe the default database on a fresh connection; close it again if broken.

    Closing a broken connection lets the next request reconnect as soon as the
    database is back, so no worker restart is needed.
    """
    from django.db import connection

    try:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        try:
            connection.close()
        except DatabaseError:
            pass
        return False
