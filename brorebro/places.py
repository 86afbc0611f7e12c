"""Places by name for the searches' "Near" field: municipalities, localities and landmarks.

"Near" takes a place name as well as `latitude,longitude`. A name is looked up among
- the county's municipalities (a point on the municipality's surface, once its boundary is loaded);
- the gazetteer (`brorebro.models.Place`, SCB's tätorter loaded by `import_places`);
- the sources the apps register in their AppConfig.ready() (`register_source`): the
  localities of the visible premises, and the transport landmarks ("E20 Blacksta",
  "Örebro kombiterminal"). So `brorebro` never imports an app, as with `sections`.

Matching ignores accents and case with the free-text search's own normalisation
(`brorebro.textsearch.fold`): "orebro" is "Örebro". A name that is exactly one place
is that place; when several places share the name, a landmark or a locality is taken
before a municipality ("Örebro" is the town, "Örebro (Municipality)" the municipality);
two localities of the same name in different municipalities are ambiguous, and the
message lists them as the suggestions write them, with the municipality. A part of a
name that fits one place only is that place ("Blacksta"). The suggestions (`suggest`,
served as JSON by `suggest_view` for the page script) write each place as its `label`,
which the lookup recognises whatever language the page was in.

Everything here is a few small queries: the gazetteer is filtered in the database by
the folded name, the other sources have tens or hundreds of rows.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Point
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from brorebro.spatial import ST_X, ST_Y, WGS84, LatLonField, transformed
from brorebro.textsearch import fold

# Preference when several places have the name that was typed: lower wins.
LANDMARK_RANK, LOCALITY_RANK, MUNICIPALITY_RANK = 0, 1, 2
MAX_SUGGESTIONS = 8
MAX_NAME_LENGTH = 120
# Shortest folded text that the suggestions answer; shorter matches half the county.
MIN_SUGGEST_LENGTH = 2

_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)\s*$")
_LAT_LON = re.compile(r"^\s*[-+]?\d+(\.\d+)?\s*,\s*[-+]?\d+(\.\d+)?\s*$")


@dataclass(frozen=True)
class Candidate:
    """One place a name can mean. `x`, `y` are in settings.SRID (metres)."""

    name: str
    kind: str  # "municipality", "locality" or a landmark kind
    kind_label: str
    municipality: str
    x: float
    y: float
    rank: int
    # Among localities of the same name and municipality, the lowest source_rank is kept:
    # the gazetteer's official point before the mean of the listings in that locality.
    source_rank: int = 0

    @property
    def label(self) -> str:
        """The place as the suggestions write it: unique, and understood by `resolve`."""
        if self.municipality and self.kind != "municipality":
            return f"{self.name} ({self.kind_label}, {self.municipality})"
        return f"{self.name} ({self.kind_label})"

    @property
    def folded(self) -> str:
        return fold(self.name)

    @property
    def point(self) -> Point:
        return Point(self.x, self.y, srid=settings.SRID)


Source = Callable[[], Iterable[Candidate]]
_sources: list[Source] = []


def register_source(source: Source) -> None:
    """Add a source of places (called from an app's AppConfig.ready())."""
    if source not in _sources:
        _sources.append(source)


def locality(name: str, municipality: str, x: float, y: float, source_rank: int = 0) -> Candidate:
    return Candidate(name, "locality", str(_("Locality")), municipality, x, y, LOCALITY_RANK, source_rank)


def landmark(name: str, kind: str, kind_label: str, x: float, y: float) -> Candidate:
    return Candidate(name, kind, str(kind_label), "", x, y, LANDMARK_RANK)


# --- where the names come from
def _municipalities() -> list[Candidate]:
    from brorebro.models import Municipality

    rows = (
        Municipality.objects.in_county()
        .filter(boundary__isnull=False)
        .annotate(_spot=PointOnSurface("boundary"))
        .annotate(_x=ST_X("_spot"), _y=ST_Y("_spot"))
        .values_list("name", "_x", "_y")
    )
    label = str(_("Municipality"))
    return [Candidate(name, "municipality", label, name, x, y, MUNICIPALITY_RANK) for name, x, y in rows]


def _gazetteer(folded: str | None) -> list[Candidate]:
    from brorebro.models import Place

    places = Place.objects.all()
    if folded is not None:
        places = places.filter(name_folded__contains=folded)
    rows = places.annotate(_x=ST_X("location"), _y=ST_Y("location")).values_list(
        "name", "municipality__name", "_x", "_y"
    )
    return [locality(name, municipality or "", x, y) for name, municipality, x, y in rows]


def candidates(folded: str | None = None) -> list[Candidate]:
    """Every place whose folded name contains `folded` (all places when None), duplicates removed."""
    found = _gazetteer(folded) + _municipalities()
    for source in _sources:
        found.extend(source())
    if folded is not None:
        found = [c for c in found if folded in c.folded]
    kept: dict[tuple, Candidate] = {}
    for candidate in sorted(found, key=lambda c: c.source_rank):
        key = (candidate.kind, candidate.folded, fold(candidate.municipality))
        kept.setdefault(key, candidate)
    return list(kept.values())


def _score(candidate: Candidate, folded: str) -> int | None:
    """How well a folded query fits: 0 the whole name, 1 its start, 2 a word's start, 3 inside."""
    name = candidate.folded
    if name == folded:
        return 0
    if name.startswith(folded):
        return 1
    if any(word.startswith(folded) for word in name.split()):
        return 2
    if len(folded) >= 3 and folded in name:
        return 3
    return None


def _ranked(found: list[Candidate], folded: str) -> list[tuple[int, Candidate]]:
    scored = [(_score(c, folded), c) for c in found]
    return sorted(
        ((score, c) for score, c in scored if score is not None),
        key=lambda pair: (pair[0], pair[1].rank, pair[1].folded, fold(pair[1].municipality)),
    )


# --- the three questions: suggestions, the place a text means, and the form field
def suggest(text: str, limit: int = MAX_SUGGESTIONS) -> list[Candidate]:
    """The places that `text` (being typed) may mean, best first."""
    folded = fold(text[:MAX_NAME_LENGTH])
    if len(folded) < MIN_SUGGEST_LENGTH:
        return []
    return [c for _score, c in _ranked(candidates(folded), folded)][:limit]


class PlaceNotFound(Exception):
    def __init__(self, text: str, close: list[Candidate] | None = None):
        super().__init__(text)
        self.text = text
        self.close = close or []


class AmbiguousPlace(PlaceNotFound):
    pass


def resolve(text: str) -> Candidate:
    """The one place `text` means, or PlaceNotFound / AmbiguousPlace with the close matches."""
    text = text.strip()[:MAX_NAME_LENGTH]
    qualifier = _PARENTHESIS.search(text)
    name = _PARENTHESIS.sub("", text) if qualifier else text
    folded = fold(name)
    if not folded:
        raise PlaceNotFound(text)
    ranked = _ranked(candidates(folded), folded)
    exact = [c for score, c in ranked if score == 0]
    if exact:
        if qualifier:
            # "Berga (Locality, Kumla)": the words in brackets narrow it down, in any language.
            words = set(fold(qualifier.group(1)).split())
            narrowed = [c for c in exact if _qualifies(c, words)]
            exact = narrowed or exact
        best = min(c.rank for c in exact)
        top = [c for c in exact if c.rank == best]
        if len(top) == 1:
            return top[0]
        raise AmbiguousPlace(text, top)
    partial = [c for _score, c in ranked]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise AmbiguousPlace(text, partial[:MAX_SUGGESTIONS])
    raise PlaceNotFound(text, _close_matches(folded))


def _qualifies(candidate: Candidate, words: set[str]) -> bool:
    """Whether the words in brackets fit: a locality's municipality, else the kind (page language or English)."""
    if candidate.municipality and candidate.kind != "municipality":
        return set(fold(candidate.municipality).split()) <= words
    kind_words = set(fold(candidate.kind_label).split()) | set(candidate.kind.split("_"))
    if candidate.kind == "municipality":
        # A link copied from the other language says "(Kommun)" or "(Municipality)".
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                kind_words |= set(fold(str(_("Municipality"))).split())
    return bool(words & kind_words)


def _close_matches(folded: str) -> list[Candidate]:
    """Places whose names look like a misspelling of `folded` ("hallsbreg" → Hallsberg)."""
    every = candidates()
    names = difflib.get_close_matches(folded, {c.folded for c in every}, n=5, cutoff=0.75)
    return [c for name in names for c in every if c.folded == name][:5]


class PlaceField(LatLonField):
    """A place name (see `resolve`) or `latitude,longitude` → a Point in settings.SRID."""

    default_error_messages = {
        **LatLonField.default_error_messages,
        "unknown": _(
            "No place called “%(text)s” is known. Check the spelling, choose one of the suggestions, "
            "or give latitude,longitude, e.g. 59.27,15.21."
        ),
        "close": _("No place called “%(text)s” is known. Did you mean: %(places)s?"),
        "ambiguous": _(
            "“%(text)s” can mean several places: %(places)s. Write the one you mean as it is written here."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_NAME_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = forms.CharField.to_python(self, value)
        if not text:
            return None
        if _LAT_LON.match(text):
            return super().to_python(text)
        try:
            return resolve(text).point
        except AmbiguousPlace as exc:
            raise forms.ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"text": exc.text[:60], "places": "; ".join(c.label for c in exc.close)},
            ) from None
        except PlaceNotFound as exc:
            if exc.close:
                raise forms.ValidationError(
                    self.error_messages["close"],
                    code="close",
                    params={"text": exc.text[:60], "places": "; ".join(c.label for c in exc.close)},
                ) from None
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"text": exc.text[:60]}
            ) from None


