"""Formatting for the public pages: numbers the Swedish way in sv, the English way in en."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms, template
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from brorebro.caching import rendered_cards
from brorebro.renderer import input_html
from brorebro.search import NOT_FILTERS  # no chip for these (sort sits beside the results)
from brorebro.sections import Section, all_sections

register = template.Library()


@register.filter
def num(value, decimals: int | None = None):
    """1200 → "1 200" (sv) or "1,200" (en); None → empty."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except Exception:
        return value
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 1
    return number_format(number, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


@register.filter
def hectares(area_m2):
    if area_m2 in (None, ""):
        return ""
    return num(Decimal(str(area_m2)) / Decimal(10000), 1)


# Sweden's country calling code: a number written the Swedish way ("019-21 10 00") drops
# its trunk 0 behind it, so a phone abroad dials the same office.
COUNTRY_CODE = "46"


@register.filter
def tel_href(number) -> str:
    """A phone number as a `tel:` link in international format, or "" when it has no digits.

    "019-21 10 00" → "tel:+46192110000"; "+46 19 21 10 00" and "0046 19…" → the same;
    "(0)19…" after a country code drops the (0). Spaces, dashes, dots, slashes and
    brackets are only grouping, so they go; anything else that is not a digit makes the
    number unusable as a link, so it is not linked (an empty string).
    """
    text = str(number or "").strip()
    text = text.replace("(0)", "")
    if not text or re.search(r"[^\d\s\-./()+]", text) or "+" in text[1:]:
        return ""
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    if text.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    elif digits.startswith("0"):
        international = COUNTRY_CODE + digits[1:]
    else:
        # No trunk prefix and no country code: too ambiguous to rewrite.
        international = None
    if international is None or len(international) < 7:
        return ""
    return f"tel:+{international}"


@register.simple_tag(takes_context=True)
def translated_url(context, language: str) -> str:
    """The current page, filters included, in another language.

    Built from the view the path resolved to, never from the path as it came in: a
    request for `//evil.example/sv/` would otherwise get a link to `//evil.example/en/`,
    another host. A path that resolved to nothing (a 404 for an unknown address) links
    to the home page in that language.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    with translation.override(language):
        try:
            if match is None:
                raise NoReverseMatch
            path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            path = reverse("home")
    query = request.GET.urlencode() if request is not None else ""
    return f"{path}?{query}" if query else path


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def sections() -> list[Section]:
    """The portal's sections in their order, for the main navigation."""
    return all_sections()


def _choice_labels(field: forms.Field) -> dict[str, str]:
    choices = getattr(field, "choices", None) or []
    labels = {}
    for value, label in choices:
        if isinstance(label, list | tuple):  # an option group
            labels.update({str(v): str(lbl) for v, lbl in label})
        else:
            labels[str(value)] = str(label)
    return labels


@register.inclusion_tag("includes/filter_chips.html", takes_context=True)
def filter_chips(context, form: forms.Form) -> dict:
    """The search's active filters as chips, each a link to the same search without it.

    One chip per value of a multiple choice (each municipality, each type), one per
    other filled-in field; the map area is named, not shown as coordinates. Read from the
    query string and the form's own fields and choices, so every search page gets the
    same chips without knowing its filters.
    """
    request = context["request"]
    params = request.GET
    chips = []
    for name, field in form.fields.items():
        if name in NOT_FILTERS:
            continue
        values = [value for value in params.getlist(name) if value.strip()]
        if not values:
            continue
        labels = _choice_labels(field)
        for value in dict.fromkeys(values):
            remaining = params.copy()
            for key in ("page", "partial"):
                remaining.pop(key, None)
            remaining.setlist(name, [v for v in values if v != value])
            if isinstance(field, forms.BooleanField) or isinstance(field.widget, forms.CheckboxInput):
                text = str(field.label)
            elif name == "bbox":
                text = _("Map area: the part of the map you chose")
            else:
                text = f"{field.label}: {labels.get(value, value.strip())}"
            encoded = remaining.urlencode()
            chips.append({"text": text, "url": f"?{encoded}" if encoded else request.path})
    clear = params.copy()
    for name in list(clear):
        if name not in NOT_FILTERS or name in ("page", "partial"):
            clear.pop(name)
    encoded = clear.urlencode()
    return {"chips": chips, "clear_url": f"?{encoded}" if encoded else request.path}


@register.simple_tag
def widget_in_form(bound_field: forms.BoundField, form_id: str) -> str:
    """A field's widget that belongs to the form `form_id` while it stands outside it
    (the sort control beside the results), with the usual id and error description."""
    attrs = {"form": form_id}
    if bound_field.errors:
        attrs["aria-describedby"] = f"{bound_field.auto_id}_error"
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag
def choice_items(bound_field: forms.BoundField) -> str:
    """The options of a checkbox or radio group as `<li><input …> <label …>…</label></li>`.

    The same markup as `{% for box in field %}{{ box.tag }} <label for=…>…</label>{% endfor %}`,
    built in Python (brorebro.renderer): a search form has some fifty options, and looping
    over them in the template was a large part of a cold search's time (issue 15).
    """
    return format_html_join(
        "",
        '<li>{} <label for="{}">{}</label></li>',
        ((input_html(box.data), box.id_for_label, box.data["label"]) for box in bound_field.subwidgets),
    )


@register.simple_tag
def result_cards(objects, template_name: str, name: str, kinds: str, vary: str = "", **context) -> str:
    """The result list's cards, each rendered once per listing and data version (caching.rendered_cards).

    `kinds`: the data kinds a card shows, space-separated; `vary`: attributes of a listing
    that the query adds (a distance); `context`: everything else the card template reads.
    """
    cards = rendered_cards(tuple(kinds.split()), template_name, name, objects, context, tuple(vary.split()))
    return format_html_join("", "{}", ((card,) for card in cards))
