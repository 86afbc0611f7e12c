"""`manage.py demo_premises`: realistic listings in all twelve municipalities, safe to run again."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from premises.models import Kind, Premises, PremisesStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(county):
    call_command("demo_premises", verbosity=0)


def test_demo_covers_every_municipality_with_a_spread_of_kinds(demo, county):
    premises = Premises.objects.all()
    assert premises.count() >= 40
    per_municipality = Counter(premises.values_list("municipality__code", flat=True))
    assert set(per_municipality) == set(county)
    assert set(premises.values_list("kind", flat=True)) == set(Kind.values)
    assert premises.exclude(description_en="").count() >= 10
    assert premises.filter(tenure="sale").exists() and premises.filter(tenure="rent").exists()
    assert premises.filter(kind=Kind.WAREHOUSE, municipality__code__in=["1880", "1861", "1881"]).count() >= 3


def test_demo_is_mostly_public_with_a_few_drafts(demo):
    visible = Premises.objects.visible().count()
    assert visible >= 35
    assert Premises.objects.filter(status=PremisesStatus.DRAFT).count() >= 2
    assert Premises.objects.needs_confirmation().exists()  # something for the freshness flag to show


def test_demo_listings_have_photos_with_alt_text(demo):
    for premises in Premises.objects.all():
        photos = list(premises.images.all())
        assert len(photos) == 3  # façade, inside, floor plan (tests/premises/test_gallery.py)
        assert all(photo.alt_text_sv and photo.alt_text_en and photo.thumbnail for photo in photos)


def test_demo_can_run_again_without_duplicates(demo):
    before = Premises.objects.count()
    call_command("demo_premises", verbosity=0)
    assert Premises.objects.count() == before
    assert all(p.images.count() == 3 for p in Premises.objects.all())


def test_demo_points_lie_inside_their_municipality(county_with_boundaries):
    call_command("demo_premises", verbosity=0)  # the importer checks each point against the boundary
    outside = [
        p.external_ref
        for p in Premises.objects.select_related("municipality")
        if not p.municipality.contains(p.location)
    ]
    assert outside == []
