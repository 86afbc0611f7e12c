"""Public views of premises: search (list + map), GeoJSON, CSV export and the detail page.

All three listings run the same `PremisesFilterSet` over `Premises.objects.visible()`.
"""

from __future__ import annotations

import json

from django import forms
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from brorebro.caching import public_response
from brorebro.inquiries import InquiryForm, handle_inquiry
from brorebro.search import (
    ZoomField,
    invalid_search_csv,
    invalid_search_json,
    result_page,
    search_key,
    wants_partial,
)
from brorebro.spatial import BBoxField
from premises.export import export_response
from premises.filters import PremisesFilterSet
from premises.geojson import feature_collection
from premises.models import Kind, Premises

# The data a search answer depends on (the keys of its shared responses and values).
CACHE_KINDS = PremisesFilterSet.cache_kinds


def _filterset(request) -> PremisesFilterSet:
    return PremisesFilterSet(request.GET, queryset=Premises.objects.visible())


@require_GET
@public_response(*CACHE_KINDS)
def search(request):
    filterset = _filterset(request)
    page = page_range = None
    if filterset.is_valid():
        # The number of hits is shared by every page and order of the same search.
        page, page_range = result_page(request, filterset.qs.for_cards(), count=filterset.count())
    context = {
        "form": filterset.form,
        "page": page,
        "page_range": page_range,
        "ways_out": filterset.ways_out() if page is not None and not page.paginator.count else [],
        "today": timezone.localdate(),
        "geojson_url": reverse("premises_api:geojson"),
        "kind_labels_json": json.dumps({key: str(label) for key, label in Kind.choices}),
    }
    template = "premises/_results.html" if wants_partial(request) else "premises/index.html"
    response = render(request, template, context)
    # Tells the page script whether to show these results or reload to show the errors.
    response["X-Search-Valid"] = "1" if page is not None else "0"
    return response


class MapForm(forms.Form):
    """How the map asks (not what it asks for): zoom level and the part on screen."""

    zoom = ZoomField()
    view = BBoxField(required=False)


@require_GET
@public_response(*CACHE_KINDS)
def geojson(request):
    filterset = _filterset(request)
    map_form = MapForm(request.GET)
    if not filterset.is_valid() or not map_form.is_valid():
        return invalid_search_json(filterset, map_form)
    detail_url = request.build_absolute_uri(reverse("premises:detail", args=[0]))
    return JsonResponse(
        feature_collection(
            filterset.qs,
            map_form.cleaned_data["zoom"],
            detail_url,
            map_form.cleaned_data["view"],
            shared_as=(CACHE_KINDS, search_key(filterset.form)),
        )
    )


@require_GET
@public_response(*CACHE_KINDS)
def export_csv(request):
    filterset = _filterset(request)
    if not filterset.is_valid():
        return invalid_search_csv(filterset)
    return export_response(filterset.qs, request.build_absolute_uri(reverse("premises:detail", args=[0])))


def _get_visible(pk: int) -> Premises:
    premises = (
        Premises.objects.visible()
        .with_wgs84()
        .select_related("municipality")
        .defer("municipality__boundary")
        .filter(pk=pk)
        .first()
    )
    if premises is None:
        raise Http404(_("No such premises is on offer."))
    return premises


@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    premises = _get_visible(pk)
    if request.method == "POST":
        form, sent = handle_inquiry(request, premises)
        if sent:
            return redirect(premises.get_absolute_url())
    else:
        form = InquiryForm()
    return render(
        request,
        "premises/detail.html",
        {
            "premises": premises,
            "photos": list(premises.images.all()),
            "inquiry_form": form,
            "inquiry_action": premises.get_absolute_url(),
            "today": timezone.localdate(),
        },
    )
