"""The form renderer: Django's own, with its `<input>` widgets written in Python.

A search page has some fifteen inputs and fifty checkboxes. Django renders each through
three small templates (e.g. number.html → input.html → attrs.html), and that was a fifth
of a cold search's time (issue 15). The markup of those templates is fixed and tiny, so
`FastInputRenderer` builds exactly the same string in Python for them, and leaves every
other widget (selects, text areas, the map widgets, anything an app overrides) to the
templates. `input_html` is the one copy of that markup; `{% choice_items %}` uses it too.

Overrides stay possible: a template of one of these names that does not come from Django's
own forms folder (an app shipping its own `django/forms/widgets/text.html`) switches the
fast path off for that name.
"""

from __future__ import annotations

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Django's widget templates whose whole content is `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "checkbox",
        "search",
        "tel",
        "color",
    )
)
# input_option.html: the input, wrapped in its label when `wrap_label`.
OPTION_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("input_option", "checkbox_option", "radio_option")
)
DJANGO_FORMS_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"


def attributes_html(attrs: dict) -> SafeString:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def input_html(widget: dict) -> SafeString:
    """django/forms/widgets/input.html for a widget context (`context["widget"]`)."""
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        "" if value is None else format_html(' value="{}"', str(value)),
        attributes_html(widget["attrs"]),
    )


def option_html(widget: dict) -> SafeString:
    """django/forms/widgets/input_option.html (a checkbox or radio option, label wrapped or not)."""
    if not widget.get("wrap_label"):
        return input_html(widget)
    element_id = widget["attrs"].get("id")
    # input.html ends in a newline, which the include keeps inside the label.
    return format_html(
        "<label{}>{}\n {}</label>",
        format_html(' for="{}"', element_id) if element_id else "",
        input_html(widget),
        widget["label"],
    )


class FastInputRenderer(DjangoTemplates):
    """FORM_RENDERER: the input widgets in Python, everything else through the templates."""

    def __init__(self) -> None:
        super().__init__()
        # Template name -> whether Django's own forms folder provides it (checked once).
        self._own: dict[str, bool] = {}

    def _is_djangos(self, template_name: str) -> bool:
        own = self._own.get(template_name)
        if own is None:
            origin = Path(self.get_template(template_name).origin.name).resolve()
            own = self._own[template_name] = origin.is_relative_to(DJANGO_FORMS_TEMPLATES)
        return own

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES or template_name in OPTION_TEMPLATES:
            widget = context.get("widget") if isinstance(context, dict) else None
            if widget is not None and self._is_djangos(template_name):
                return input_html(widget) if template_name in INPUT_TEMPLATES else option_html(widget)
        return super().render(template_name, context, request=request)
