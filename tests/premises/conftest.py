"""Fixtures for the premises tests: a small catalogue that every filter can pick from."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from premises.models import Kind, PremisesStatus, Tenure
from tests.premises.factories import PremisesFactory


@pytest.fixture
def premises_factory(db):
    return PremisesFactory


@pytest.fixture
def catalogue(orebro, laxa, hallsberg):
    """Four visible premises that differ in every filtered respect, plus two the public never sees.

    | ref  | where                 | kind       | m²        | terms          | available  | amenities |
    | OFF  | Örebro centre         | office     | 100       | rent 1 200     | now        | parking, fibre |
    | WH   | Hallsberg terminal    | warehouse  | 2000–5000 | rent 600       | 2027-06-01 | loading dock, rail siding, high ceiling |
    | SHOP | Laxå                  | retail     | 150       | sale 2 000 000 | 2026-01-01 | parking, step-free |
    | IND  | Örebro Törsjö         | industrial | 800–1600  | rent 750       | now        | parking, loading dock, three-phase |
    """
    now = timezone.now()
    made = {
        "OFF": PremisesFactory(
            municipality=orebro,
            external_ref="OFF",
            title="Kontor vid Järntorget",
            kind=Kind.OFFICE,
            street="Järntorgsgatan 3",
            locality="Örebro",
            lon_lat=(15.2066, 59.2741),
            area_min_m2=100,
            area_max_m2=100,
            rent_sek_per_m2_year=1200,
            description_sv="Ljust kontor i centrum.",
            has_parking=True,
            has_fibre=True,
            published_at=now - dt.timedelta(days=1),
        ),
        "WH": PremisesFactory(
            municipality=hallsberg,
            external_ref="WH",
            title="Lager vid terminalen",
            kind=Kind.WAREHOUSE,
            street="Samzonvägen 3",
            locality="Hallsberg",
            lon_lat=(15.1300, 59.0720),
            area_min_m2=2000,
            area_max_m2=5000,
            rent_sek_per_m2_year=600,
            available_from=dt.date(2027, 6, 1),
            description_sv="Lagerlokaler med spår.",
            has_loading_dock=True,
            has_rail_siding=True,
            has_high_ceiling=True,
            published_at=now - dt.timedelta(days=2),
        ),
        "SHOP": PremisesFactory(
            municipality=laxa,
            external_ref="SHOP",
            title="Butik i Laxå",
            kind=Kind.RETAIL,
            street="Postgatan 6",
            locality="Laxå",
            lon_lat=(14.6210, 58.9855),
            area_min_m2=150,
            area_max_m2=150,
            tenure=Tenure.SALE,
            rent_sek_per_m2_year=None,
            price_sek=2_000_000,
            available_from=dt.date(2026, 1, 1),
            description_sv="Butik vid torget.",
            has_parking=True,
            has_step_free=True,
            published_at=now - dt.timedelta(days=3),
        ),
        "IND": PremisesFactory(
            municipality=orebro,
            external_ref="IND",
            title="Verkstadshall i Törsjö",
            kind=Kind.INDUSTRIAL,
            street="Törsjövägen 40",
            locality="Örebro",
            lon_lat=(15.1550, 59.2265),
            area_min_m2=800,
            area_max_m2=1600,
            rent_sek_per_m2_year=750,
            description_sv="Hall med traverser.",
            has_parking=True,
            has_loading_dock=True,
            has_three_phase=True,
            published_at=now - dt.timedelta(days=4),
        ),
        # Never public: a draft, and a published listing nobody has confirmed for 200 days.
        "DRAFT": PremisesFactory(
            municipality=orebro,
            external_ref="DRAFT",
            title="Utkast",
            status=PremisesStatus.DRAFT,
            published_at=None,
            confirmed_at=None,
        ),
        "STALE": PremisesFactory(
            municipality=orebro,
            external_ref="STALE",
            title="Gammal annons",
            published_at=now - dt.timedelta(days=400),
            confirmed_at=now - dt.timedelta(days=200),
        ),
    }
    return made
