"""Factories for the core models. App factories live in tests/<app>/factories.py."""

from __future__ import annotations

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Polygon

from brorebro.models import Municipality, Officer

# Real codes and names; the rest of the county is in fixtures/municipalities.json.
MUNICIPALITIES = {
    "1880": "Örebro",
    "1860": "Laxå",
    "1861": "Hallsberg",
    "1881": "Kumla",
    "1883": "Karlskoga",
    "1885": "Lindesberg",
    "1814": "Lekeberg",
    "1862": "Degerfors",
}


def square(east: float, north: float, side: float) -> MultiPolygon:
    """A square in SWEREF 99 TM with its south-west corner at (east, north)."""
    poly = Polygon.from_bbox((east, north, east + side, north + side))
    return MultiPolygon(poly, srid=settings.SRID)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n:04d}")
    name = factory.LazyAttribute(lambda o: MUNICIPALITIES.get(o.code, f"Kommun {o.code}"))
    slug = factory.LazyAttribute(lambda o: f"kommun-{o.code}")
    county_code = "18"
    member = True
    office_email = factory.LazyAttribute(lambda o: f"naringsliv@{o.code}.example.se")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.se")
    password = factory.django.Password("correct horse battery staple")


def make_officer(*municipalities: Municipality, username: str | None = None, regional: bool = False):
    """A staff user in the Officers group, scoped to `municipalities` (or regional)."""
    from brorebro.management.commands.create_officer import officer_group

    user = UserFactory(username=username or f"officer{Officer.objects.count() + 1}", is_staff=True)
    user.groups.add(officer_group())
    officer = Officer.objects.create(user=user, is_regional_admin=regional)
    officer.municipalities.set(municipalities)
    return user
