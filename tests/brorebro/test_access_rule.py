"""The one access rule: which municipalities a user may act for, and who sees everything."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from brorebro.models import Municipality, sees_everything
from tests.factories import UserFactory, make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(orebro, laxa, hallsberg):
    return orebro, laxa, hallsberg


def codes(user) -> set[str]:
    return set(Municipality.objects.for_user(user).values_list("code", flat=True))


def test_an_officer_acts_for_their_municipalities_only(three, laxa, hallsberg):
    officer = make_officer(laxa, hallsberg)
    assert codes(officer) == {"1860", "1861"}
    assert not sees_everything(officer)


@pytest.mark.parametrize("kind", ["regional", "superuser"])
def test_regional_admins_and_superusers_see_everything(three, kind):
    if kind == "regional":
        user = make_officer(regional=True)
    else:
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert sees_everything(user)
    assert codes(user) == {"1880", "1860", "1861"}


@pytest.mark.parametrize("kind", ["anonymous", "no officer row", "inactive superuser", "inactive regional"])
def test_nobody_else_acts_for_any_municipality(three, kind):
    if kind == "anonymous":
        user = AnonymousUser()
    elif kind == "no officer row":
        user = UserFactory(username="staff", is_staff=True)
    elif kind == "inactive superuser":
        user = UserFactory(username="gone", is_superuser=True, is_active=False)
    else:
        user = make_officer(regional=True)
        user.is_active = False
        user.save()
    assert not sees_everything(user)
    assert codes(user) == set()
