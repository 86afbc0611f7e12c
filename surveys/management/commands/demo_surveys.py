"""manage.py demo_surveys: synthetic survey responses and a synthetic national series.

Deterministic (a seeded random generator) and safe to run again: a round that already
has responses is left alone, so real imported data is never touched. The numbers are
invented to resemble the real story (the region's NKI rose about three units since
2011 and ends just above the national average); they are labelled as synthetic.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from brorebro.models import Municipality
from surveys.models import FACTOR_FIELDS, NKI_FIELDS, AuthorityArea, PublishedResult, Response, SurveyRound

YEARS = list(range(2011, 2026, 2))
SOURCE = "Demo: SKR Insikt (syntetisk)"

# Relative number of cases per municipality (roughly by size) and per area.
MUNICIPALITY_WEIGHT = {
    "1880": 1.0,
    "1883": 0.38,
    "1885": 0.32,
    "1881": 0.3,
    "1861": 0.24,
    "1882": 0.18,
    "1884": 0.16,
    "1814": 0.14,
    "1862": 0.14,
    "1863": 0.1,
    "1860": 0.09,
    "1864": 0.08,
}
AREA_CASES = {
    "bygglov": 120,
    "miljo_halsoskydd": 90,
    "livsmedelskontroll": 75,
    "brandskydd": 48,
    "serveringstillstand": 28,
    "markupplatelse": 22,
}
# NKI points above or below the year's level, per area (building permits are hardest to please).
AREA_EFFECT = {
    "bygglov": -4.0,
    "miljo_halsoskydd": 0.5,
    "livsmedelskontroll": 4.0,
    "brandskydd": 5.0,
    "serveringstillstand": 2.0,
    "markupplatelse": 1.0,
}
# Areas that municipalities may measure from 2024 (never in the total): cases per year
# in Örebro and the NKI effect, as for the areas above. Not every municipality measures them.
AREAS_FROM_2024 = {
    "receptfria_lakemedel": (12, 3.0),
    "lantmateri": (30, -2.5),
    "folkol_tobak": (10, 4.5),
}
# The region's level per year: about three units up over the period.
REGION_LEVEL = dict(zip(YEARS, [68.6, 68.9, 69.0, 69.6, 70.1, 70.4, 71.0, 71.6], strict=True))
# The invented national average: also rising, ending just below the region.
NATIONAL_TOTAL = dict(zip(YEARS, [68.0, 68.0, 68.4, 68.9, 69.1, 69.4, 69.7, 70.0], strict=True))
NATIONAL_AREA_OFFSET = {
    "bygglov": -3.5,
    "miljo_halsoskydd": 0.8,
    "livsmedelskontroll": 3.6,
    "brandskydd": 5.2,
    "serveringstillstand": 2.4,
    "markupplatelse": 0.9,
}


class Command(BaseCommand):
    help = "Load synthetic survey rounds 2011–2025 with responses, and a synthetic national average."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2011)
        parser.add_argument(
            "--multiplier",
            type=int,
            default=1,
            help="multiply the number of responses per unit (for benchmarks)",
        )

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        multiplier = max(1, options["multiplier"])
        municipalities = list(Municipality.objects.filter(code__in=MUNICIPALITY_WEIGHT).order_by("code"))
        if not municipalities:
            self.stderr.write(
                "No municipalities: run `manage.py load_demo` (or loaddata municipalities) first."
            )
            return
        areas = list(AuthorityArea.objects.filter(slug__in=AREA_CASES).order_by("order"))
        # Fixed per-municipality differences, drawn first so they do not depend on what exists.
        municipality_effect = {m.code: rng.gauss(0, 2.5) for m in municipalities}
        created = 0
        with transaction.atomic():
            for year in YEARS:
                survey_round, _new = SurveyRound.objects.get_or_create(
                    year=year, defaults={"label": f"Insikt {year}", "notes": "Syntetiska demodata."}
                )
                year_rng = random.Random(f"{options['seed']}-{year}")
                if survey_round.responses.exists():
                    continue
                batch = []
                for municipality in municipalities:
                    for area in areas:
                        n = (
                            round(
                                AREA_CASES[area.slug]
                                * MUNICIPALITY_WEIGHT[municipality.code]
                                * year_rng.uniform(0.7, 1.3)
                            )
                            * multiplier
                        )
                        level = (
                            REGION_LEVEL[year]
                            + municipality_effect[municipality.code]
                            + AREA_EFFECT[area.slug]
                            + year_rng.gauss(0, 1.0)
                        )
                        batch.extend(
                            self.response(year_rng, survey_round, municipality, area, level)
                            for _i in range(max(n, 2))
                        )
                if year >= 2024:
                    # A generator of its own, so the six original areas keep their numbers.
                    new_rng = random.Random(f"{options['seed']}-{year}-new-areas")
                    new_areas = AuthorityArea.objects.filter(slug__in=AREAS_FROM_2024).order_by("order")
                    for municipality in municipalities:
                        for area in new_areas:
                            if new_rng.random() < 0.4:
                                continue  # this municipality does not measure the area
                            cases, effect = AREAS_FROM_2024[area.slug]
                            n = round(
                                cases * MUNICIPALITY_WEIGHT[municipality.code] * new_rng.uniform(0.7, 1.3)
                            )
                            level = REGION_LEVEL[year] + municipality_effect[municipality.code] + effect
                            batch.extend(
                                self.response(new_rng, survey_round, municipality, area, level)
                                for _i in range(max(n * multiplier, 2))
                            )
                Response.objects.bulk_create(batch, batch_size=5000)
                created += len(batch)
            for year, value in NATIONAL_TOTAL.items():
                self.publish(year, None, value)
                for area in areas:
                    self.publish(year, area, value + NATIONAL_AREA_OFFSET[area.slug])
        self.stdout.write(f"Survey demo: {created} responses created in {len(YEARS)} rounds (synthetic).")

    @staticmethod
    def response(rng: random.Random, survey_round: SurveyRound, municipality, area, level: float) -> Response:
        top = survey_round.scale_max
        # A company's overall impression on the answer scale; each answer scatters around it.
        latent = 1 + level / 100 * (top - 1) + rng.gauss(0, 0.95)

        def answer(spread: float, shift: float = 0.0) -> int:
            return min(top, max(1, round(latent + shift + rng.gauss(0, spread))))

        values = {name: answer(0.45) for name in NKI_FIELDS}
        if rng.random() < 0.06:  # some leave one NKI question unanswered
            values[rng.choice(NKI_FIELDS)] = None
        for name in FACTOR_FIELDS:
            values[name] = answer(0.6, rng.uniform(-0.15, 0.15)) if rng.random() < 0.9 else None
        return Response(round=survey_round, municipality=municipality, area=area, **values)

    @staticmethod
    def publish(year: int, area, value: float) -> None:
        PublishedResult.objects.update_or_create(
            year=year,
            area_code=PublishedResult.SWEDEN,
            authority_area=area,
            defaults={"value": Decimal(str(round(value, 1))), "source": SOURCE, "n": None},
        )
