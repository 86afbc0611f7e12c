"""The officer's start page on the admin index: `{% officer_start_page as start %}`.

The admin index is Django's own view; this tag hands its template what
`brorebro.admin.start_page` gathered for the requesting user.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def officer_start_page(context) -> dict:
    from brorebro.admin import start_page  # the admin module registers models: import it late

    return start_page(context["request"])
