"""Rules for text that must stay on one line.

Titles, names, localities, contact fields and references are shown in headings, table
cells, CSV cells and e-mail subjects. A line break, tab or other control character in
one of them breaks the page layout at best and an e-mail header at worst (Django raises
`BadHeaderError` for a newline in a subject). So:

- `validate_single_line` is a model-field validator: every ModelForm (the admin, list
  edits) and every importer that calls `full_clean()` refuses such a value with a message;
- `one_line` turns any stored text into a safe single line, for places that build
  headers from data that may predate the validator (e-mail subjects).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What a one-line field may not hold: the C0 and C1 control characters (tab, CR, LF, NUL,
# ESC, NEL, ...; Unicode category Cc) and the Unicode line and paragraph separators, which
# e-mail and many viewers also treat as line breaks. Importers use the same pattern.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_RUN = re.compile(CONTROL_CHARACTERS.pattern + "+")


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def validate_single_line(value) -> None:
    """Refuse line breaks, tabs and other control characters in a one-line field."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(
            _("Write this on one line, without line breaks, tabs or other control characters."),
            code="control_characters",
        )


def one_line(value, max_length: int | None = None) -> str:
    """`value` as one line: every run of control characters becomes one space.

    For text that goes into a header. Stored data may predate `validate_single_line`
    (or come from a path that bypassed it), so a header is never built from it raw.
    """
    text = _CONTROL_RUN.sub(" ", str(value or ""))
    text = " ".join(text.split())
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text
