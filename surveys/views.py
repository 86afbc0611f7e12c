"""Public NKI pages: the regional trend, one municipality, and the CSV export."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from brorebro.models import Municipality
from surveys.charts import LineChart
from surveys.export import COLUMNS, export_rows
from surveys.forms import ExportFilterForm, TrendFilterForm
from surveys.nki import compute
from surveys.trends import (
    area_table,
    chart_description,
    factor_table,
    latest_round_for,
    trend_series,
    trend_table,
)


def _area_label(form: TrendFilterForm, area_slug: str) -> str:
    return dict(form.fields["area"].choices).get(area_slug, area_slug)


@require_GET
def index(request):
    form = TrendFilterForm(request.GET or None)
    area_slug, codes = form.filters()
    # The page shows the region and the chosen municipalities only.
    results = compute(codes=codes)
    series = trend_series(results, area_slug, codes)
    years = [r.year for r in results.rounds]
    context = {
        "form": form,
        "area_slug": area_slug,
        "area_label": _area_label(form, area_slug),
        "series": series,
        "chart": LineChart(series, years) if years else None,
        "chart_desc": chart_description(series, _area_label(form, area_slug)),
        "table_rows": trend_table(series),
        "municipality_links": [m for m in results.municipalities if m.county_code == settings.COUNTY_CODE],
        "min_n": min((r.min_n_display for r in results.rounds), default=7),
    }
    return render(request, "surveys/index.html", context)


@require_GET
def municipality(request, code: str):
    municipality = get_object_or_404(Municipality.objects.defer("boundary"), code=code)
    form = TrendFilterForm(request.GET or None, with_municipalities=False)
    area_slug, _codes = form.filters()
    # This municipality and the region only.
    results = compute(codes=[code])
    latest = latest_round_for(results, code)
    area_rows, factor_rows = [], []
    if latest is not None:
        area_rows = area_table(results, code, latest)
        # Factors only for the round shown: 18 more sums per unit are not worth it for the trend.
        factor_rows = factor_table(
            compute(years=[latest.year], factors=True, codes=[code]), code, latest.year
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
        "chart": LineChart(series, years, whiskers_for=("municipality",)) if years else None,
        "chart_desc": chart_description(series, _area_label(form, area_slug)),
        "table_rows": trend_table(series),
        "min_n": latest.min_n_display if latest else 7,
    }
    return render(request, "surveys/municipality.html", context)


@require_GET
def export_csv(request):
    form = ExportFilterForm(request.GET)
    if not form.is_valid():
        problems = "\n".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        return HttpResponse(
            _("Bad filter value.") + "\n" + problems + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    # Written to a string and encoded once: csv.writer on the response itself would
    # encode each of the ~30,000 rows on its own (a third of the export's Python time).
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    data = form.cleaned_data
    writer.writerows(export_rows(data["year"], data["area_code"], data["authority_area"]))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nki.csv"'
    return response
