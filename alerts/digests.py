"""The digests of confirmed alerts, computed with a number of queries that does not grow with the listings.

Once per run and search (premises, land): the visible listings changed since the oldest
cut-off (`checked_until`) of the due alerts (one query), and, for each distinct saved query,
which of them its own FilterSet lets through, UNION_SIZE saved queries to one UNION ALL
query; an alert whose query was matched before in the run costs nothing more. The municipality
choices that every FilterSet needs are read once per run.

Then per batch of due alerts: the listings these alerts already reported (one query), the new
ones loaded for the e-mail (one query), one digest per address, frequency and language
rendered (a digest that fails to render is left for the next run, the others go on), and the
batch's digests queued (`brorebro.mail.send_emails`: one insert, one delivery task) in one
transaction with the `AlertHit`s that stop a listing from being reported twice and the
alerts' new dates. A batch that cannot be queued is rolled back and tried again by the next
run; a digest whose e-mail finally fails is undone by `alerts.signals`, so the next run
reports its listings again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, IntegerField, Min, Value
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone

from alerts import emails
from alerts.models import AlertHit, SavedSearch
from alerts.searches import SEARCHES, SectionKey
from brorebro.caching import county_municipality_choices
from brorebro.mail import send_emails

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
UNION_SIZE = 100


@dataclass
class RunResult:
    digests: int = 0
    listings: int = 0
    failed_addresses: list[str] = field(default_factory=list)
    deleted: int = 0


def purge_expired(now=None) -> int:
    """Delete unconfirmed alerts after ALERT_CONFIRM_DAYS and inactive ones after ALERT_RETENTION_MONTHS."""
    deleted, _by_model = SavedSearch.objects.expired(now).delete()
    return deleted


def send_digests(now=None) -> RunResult:
    now = now or timezone.now()
    result = RunResult(deleted=purge_expired(now))
    choices = county_municipality_choices()  # read once: every FilterSet of the run uses them
    due = SavedSearch.objects.due(now).order_by("email", "frequency", "language", "pk")
    # The listings changed since the oldest cut-off of the run's alerts, read once per search,
    # and each distinct saved query matched against them once, however many alerts share it.
    changes = {
        row["section"]: Changes(SEARCHES[SectionKey(row["section"])], row["since"], choices)
        for row in due.order_by().values("section").annotate(since=Min("checked_until"))
    }
    batch: list[SavedSearch] = []
    for alert in due.iterator(chunk_size=BATCH_SIZE):
        # A batch ends only between addresses, so one address's digest is never split.
        if len(batch) >= BATCH_SIZE and alert.email != batch[-1].email:
            _send_batch(batch, now, result, changes)
            batch = []
        batch.append(alert)
    if batch:
        _send_batch(batch, now, result, changes)
    return result


class Changes:
    """One search's listings changed since `since`, and which of them each saved query matches."""

    def __init__(self, search, since, choices):
        self.search = search
        self.since = since
        self.choices = choices
        self._changed: dict[int, object] | None = None
        self.matches: dict[str, set[int]] = {}
        self.filtersets: dict[str, object] = {}

    @property
    def changed(self) -> dict[int, object]:
        """{listing id: updated_at} of the visible listings changed since `since` (one query)."""
        if self._changed is None:
            visible = self.search.visible().filter(updated_at__gt=self.since).order_by()
            self._changed = dict(visible.values_list("pk", "updated_at"))
        return self._changed

    def match(self, queries: set[str]) -> None:
        """Match the queries not matched yet: UNION ALL queries of UNION_SIZE saved queries each."""
        todo = sorted(queries - self.matches.keys())
        if not todo or not self.changed:
            return
        matches, filtersets = _matches(self.search, todo, list(self.changed), self.choices)
        self.filtersets.update(filtersets)
        for query in todo:
            self.matches[query] = matches.get(query, set())


