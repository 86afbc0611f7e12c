"""Who the client is, given the reverse proxies in front of the portal.

Behind N trusted proxies, each proxy appends the address it received the request from to
`X-Forwarded-For`, so the client's address is the N-th entry from the right. Anything to
the left of it was written by the client and can be anything: the left-most entry, which
the portal used before, let a client pick a new address for every request.
`DJANGO_TRUSTED_PROXY_HOPS` (default 0: the socket address, no header trusted) says N.
The inquiry rate limit and the admin login lockout (django-axes) both use this.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def client_address(request: HttpRequest) -> str:
    socket_address = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return socket_address
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        # Fewer entries than proxies: the request did not come through all of them.
        return socket_address
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return socket_address


def rate_key(scope: str, value: str) -> str:
    """A key for `RateLimitHit` that does not store the address or e-mail itself."""
    digest = salted_hmac("brorebro.rate-limit", f"{scope}:{value}", algorithm="sha256").hexdigest()
    return f"{scope}:{digest}"
