"""`manage.py demo_establishment`: a handful of cases in different states, matched like real ones."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from establishment.models import CaseStatus, EstablishmentRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(county_with_boundaries):
    for command in ("demo_premises", "demo_land", "demo_skills", "demo_establishment"):
        call_command(command, verbosity=0)


def test_demo_has_cases_in_every_state_with_matches_and_proposals(demo, client):
    cases = EstablishmentRequest.objects.all()
    assert cases.count() >= 5
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    new = cases.get(status=CaseStatus.NEW)
    assert new.known_matches.exists() and new.concerned_municipalities.exists()
    sent = cases.get(status=CaseStatus.PROPOSAL_SENT)
    assert sent.proposal_items.exists() and sent.proposal_published_at is not None
    page = client.get(f"/en/establish/r/{sent.token}/")
    assert page.status_code == 200 and "Our proposal" in page.content.decode()
    established = cases.get(status=CaseStatus.ESTABLISHED)
    assert established.established_jobs and established.closed_at is not None


def test_demo_runs_twice_without_duplicates(demo):
    before = EstablishmentRequest.objects.count()
    call_command("demo_establishment", verbosity=0)
    assert EstablishmentRequest.objects.count() == before
