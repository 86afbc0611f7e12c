"""The comparison page: up to five premises and land plots side by side.

`/<lang>/compare/?premises=1,2&land=3` shows the listings named in the query string in
one table, server-rendered, so a shared link and a browser without JavaScript give the
same page. The shortlist itself lives in the visitor's browser (static/js/shortlist.js);
this page only reads ids.

Why the core reads two apps: a comparison is the one page where premises and land plots
meet in one table, and it belongs to neither app. It reaches them through the app
registry (`apps.get_model`), never by import, so `brorebro` keeps no import of an app,
and a portal without one of the apps simply compares the other kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

# Five columns still fit a laptop screen; more would make the comparison unreadable.
MAX_LISTINGS = 5

# query parameter -> (app label, model name)
KINDS = {"premises": ("premises", "Premises"), "land": ("land", "LandPlot")}


@dataclass
class Compared:
    """One column of the comparison: a listing and which kind it is."""

    kind: str
    listing: object
    remove_query: str = ""

    @property
    def is_premises(self) -> bool:
        return self.kind == "premises"


@dataclass
class Wanted:
    """What the query string asks for, read leniently: junk is counted, never a 500."""

    ids: dict[str, list[int]]
    ignored: int = 0
    too_many: bool = False

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.ids.values())


def parse_ids(query) -> Wanted:
    """The ids per kind from `?premises=1,2&land=3` (repeated parameters work too), in order.

    At most MAX_LISTINGS in all, duplicates once; values that are not positive whole
    numbers are left out and counted, so the page can say so.
    """
    wanted = Wanted(ids={kind: [] for kind in KINDS})
    total = 0
    for kind in KINDS:
        for raw in query.getlist(kind):
            for part in raw.split(","):
                part = part.strip()
                if not part:
                    continue
                if not part.isdigit() or not 0 < int(part) < 2**31:
                    wanted.ignored += 1
                    continue
                number = int(part)
                if number in wanted.ids[kind]:
                    continue
                if total >= MAX_LISTINGS:
                    wanted.too_many = True
                    continue
                wanted.ids[kind].append(number)
                total += 1
    return wanted


def _model(kind: str):
    app_label, model_name = KINDS[kind]
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def _visible(kind: str, ids: list[int]) -> dict[int, object]:
    """The listings among `ids` that the public may see, by id."""
    model = _model(kind)
    if model is None or not ids:
        return {}
    queryset = model.objects.visible().filter(pk__in=ids).select_related("municipality")
    queryset = queryset.defer("municipality__boundary")
    if kind == "premises":
        queryset = queryset.prefetch_related("images")
    return {listing.pk: listing for listing in queryset}


def query_for(columns: list[Compared], without: Compared | None = None) -> str:
    """`premises=1,2&land=3` for the given columns, optionally leaving one out."""
    params = {}
    for kind in KINDS:
        ids = [str(c.listing.pk) for c in columns if c.kind == kind and c is not without]
        if ids:
            params[kind] = ",".join(ids)
    return urlencode(params, safe=",")


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    wanted = parse_ids(request.GET)
    columns = []
    for kind, ids in wanted.ids.items():
        found = _visible(kind, ids)
        columns += [Compared(kind, found[pk]) for pk in ids if pk in found]
    for column in columns:
        column.remove_query = query_for(columns, without=column)
    query = query_for(columns)
    try:
        # The establishment request reads the same parameters to take the shortlist along.
        establish_url = reverse("establishment:request") + (f"?from=shortlist&{query}" if query else "")
    except NoReverseMatch:  # a portal without the establishment app
        establish_url = ""
    return render(
        request,
        "brorebro/compare.html",
        {
            "columns": columns,
            "missing": wanted.count - len(columns),
            "ignored": wanted.ignored,
            "too_many": wanted.too_many,
            "max_listings": MAX_LISTINGS,
            "query": query,
            "establish_url": establish_url,
            "today": timezone.localdate(),
        },
    )
