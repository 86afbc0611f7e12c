"""Caching of what every visitor shares: whole public responses and shared fragments.

Every key carries the data version of the kinds shown (`brorebro.versions.current`),
so an entry is never stale: a write anywhere makes a new key, and old entries just
age out of the cache (local memory by default, Redis through `CACHE_URL`, shared by
all workers).

`public_response(*kinds)` wraps a public GET view:

- An anonymous GET (no session or messages cookie) gets an `ETag` derived from the
  data versions, the scheme, host, path and query, the language and whether only
  the results partial was asked for. A matching `If-None-Match` is answered `304`
  after one small query. `Cache-Control: public, max-age=…` lets a reverse proxy or
  CDN keep it for a short time (`settings.PUBLIC_CACHE_MAX_AGE`, default 60 s), with
  `Vary: Cookie` so that a visitor with a session never gets the shared copy.
- The response itself is kept under the same key, so the next visitor with the same
  query gets it without running the view.
- Nothing is shared or marked public when the request carries a session, or when
  the response used the session or a CSRF token (a page with a POST form: its token
  is personal), set a cookie, is not a 200, or already says how to cache itself.
  Those responses go out exactly as the view made them.

`shared(kinds, name, compute, *parts)` keeps one computed value (figures, counts,
rendered fragments) under the same kind of key.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import get_template
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from brorebro import versions
from brorebro.models import Municipality
from brorebro.sections import Section

T = TypeVar("T")

# Cookies that do not make a request personal: the CSRF cookie (only a page that
# renders a token depends on it, and such a page is never shared) and the language.
_NEUTRAL_COOKIES = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
# How long a stored response or value is kept. Its key changes with the data (and, for
# listings, with the time slot), so this only bounds the space that old entries hold.
_STORE_SECONDS = 6 * versions.TIME_SLOT_SECONDS
# Bigger bodies (a full open-data export) are still answered 304, but not stored.
_STORE_MAX_BYTES = 4 * 1024 * 1024
_STORED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "X-Search-Valid")


def max_age() -> int:
    return settings.PUBLIC_CACHE_MAX_AGE


def is_anonymous_get(request: HttpRequest) -> bool:
    """A GET (or HEAD) that carries nothing personal: only neutral cookies, if any."""
    return request.method in ("GET", "HEAD") and set(request.COOKIES) <= _NEUTRAL_COOKIES


def _personal(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the response depends on who asked (or must not be kept for another reason)."""
    session = getattr(request, "session", None)
    return (
        response.status_code != 200
        # A search page that shows form errors (the search pages set this header).
        or response.get("X-Search-Valid") == "0"
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)  # get_token() was called
        # Without a session cookie the session read is empty; only a write makes it personal.
        or (session is not None and session.modified)
        or bool(response.cookies)
        or response.has_header("Cache-Control")
        or response.has_header("Set-Cookie")
        or "cookie" in response.get("Vary", "").lower()
    )


def response_key(request: HttpRequest, kinds: tuple[str, ...]) -> str:
    """The cache key (and ETag source) of an anonymous request for data of `kinds`."""
    parts = [
        versions.current(kinds),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        get_language() or "",
        request.headers.get("X-Requested-With", ""),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]
    return f"response:{digest}"


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    etags = parse_etags(header)
    return "*" in etags or etag in etags or etag.removeprefix("W/") in [e.removeprefix("W/") for e in etags]


def _mark_public(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age())
    patch_vary_headers(response, ["Cookie"])
    return response


def public_response(*kinds: str) -> Callable:
    """Decorate a public GET view whose output depends only on the request's URL and `kinds`' data."""
    unknown = set(kinds) - set(versions.KINDS)
    if unknown:
        raise ValueError(f"unknown data kinds: {sorted(unknown)}")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_anonymous_get(request) or max_age() <= 0:
                return view(request, *args, **kwargs)
            # One read of the versions for the key and every shared fragment of the view.
            with versions.pinned():
                return _respond(request, kinds, view, args, kwargs)

        return wrapped

    return decorator


def _respond(request: HttpRequest, kinds: tuple[str, ...], view: Callable, args, kwargs) -> HttpResponse:
    key = response_key(request, kinds)
    etag = f'"{key.partition(":")[2]}"'
    if _etag_matches(request, etag):
        return _mark_public(HttpResponseNotModified(), etag)
    stored = cache.get(key)
    if stored is not None:
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return _mark_public(response, etag)
    response = view(request, *args, **kwargs)
    if _personal(request, response):
        return response
    if not response.streaming and len(response.content) <= _STORE_MAX_BYTES:
        headers = [(name, response[name]) for name in _STORED_HEADERS if response.has_header(name)]
        cache.set(key, (response.status_code, headers, response.content), _STORE_SECONDS)
    return _mark_public(response, etag)


def shared(kinds: tuple[str, ...] | list[str], name: str, compute: Callable[[], T], *parts: object) -> T:
    """`compute()`, kept in the cache under the data versions of `kinds`, `name` and `parts`.

    For values every visitor shares (figures, counts, rendered fragments). `parts` must
    name everything else the value depends on (the language, for translated text).
    """
    text = "\n".join([versions.current(kinds), name, *map(str, parts)])
    key = "shared:" + hashlib.sha256(text.encode()).hexdigest()[:40]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, _STORE_SECONDS)
    return value


def rendered_cards(
    kinds: tuple[str, ...],
    template_name: str,
    name: str,
    objects,
    context: dict[str, object],
    vary: tuple[str, ...] = (),
) -> list[SafeString]:
    """Each of `objects` rendered with `template_name` (as `name`, beside `context`).

    A result card depends on its listing, not on the search that found it, so each card
    is kept in the cache under the data versions of `kinds`, the language, `context` and
    the listing's primary key, plus the attributes in `vary` that the query adds to it
    (a distance). One `get_many` for the page; only the cards not seen before are
    rendered (issue 15: the result cards were half of a cold search's time).
    """
    objects = list(objects)
    if not objects:
        return []
    base = "\n".join(
        [
            versions.current(kinds),
            template_name,
            get_language() or "",
            *(f"{k}={v}" for k, v in sorted(context.items())),
        ]
    )

    def key(obj) -> str:
        parts = [base, str(obj.pk), *(repr(getattr(obj, attribute, None)) for attribute in vary)]
        return "card:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]

    keys = [key(obj) for obj in objects]
    found = cache.get_many(keys)
    missing = {}
    if len(found) < len(keys):
        template = get_template(template_name)
        for obj, k in zip(objects, keys):
            if k not in found:
                found[k] = missing[k] = template.render({**context, name: obj})
        cache.set_many(missing, _STORE_SECONDS)
    # Rendered templates are SafeStrings, and stay so through the cache's pickling.
    return [found[k] for k in keys]


# --- the core's shared fragments ----------------------------------------------------------
def county_municipality_choices() -> list[tuple[str, str]]:
    """(code, name) of the county's municipalities by name: every search form's choices."""
    return shared(
        ("municipalities",),
        "county-municipality-choices",
        lambda: list(Municipality.objects.in_county().order_by("name").values_list("code", "name")),
    )


def shared_section_figures(sections: list[Section]) -> list[Section]:
    """The sections with their live figures (counts, the NKI) read once per data version and language."""
    figures = shared(
        tuple(versions.KINDS),
        "section-figures",
        lambda: {s.key: [(str(value), str(label)) for value, label in s.figures()] for s in sections},
        get_language(),
        *(s.key for s in sections),
    )
    return [dataclasses.replace(s, figures=_constant(figures.get(s.key, []))) for s in sections]


def _constant(value: T) -> Callable[[], T]:
    return lambda: value
