"""Work on a case that spans models: taking a request in, and noticing new matches.

A case concerns the municipalities the company chose and those with a matching listing;
`concerned_municipalities` holds them, and the case admin scopes by it (any of them), so
this is where who-may-see-a-case is decided, at submission and whenever a match appears.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from establishment import notify
from establishment.matching import MatchResult, match, matching_pks
from establishment.models import EstablishmentRequest, KnownMatch, Recruitment


@transaction.atomic
def submit(form, formset, language: str, base_url: str) -> tuple[EstablishmentRequest, MatchResult]:
    """Store a valid request with its occupations, match it, scope it and mail the company its link."""
    case = form.save(commit=False)
    case.language = language
    case.save()
    form.save_m2m()
    Recruitment.objects.bulk_create(
        Recruitment(request=case, occupation=row["occupation"], head_count=row["head_count"])
        for row in formset.cleaned_data
        if row.get("occupation")
    )
    result = open_case(case)
    notify.request_received(case, base_url)
    return case, result


def open_case(case: EstablishmentRequest) -> MatchResult:
    """Match a stored request, scope its case and remember its matches (so later ones are new)."""
    result = match(case)
    case.concerned_municipalities.set({m.pk for m in case.municipalities.all()} | result.municipality_ids)
    KnownMatch.objects.bulk_create(
        KnownMatch(
            case=case,
            premises=c.listing if c.kind == "premises" else None,
            land_plot=c.listing if c.kind == "land" else None,
        )
        for c in result.matches
    )
    return result


def record_new_matches(kind: str, listing) -> list[EstablishmentRequest]:
    """After `listing` (premises or land) was published or changed: the open cases it now matches.

    Each such case gets a new `KnownMatch` (shown to the officers as new), its municipality
    among the concerned ones, and, if the company asked for it, an e-mail. A listing that
    already matched a case is not new to it.
    """
    field = "premises" if kind == "premises" else "land_plot"
    known = set(KnownMatch.objects.filter(**{field: listing}).values_list("case_id", flat=True))
    cases = []
    for case in EstablishmentRequest.objects.open().exclude(pk__in=known).prefetch_related("municipalities"):
        if not matching_pks(case, kind, [listing.pk]):
            continue
        KnownMatch.objects.create(case=case, is_new=True, first_seen_at=timezone.now(), **{field: listing})
        case.concerned_municipalities.add(listing.municipality_id)
        if case.notify_new_matches:
            notify.new_match(case, listing, notify.site_url())
        cases.append(case)
    return cases
