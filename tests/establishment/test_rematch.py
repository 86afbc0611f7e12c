"""The scheduled re-match keeps who sees a case true to its matches (rematch_open_cases)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from establishment.models import CaseStatus, KnownMatch, ProposalItem
from premises.models import Kind, PremisesStatus
from tests.establishment.conftest import warehouse


def _case(request_factory, *concerned):
    return request_factory(wants="premises", premises_kinds=[Kind.WAREHOUSE], concerned=list(concerned))


def _run() -> str:
    out = StringIO()
    call_command("rematch_open_cases", stdout=out)
    return out.getvalue()


def test_a_municipality_whose_only_match_went_away_no_longer_sees_the_case(
    request_factory, premises_factory, laxa, orebro
):
    listing = warehouse(premises_factory, orebro, "Örebrolager")
    case = _case(request_factory, laxa, orebro)  # Örebro was concerned through this match
    case.municipalities.set([laxa])  # the company chose Laxå
    listing.status = PremisesStatus.ARCHIVED
    listing.save()

    assert "1 removed" in _run()

    assert set(case.concerned_municipalities.all()) == {laxa}


def test_a_match_that_appears_without_a_save_reaches_its_municipality(
    request_factory, premises_factory, laxa, orebro
):
    case = _case(request_factory, laxa)
    listing = warehouse(premises_factory, orebro, "Örebrolager", status=PremisesStatus.DRAFT)
    # A write that no signal sees, as a bulk update or a landmark move would be.
    type(listing).objects.filter(pk=listing.pk).update(status=PremisesStatus.PUBLISHED)

    _run()

    assert orebro in case.concerned_municipalities.all()
    known = KnownMatch.objects.get(case=case)
    assert known.premises_id == listing.pk and known.is_new


def test_chosen_municipalities_and_proposals_keep_the_case(request_factory, premises_factory, laxa, orebro):
    case = _case(request_factory, laxa)
    case.municipalities.set([laxa])
    listing = warehouse(premises_factory, orebro, "Föreslaget", status=PremisesStatus.DRAFT)
    ProposalItem.objects.create(case=case, municipality=orebro, premises=listing)

    _run()

    assert set(case.concerned_municipalities.all()) == {laxa, orebro}


def test_closed_cases_are_left_as_they_are(request_factory, premises_factory, laxa, orebro):
    case = _case(request_factory, laxa)
    case.status = CaseStatus.WITHDRAWN
    case.save()
    warehouse(premises_factory, orebro, "Örebrolager")

    _run()

    assert set(case.concerned_municipalities.all()) == {laxa}