class PlaceFilter(django_filters.Filter):
    """The "Near" filter of a search: a place name or a position (`PlaceField`).

    The text input names the suggestion endpoint, which `static/js/place-autocomplete.js`
    reads; without JavaScript the name is matched when the form is sent.
    """

    field_class = PlaceField

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "data-place-suggest": reverse_lazy("place_suggest"),
                    "data-text-list": _("Places"),
                    "data-text-count": _("%(n)s places found. Use the arrow keys to choose one."),
                    "data-text-none": _("No place by that name."),
                    "data-text-picked": _("Chosen:"),
                }
            ),
        )
        super().__init__(**kwargs)


# --- the suggestions, for the page script
def _safe_json(data) -> str:
    """JSON that stays inert even if a client mistook it for HTML (<, > and & escaped)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@require_GET
def suggest_view(request: HttpRequest) -> HttpResponse:
    """`?q=kumla` → {"places": [{"label", "name", "kind", "municipality", "lat", "lon"}, …]}.

    At most MAX_SUGGESTIONS places, nothing under MIN_SUGGEST_LENGTH letters, and
    cacheable for five minutes, so typing costs little.
    """
    found = suggest(request.GET.get("q", ""))
    points = [transformed(c.point, WGS84) for c in found]
    body = {
        "places": [
            {
                "label": c.label,
                "name": c.name,
                "kind": c.kind_label,
                "municipality": c.municipality,
                "lat": round(p.y, 5),
                "lon": round(p.x, 5),
            }
            for c, p in zip(found, points, strict=True)
        ]
    }
    response = HttpResponse(_safe_json(body), content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
