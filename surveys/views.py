"""Public NKI pages: the regional trend, one municipality, and the CSV export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from brorebro.caching import public_response
from brorebro.csvexport import csv_response
from brorebro.models import Municipality
from surveys.charts import LineChart
from surveys.export import COLUMNS, NAME_COLUMNS, export_rows
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


def _export_query(area_slug: str, series) -> str:
    """The export's query string for what a page shows: its area and its lines, all years."""
    return urlencode([("authority_area", area_slug)] + [("area_code", s.key) for s in series], doseq=True)


def _method_context(results) -> dict:
    return {
        "protection": PROTECTION,
        "small_n": SMALL_N,
        "counted_by_round": counted_by_round(results.rounds),
    }


@require_GET
@public_response("surveys", "municipalities")
def index(request):
    form = TrendFilterForm(request.GET or None)
    area_slug, codes = form.filters()
    # The page shows the region and the chosen municipalities only.
    results = nki_results(codes=codes)
    series = trend_series(results, area_slug, codes)
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
        "municipality_links": [m for m in results.municipalities if m.county_code == settings.COUNTY_CODE],
        "min_n": min((r.min_n_display for r in results.rounds), default=7),
        **_method_context(results),
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
    series = trend_series(results, area_slug, [code])
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
        "min_n": latest.min_n_display if latest else 7,
        **_method_context(results),
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
    rows = export_rows(
        data["year"],
        data["area_code"],
        data["authority_area"],
        names=bool(variant),
        decimal_comma=variant == "excel",
    )
    # The portal's one CSV writer (formulas neutralised, UTF-8 with a BOM); semicolons for
    # Excel set to Swedish, where the comma is the decimal sign. The rows are computed in
    # memory, so the text is encoded once rather than streamed.
    filename = {"excel": "nki-excel.csv", "names": "nki-names.csv"}.get(variant, "nki.csv")
    delimiter = ";" if variant == "excel" else ","
    return csv_response(filename, header, rows, delimiter=delimiter, stream=False)
