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
from land.models import LandPlot
from premises.models import Premises


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


def record_new_matches(kind: str, pks: list[int]) -> list[EstablishmentRequest]:
    """After listings (premises or land, by pk) were published or changed: the open cases they now match.

    Each such case gets a new `KnownMatch` per listing (shown to the officers as new), the
    listing's municipality among the concerned ones, and, if the company asked for it, an
    e-mail. A listing that already matched a case is not new to it. A fixed number of queries
    per open case, whatever the number of listings.
    """
    model, field = (Premises, "premises") if kind == "premises" else (LandPlot, "land_plot")
    known = set(KnownMatch.objects.filter(**{f"{field}__in": pks}).values_list("case_id", f"{field}_id"))
    listings = None
    touched = []
    for case in EstablishmentRequest.objects.open().prefetch_related("municipalities"):
        new = [pk for pk in matching_pks(case, kind, pks) if (case.pk, pk) not in known]
        if not new:
            continue
        if listings is None:
            listings = (
                model.objects.select_related("municipality").defer("municipality__boundary").in_bulk(pks)
            )
        found = [listings[pk] for pk in new]
        KnownMatch.objects.bulk_create(
            KnownMatch(case=case, is_new=True, first_seen_at=timezone.now(), **{field: listing})
            for listing in found
        )
        case.concerned_municipalities.add(*{listing.municipality_id for listing in found})
        if case.notify_new_matches:
            notify.new_matches(case, found, notify.site_url())  # one e-mail for them all
        touched.append(case)
    return touched


def rematch(case: EstablishmentRequest) -> tuple[set[int], set[int]]:
    """Match an open case again and make `concerned_municipalities` what the rule says now.

    Listings change without being saved into a case (a landmark moves, a listing expires, the
    request is edited), so the scheduled job runs this for every open case. A case concerns
    the municipalities the company chose, those with a match now, and those whose officers
    have put a listing in its proposal (their work stays theirs). New matches are recorded
    as new, as when a listing is saved. Returns the municipality ids added and removed.
    """
    result = match(case)
    wanted = (
        {m.pk for m in case.municipalities.all()}
        | result.municipality_ids
        | set(case.proposal_items.values_list("municipality_id", flat=True))
    )
    current = set(case.concerned_municipalities.values_list("pk", flat=True))
    known = set(case.known_matches.values_list("premises_id", "land_plot_id"))
    now = timezone.now()
    KnownMatch.objects.bulk_create(
        KnownMatch(
            case=case,
            is_new=True,
            first_seen_at=now,
            premises=c.listing if c.kind == "premises" else None,
            land_plot=c.listing if c.kind == "land" else None,
        )
        for c in result.matches
        if ((c.listing.pk, None) if c.kind == "premises" else (None, c.listing.pk)) not in known
    )
    case.concerned_municipalities.set(wanted)
    return wanted - current, current - wanted
