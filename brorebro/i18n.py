"""The language rule of listing texts: Swedish first, English when asked for and written.

Texts that officers write (descriptions, names, photo texts) are stored twice, as
`<name>_sv` and `<name>_en`. Swedish is required and English optional, so an English
page shows the English text where there is one and the Swedish text otherwise.
"""

from __future__ import annotations

from django.utils.translation import get_language


def localised(obj: object, name: str) -> str:
    """`obj.<name>_en` on an English page if it is filled in, otherwise `obj.<name>_sv`."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{name}_en", "")
        if english:
            return english
    return getattr(obj, f"{name}_sv")
