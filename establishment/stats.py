"""The public figures: requests, establishments, jobs and days to a proposal, per year and municipality.

No company or person appears. A count below SMALL_COUNT is not shown (nor the jobs or the
median built on it), as NKI values on too few responses are not. Establishments add up to
the region's total, so when exactly one municipality's count is hidden in a year, the next
smallest is hidden too, or the hidden one could be worked out from the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from django.db.models.functions import ExtractYear

from brorebro.models import Municipality
from establishment.models import CaseStatus, EstablishmentRequest

SMALL_COUNT = 3


@dataclass
class Cell:
    value: float | int | None
    suppressed: bool = False


@dataclass
class Row:
    year: int
    municipality: str  # a name, or "" for the region
    requests: Cell
    established: Cell
    jobs: Cell
    median_days: Cell
    is_region: bool = False


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    small_count: int = SMALL_COUNT


def _count(n: int) -> Cell:
    return Cell(n, suppressed=0 < n < SMALL_COUNT)


def yearly_figures() -> Table:
    names = dict(Municipality.objects.in_county().values_list("pk", "name"))
    requests = EstablishmentRequest.objects.annotate(year=ExtractYear("created_at")).values_list(
        "pk",
        "year",
        "concerned_municipalities",
        "status",
        "established_municipality",
        "established_jobs",
        "created_at",
        "proposal_published_at",
    )
    per: dict[tuple[int, int | None], dict] = {}
    seen: dict[int, set[int]] = {}

    def bucket(year, pk):
        return per.setdefault((year, pk), {"requests": set(), "established": set(), "jobs": 0, "days": {}})

    for pk, year, concerned, status, est_m, jobs, created, proposed in requests:
        region = bucket(year, None)
        region["requests"].add(pk)
        days = (proposed - created).days if proposed else None
        if days is not None:
            region["days"][pk] = days
        if concerned in names:
            cell = bucket(year, concerned)
            cell["requests"].add(pk)
            if days is not None:
                cell["days"][pk] = days
        if status == CaseStatus.ESTABLISHED and est_m is not None and pk not in seen.setdefault(year, set()):
            seen[year].add(pk)
            region["established"].add(pk)
            region["jobs"] += jobs or 0
            if est_m in names:
                m_cell = bucket(year, est_m)
                m_cell["established"].add(pk)
                m_cell["jobs"] += jobs or 0

    table = Table()
    for year in sorted({y for y, _ in per}, reverse=True):
        rows = []
        for pk, name in sorted(names.items(), key=lambda item: item[1]):
            data = per.get((year, pk))
            if data is None:
                continue
            rows.append(_row(year, name, data))
        _complementary(rows)
        table.rows.append(_row(year, "", per[(year, None)], is_region=True))
        table.rows.extend(rows)
    return table


def _row(year: int, name: str, data: dict, is_region: bool = False) -> Row:
    established = _count(len(data["established"]))
    days = list(data["days"].values())
    return Row(
        year=year,
        municipality=name,
        requests=_count(len(data["requests"])),
        established=established,
        jobs=Cell(data["jobs"] if data["established"] else None, suppressed=established.suppressed),
        median_days=Cell(median(days) if days else None, suppressed=0 < len(days) < SMALL_COUNT),
        is_region=is_region,
    )


def _complementary(rows: list[Row]) -> None:
    """Establishments and jobs add up to the region's: never leave one hidden cell alone."""
    hidden = [r for r in rows if r.established.suppressed]
    if len(hidden) != 1:
        return
    shown = [r for r in rows if not r.established.suppressed and r.established.value]
    if shown:
        smallest = min(shown, key=lambda r: (r.established.value, r.municipality))
        smallest.established.suppressed = True
        smallest.jobs.suppressed = True
