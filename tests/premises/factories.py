"""Factories for premises. Positions are given in WGS84 and stored in settings.SRID."""

from __future__ import annotations

import factory
from django.utils import timezone

from brorebro.spatial import wgs84_point
from premises.models import Kind, Premises, PremisesStatus, Tenure
from tests.factories import MunicipalityFactory

# Central Örebro: a position inside the municipality, for tests that do not care where.
OREBRO_LON_LAT = (15.2066, 59.2741)


class PremisesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Premises
        skip_postgeneration_save = True

    class Params:
        lon_lat = OREBRO_LON_LAT

    municipality = factory.SubFactory(MunicipalityFactory, code="1880")
    external_ref = factory.Sequence(lambda n: f"REF-{n:05d}")
    title = factory.Sequence(lambda n: f"Kontor {n}")
    kind = Kind.OFFICE
    street = "Drottninggatan 1"
    postal_code = "702 10"
    locality = "Örebro"
    location = factory.LazyAttribute(lambda o: wgs84_point(*o.lon_lat))
    area_min_m2 = 100
    area_max_m2 = factory.LazyAttribute(lambda o: o.area_min_m2)
    tenure = Tenure.RENT
    rent_sek_per_m2_year = 1200
    price_sek = None
    description_sv = "Ljust kontor nära centrum."
    contact_name = "Anna Andersson"
    contact_email = "anna@example.se"
    status = PremisesStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)