def _send_batch(alerts: list[SavedSearch], now, result: RunResult, changes: dict) -> None:
    news: dict[int, list] = {}
    for section in SectionKey:
        section_alerts = [alert for alert in alerts if alert.section == section]
        if section_alerts:
            news.update(_new_listings(changes[section], section_alerts))
    groups: dict[tuple, list[SavedSearch]] = defaultdict(list)
    for alert in alerts:
        groups[(alert.email, alert.frequency, alert.language)].append(alert)
    quiet: list[int] = []
    ready: list[tuple[list[SavedSearch], list[tuple], dict]] = []
    for (email, _frequency, language), group in groups.items():
        sections = [(alert, news[alert.pk]) for alert in group if news.get(alert.pk)]
        if not sections:
            quiet += [alert.pk for alert in group]
            continue
        try:
            ready.append((group, sections, emails.render_digest(email, sections, language)))
        except Exception:
            # This address's digest is left for the next run; the others go on.
            logger.exception("The alert digest for one address could not be made")
            result.failed_addresses.append(email)
    if ready:
        try:
            _queue(ready, now)
        except Exception:
            logger.exception("A batch of alert digests could not be queued; the next run tries again")
            result.failed_addresses += [group[0].email for group, _sections, _message in ready]
        else:
            result.digests += len(ready)
            result.listings += sum(len(ls) for _g, sections, _m in ready for _a, ls in sections)
    if quiet:
        SavedSearch.objects.filter(pk__in=quiet).update(checked_until=now)


def _queue(ready: list[tuple[list[SavedSearch], list[tuple], dict]], now) -> None:
    """Queue the batch's digests, their `AlertHit`s and the alerts' new dates: all or nothing."""
    with transaction.atomic():
        messages = send_emails(message for _group, _sections, message in ready)
        AlertHit.objects.bulk_create(
            AlertHit(
                alert=alert,
                listing_id=listing.pk,
                previous_checked_until=alert.checked_until,
                email=message,
            )
            for (_group, sections, _m), message in zip(ready, messages, strict=True)
            for alert, listings in sections
            for listing in listings
        )
        SavedSearch.objects.filter(pk__in=[alert.pk for group, _s, _m in ready for alert in group]).update(
            checked_until=now, last_digest_at=now
        )


def _new_listings(changes: Changes, alerts: list[SavedSearch]) -> dict[int, list]:
    """{alert id: [listing, ...]} of listings that match each alert and that it has not reported."""
    changed = changes.changed
    if not changed:
        return {}
    changes.match({alert.query for alert in alerts})
    matches = changes.matches
    for alert in alerts:
        alert.filterset = changes.filtersets.get(alert.query)  # describes the search in the e-mail
    reported = set(
        AlertHit.objects.filter(alert__in=alerts, listing_id__in=list(changed)).values_list(
            "alert_id", "listing_id"
        )
    )
    new_ids: dict[int, list[int]] = {}
    for alert in alerts:
        ids = [
            pk
            for pk in matches.get(alert.query, ())
            if changed[pk] > alert.checked_until and (alert.pk, pk) not in reported
        ]
        if ids:
            new_ids[alert.pk] = ids
    wanted = {pk for ids in new_ids.values() for pk in ids}
    listings = changes.search.visible().filter(pk__in=wanted).order_by() if wanted else []
    by_pk = {listing.pk: listing for listing in listings}
    return {
        alert_id: sorted((by_pk[pk] for pk in ids if pk in by_pk), key=lambda listing: str(listing))
        for alert_id, ids in new_ids.items()
    }


def _matches(search, queries: list[str], candidate_ids: list[int], choices) -> tuple[dict, dict]:
    """{query: ids among the candidates that the query's FilterSet lets through}, and
    {query: its FilterSet}."""
    found: dict[str, set[int]] = defaultdict(set)
    filtersets = {}
    base = _among(search.model.objects.all(), candidate_ids)
    for start in range(0, len(queries), UNION_SIZE):
        chunk = queries[start : start + UNION_SIZE]
        parts = []
        for number, query in enumerate(chunk):
            filterset = search.filterset(QueryDict(query), queryset=base, municipality_choices=choices)
            filtersets[query] = filterset
            if not filterset.is_valid():
                continue  # saved before a rule changed; it matches nothing until it is edited
            parts.append(
                filterset.qs.order_by()
                .annotate(query_number=Value(start + number, output_field=IntegerField()))
                .values_list("query_number", "pk")
            )
        if not parts:
            continue
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for number, pk in union:
            found[queries[number]].add(pk)
    return found, filtersets


def _among(queryset, ids: list[int]):
    """`queryset` limited to `ids`. On PostgreSQL the ids go as one array parameter
    (`id = ANY(%s)`): every saved query of a batch repeats this condition, and a
    thousand-placeholder IN list in each of them made parsing the query the slow part."""
    if connection.vendor != "postgresql":
        return queryset.filter(pk__in=ids)
    table, column = queryset.model._meta.db_table, queryset.model._meta.pk.column
    condition = RawSQL(f'"{table}"."{column}" = ANY(%s)', (list(ids),), output_field=BooleanField())  # noqa: S611
    return queryset.alias(among_ids=condition).filter(among_ids=True)
