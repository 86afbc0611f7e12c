"""The demo data tells the intended story; the chart keeps its labels apart."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command

from surveys.charts import LineChart
from surveys.models import PublishedResult, Response
from surveys.nki import REGION, TOTAL, compute
from surveys.trends import TrendPoint, TrendSeries


def test_demo_is_deterministic_idempotent_and_tells_the_story(county):
    call_command("demo_surveys", verbosity=0)
    count = Response.objects.count()
    first = compute()
    call_command("demo_surveys", verbosity=0)
    assert Response.objects.count() == count  # nothing added the second time

    start = first.get(2011, REGION, TOTAL).estimate.value
    end = first.get(2025, REGION, TOTAL).estimate.value
    national = PublishedResult.objects.national().get(year=2025, authority_area__isnull=True)
    assert 2 <= end - start <= 4
    assert 0 < end - float(national.value) < 2
    assert "syntetisk" in national.source
    units = [u for u in first if u.area_code != REGION]
    assert any(u.estimate.suppressed for u in units)
    assert sum(not u.estimate.suppressed for u in units) > len(units) / 2
    assert {u.year for u in first} == set(range(2011, 2026, 2))


def test_demo_is_the_same_every_time(county):
    call_command("demo_surveys", verbosity=0)
    before = compute().get(2019, "1880", "bygglov").estimate.mean
    Response.objects.all().delete()
    call_command("demo_surveys", verbosity=0)
    assert compute().get(2019, "1880", "bygglov").estimate.mean == before


def _series(key, kind, value):
    return TrendSeries(
        key, key, kind, [TrendPoint(year=y, value=Decimal(value), exact=value, n=50) for y in (2021, 2023)]
    )


def test_line_labels_never_overlap_and_styles_differ():
    series = [
        _series("region", "region", 70.0),
        _series("0000", "national", 70.1),
        _series("1880", "municipality", 69.9),
        _series("1860", "municipality", 70.05),
    ]
    chart = LineChart(series, [2021, 2023])
    ys = sorted(s.label_y for s in chart.plotted)
    assert all(b - a >= 17 for a, b in zip(ys, ys[1:], strict=False))
    assert len({(s.dash, s.shape) for s in chart.plotted}) == 4
    assert chart.y_min <= 69.9 and chart.y_max >= 70.1


def test_suppressed_points_leave_a_gap():
    points = [
        TrendPoint(2019, Decimal(70), 70.0, 20),
        TrendPoint(2021, None, None, 3, suppressed=True),
        TrendPoint(2023, Decimal(72), 72.0, 20),
        TrendPoint(2025, Decimal(73), 73.0, 20),
    ]
    chart = LineChart([TrendSeries("1860", "Laxå", "municipality", points)], [2019, 2021, 2023, 2025])
    plotted = chart.plotted[0]
    assert len(plotted.points) == 3
    assert len(plotted.paths) == 1  # 2019 stands alone; 2023–2025 is one segment
