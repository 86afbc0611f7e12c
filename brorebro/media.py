"""Serving uploaded files (photos, floor plans) in the single-machine setup.

Behind nginx or with object storage the files are served from there instead; the README
("Deploy") shows the nginx rules that do the same as this view. Only the extensions that
uploads are stored with (`brorebro.uploads.MEDIA_TYPES`) are served, each with its one
content type, and browsers are told not to guess another (`nosniff`): a file can never
become a page of the portal's own origin, whatever bytes it holds.
"""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.static import serve

from brorebro.uploads import MEDIA_TYPES


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    content_type = MEDIA_TYPES.get(posixpath.splitext(path)[1].lower())
    if content_type is None:
        raise Http404("No such file.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
