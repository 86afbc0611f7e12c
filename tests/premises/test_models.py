"""Rules the database and the model keep, whatever path the data takes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from brorebro.spatial import wgs84_point
from premises.models import Premises, PremisesStatus, Tenure
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        {"area_min_m2": 200, "area_max_m2": 100},
        {"status": "reserved"},  # land has it, premises not
        {"status": "nonsense"},
    ],
)
def test_database_refuses_inconsistent_rows(orebro, changes):
    premises = PremisesFactory(municipality=orebro)
    with pytest.raises(IntegrityError), transaction.atomic():
        Premises.objects.filter(pk=premises.pk).update(**changes)


@pytest.mark.parametrize("field", ["area_min_m2", "rent_sek_per_m2_year", "price_sek"])
def test_database_refuses_negative_areas_and_money(orebro, field):
    premises = PremisesFactory(municipality=orebro)
    with pytest.raises(IntegrityError), transaction.atomic():
        Premises.objects.filter(pk=premises.pk).update(**{field: -1})


def test_reference_is_unique_per_municipality(orebro, laxa):
    PremisesFactory(municipality=orebro, external_ref="A-1")
    PremisesFactory(municipality=laxa, external_ref="A-1")  # another municipality may use it
    with pytest.raises(IntegrityError), transaction.atomic():
        PremisesFactory(municipality=orebro, external_ref="A-1")


def test_clean_refuses_a_point_outside_the_municipality(county_with_boundaries):
    laxa = county_with_boundaries["1860"]
    premises = PremisesFactory.build(municipality=laxa, lon_lat=(15.2066, 59.2741))  # central Örebro
    with pytest.raises(ValidationError) as caught:
        premises.full_clean()
    assert "Laxå" in str(caught.value.message_dict["location"])
    premises.location = wgs84_point(14.6210, 58.9855)
    premises.full_clean()


def test_clean_accepts_any_point_when_no_boundary_is_loaded(laxa):
    premises = PremisesFactory.build(municipality=laxa, lon_lat=(15.2066, 59.2741))
    premises.full_clean()


def test_clean_explains_a_reversed_area_range(orebro):
    premises = PremisesFactory.build(municipality=orebro, area_min_m2=300, area_max_m2=100)
    with pytest.raises(ValidationError) as caught:
        premises.full_clean()
    assert "area_max_m2" in caught.value.message_dict


def test_publishing_in_any_way_stamps_the_dates(orebro):
    premises = PremisesFactory(
        municipality=orebro, status=PremisesStatus.DRAFT, published_at=None, confirmed_at=None
    )
    premises.status = PremisesStatus.PUBLISHED
    premises.save()
    assert premises.published_at is not None and premises.confirmed_at == premises.published_at


def test_mark_taken_lets_or_sells(orebro):
    rent = PremisesFactory(municipality=orebro, tenure=Tenure.RENT)
    sale = PremisesFactory(municipality=orebro, tenure=Tenure.SALE)
    rent.mark_taken()
    sale.mark_taken()
    assert (rent.status, sale.status) == (PremisesStatus.LET, PremisesStatus.SOLD)


def test_amenities_read_as_a_set_of_keys(orebro):
    premises = PremisesFactory(municipality=orebro, has_loading_dock=True, has_three_phase=True)
    assert premises.amenities == ["loading_dock", "three_phase"]


def test_every_change_is_in_the_history(orebro, orebro_officer):
    premises = PremisesFactory(municipality=orebro, title="Före")
    premises.title = "Efter"
    premises._history_user = orebro_officer
    premises.save()
    newest, oldest = premises.history.all()[:2]
    assert newest.history_user == orebro_officer
    assert [change.field for change in newest.diff_against(oldest).changes] == ["title"]


@pytest.mark.postgis_only
def test_full_text_search_uses_swedish_stemming_and_the_gin_index(orebro):
    from django.db import connection

    PremisesFactory(municipality=orebro, title="Lagerlokal", description_sv="Stora lagerlokaler med kontor.")
    PremisesFactory(municipality=orebro, title="Butik", description_sv="Butiken ligger vid torget.")
    assert [p.title for p in Premises.objects.search("butiker")] == ["Butik"]  # stemmed
    assert [p.title for p in Premises.objects.search("lagerlokal")] == ["Lagerlokal"]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = Premises.objects.search("lager").explain()
        cursor.execute("SET enable_seqscan = on")
    assert "premises_fulltext_idx" in plan
