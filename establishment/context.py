"""Context per candidate municipality: NKI, the recruitment situation and the programmes.

Read-only use of the survey and skills apps, through their own rules: `surveys.nki.results`
and `surveys.trends` for the latest NKI with its interval (suppression included), the figure
the municipality's NKI page shows, read from the stored units the NKI pages read (the survey
app recomputes them when its data has changed) rather than aggregated from the responses
per request; the newest Yrkesbarometer period for the county
(`ShortageAssessment.objects.latest_period`), and the current public programmes
(`Programme.objects.public().current()`). A fixed number of queries whatever the number of
municipalities.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from brorebro.models import Municipality
from skills.models import REGION_COUNTY, Occupation, Programme, ShortageAssessment
from surveys.nki import TOTAL
from surveys.nki import results as nki_results
from surveys.trends import TrendPoint, latest_round_for, point_from_estimate


@dataclass
class MunicipalityContext:
    municipality: Municipality
    nki: TrendPoint | None
    nki_year: int | None
    programmes: list[Programme] = field(default_factory=list)


@dataclass
class Context:
    municipalities: list[MunicipalityContext]
    assessments: list[tuple[Occupation, ShortageAssessment | None]]
    period: str | None


def municipality_context(municipality_ids, occupations: list[Occupation]) -> Context:
    municipalities = list(
        Municipality.objects.filter(pk__in=municipality_ids).defer("boundary").order_by("name")
    )
    codes = [m.code for m in municipalities]
    results = nki_results(codes=codes) if codes else None
    period = ShortageAssessment.objects.latest_period(REGION_COUNTY)
    found = {}
    if period and occupations:
        found = {
            a.occupation_id: a
            for a in ShortageAssessment.objects.filter(
                occupation__in=occupations, region_code=REGION_COUNTY, period=period
            )
        }
    programmes: dict[int, list[Programme]] = {m.pk: [] for m in municipalities}
    if occupations and municipalities:
        current = (
            Programme.objects.public()
            .current()
            .filter(occupations__in=occupations, municipalities__in=municipalities)
            .distinct()
            .prefetch_related(Prefetch("municipalities", queryset=Municipality.objects.defer("boundary")))
            .order_by("start_date", "pk")
        )
        for programme in current:
            for m in programme.municipalities.all():
                if m.pk in programmes:
                    programmes[m.pk].append(programme)
    rows = []
    for m in municipalities:
        point, year = None, None
        if results is not None:
            latest = latest_round_for(results, m.code)
            if latest is not None:
                unit = results.get(latest.year, m.code, TOTAL)
                point, year = point_from_estimate(latest.year, unit.estimate if unit else None), latest.year
        rows.append(MunicipalityContext(m, point, year, programmes[m.pk]))
    return Context(rows, [(o, found.get(o.pk)) for o in occupations], period)
