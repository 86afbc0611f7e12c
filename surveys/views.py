"""Public NKI pages: the regional trend, one municipality, and the CSV export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.forms import BoundField
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from brorebro.caching import public_response, shared
from brorebro.csvexport import csv_response
from brorebro.models import Municipality
from surveys.charts import LineChart
from surveys.export import COLUMNS, NAME_COLUMNS, export_text
from surveys.forms import ExportFilterForm, TrendFilterForm
from surveys.nki import PROTECTION
from surveys.nki import results as nki_results
from surveys.trends import (
    SMALL_N,
    area_table,
    chart_description,
    counted_by_round,
    factor_table,
    latest_round_for,
    trend_series,
    trend_table,
)


def _area_label(form: TrendFilterForm, area_slug: str) -> str:
    return dict(form.fields["area"].choices).get(area_slug, area_slug)


def _boxes(field: BoundField) -> list[tuple[str, str, str, bool]]:
    """The checkboxes of a multiple choice: (value, label, id, checked), as its widget would write them.

    Checked as the widget checks them: every value sent, also when another one was invalid.
    """
    chosen = {str(value) for value in field.value() or ()}
    return [
        (str(value), label, f"{field.auto_id}_{i}", str(value) in chosen)
        for i, (value, label) in enumerate(field.field.choices)
    ]


def _export_query(area_slug: str, series) -> str:
    """The export's query string for what a page shows: its area and its lines, all years."""
    return urlencode([("authority_area", area_slug)] + [("area_code", s.key) for s in series], doseq=True)


def _method_context(results, min_n: int) -> dict:
    """The method section (the same for every query, so rendered once per data version and language) and SMALL_N."""
    html = shared(
        ("surveys",),
        "nki-method",
        lambda: render_to_string(
            "surveys/includes/method.html",
            {"min_n": min_n, "protection": PROTECTION, "counted_by_round": counted_by_round(results)},
        ),
        get_language(),
        min_n,
    )
    return {"min_n": min_n, "small_n": SMALL_N, "method": mark_safe(html)}  # noqa: S308 - a rendered template


def _municipality_links(county: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(page URL, name) of the county's municipalities, once per data version and language."""
    return shared(
        ("municipalities",),
        "nki-municipality-links",
        lambda: [(reverse("surveys:municipality", args=[code]), name) for code, name in county],
        get_language(),
    )


@require_GET
@public_response("surveys", "municipalities")
def index(request):
    form = TrendFilterForm(request.GET or None)
    area_slug, codes = form.filters()
    # The page shows the region and the chosen municipalities only.
    results = nki_results(codes=codes)
    # The county's municipalities: the form's choices, (code, name) by name.
    county = form.fields["municipality"].choices
    series = trend_series(results, area_slug, codes, names=dict(county))
    years = [r.year for r in results.rounds]
    context = {
        "form": form,
        "area_slug": area_slug,
        "area_label": _area_label(form, area_slug),
        "series": series,
        "years": years,
        # Compared municipalities show their intervals as the region does.
        "chart": LineChart(series, years, whiskers_for=("region", "municipality")) if years else None,
        "narrow_chart": LineChart.narrow(series, years, whiskers_for=("region", "municipality"))
        if years
        else None,
        "chart_desc": chart_description(series, _area_label(form, area_slug)),
        "table_rows": trend_table(series),
        "export_query": _export_query(area_slug, series),
        "municipality_links": _municipality_links(county),
        "municipality_boxes": _boxes(form["municipality"]),
        **_method_context(results, min((r.min_n_display for r in results.rounds), default=7)),
    }
    return render(request, "surveys/index.html", context)


@require_GET
@public_response("surveys", "municipalities")
def municipality(request, code: str):
    municipality = get_object_or_404(Municipality.objects.defer("boundary"), code=code)
    form = TrendFilterForm(request.GET or None, with_municipalities=False)
    area_slug, _codes = form.filters()
    # This municipality and the region only.
    results = nki_results(codes=[code])
    latest = latest_round_for(results, code)
    area_rows, factor_rows = [], []
    if latest is not None:
        area_rows = area_table(results, code, latest)
        # Factors only for the round shown: 18 more sums per unit are not worth it for the trend.
        factor_rows = factor_table(
            nki_results(years=[latest.year], factors=True, codes=[code]), code, latest.year
        )
    years = [r.year for r in results.rounds]
    series = trend_series(results, area_slug, [code], names={code: municipality.name})
    # The municipality first: it is the subject of this page.
    series.sort(key=lambda s: s.kind != "municipality")
    context = {
        "municipality": municipality,
        "form": form,
        "area_slug": area_slug,
        "area_label": _area_label(form, area_slug),
        "latest": latest,
        "area_rows": area_rows,
        "factor_rows": factor_rows,
        "series": series,
        "years": years,
        "chart": LineChart(series, years, whiskers_for=("municipality",)) if years else None,
        "narrow_chart": LineChart.narrow(series, years, whiskers_for=("municipality",)) if years else None,
        "chart_desc": chart_description(series, _area_label(form, area_slug)),
        "table_rows": trend_table(series),
        "export_query": _export_query(area_slug, series),
        **_method_context(results, latest.min_n_display if latest else 7),
    }
    return render(request, "surveys/municipality.html", context)


@require_GET
@public_response("surveys", "municipalities")
def export_csv(request):
    form = ExportFilterForm(request.GET)
    if not form.is_valid():
        problems = "\n".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        return HttpResponse(
            _("Bad filter value.") + "\n" + problems + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    data = form.cleaned_data
    variant = data["format"]
    header = COLUMNS + (NAME_COLUMNS if variant else [])
    text = export_text(
        data["year"],
        data["area_code"],
        data["authority_area"],
        names=bool(variant),
        decimal_comma=variant == "excel",
    )
    # The portal's one CSV writer makes the response (UTF-8 with a BOM, the header);
    # semicolons for Excel set to Swedish, where the comma is the decimal sign. The rows
    # follow as the text export_text() wrote by the same rules (formulas neutralised),
    # from cells mostly formatted when the units were stored; encoded once, not streamed.
    filename = {"excel": "nki-excel.csv", "names": "nki-names.csv"}.get(variant, "nki.csv")
    delimiter = ";" if variant == "excel" else ","
    response = csv_response(filename, header, [], delimiter=delimiter, stream=False)
    response.write(text)
    return response
