"""Data versions: one counter per kind of data, moved by the database itself on every write.

A cached page, fragment or figure is keyed on the versions of the kinds it shows
(`current()`), so it can be kept as long as the cache likes and is never served stale:
any write makes a new key.

**Why database triggers.** The version must move in the same transaction as *every*
write: the admin, the importers, scheduled commands, a bulk `QuerySet.update()`,
`loaddata`, raw SQL, the bench's `INSERT … SELECT`. Model signals miss bulk updates
and raw SQL, and a manager method is one more rule that every writer must remember.
A trigger on each table of a kind catches them all, on PostgreSQL and SQLite alike,
and it commits or rolls back with the write itself. `install_triggers()` (run after
every `migrate`, from `BrorebroConfig.ready()`) puts them on every table of the apps
in `KINDS`, so a table added later by an app's migration is covered at once.

- PostgreSQL: one `FOR EACH STATEMENT` trigger per table (INSERT, UPDATE, DELETE and
  TRUNCATE): a bulk write of a million rows bumps the version once. The version row
  is locked until the writing transaction ends, so concurrent writers of one kind
  queue there; listings change a few times an hour, so that is cheap.
- SQLite has only row triggers: one per row and operation. SQLite serialises writers
  anyway.

**The value.** Not a plain counter: a transaction that rolls back also rolls the
counter back, and a flushed table restarts, so a counter could come back to a value
that an earlier cache entry was keyed on, for different data. A bump sets the
version to max(version + 1, milliseconds since 1970 · 10⁶ + a random part), which
is unique for practical purposes and still only grows.

A model that holds derived data (a stored computation) sets `data_version_exempt =
True`: writing it must not move the version it was computed from.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import connections, models

# kind -> the app labels (all their tables) or "app_label.Model" labels it covers.
# Apps that are not installed are skipped, so `brorebro` does not depend on them.
KINDS: dict[str, tuple[str, ...]] = {
    "municipalities": ("brorebro.Municipality",),
    "premises": ("premises",),
    "land": ("land",),
    "surveys": ("surveys",),
    "skills": ("skills",),
    "establishment": ("establishment",),
}

TRIGGER_PREFIX = "brorebro_dv_"
# Listings' visibility also depends on the clock (a listing unconfirmed for too long
# leaves the search at a moment no write marks), so keys of these kinds also carry the
# current time slot: such changes show within this many seconds.
TIME_SLOT_SECONDS = 300
CLOCK_KINDS = frozenset({"premises", "land"})


class DataVersion(models.Model):
    kind = models.CharField(max_length=40, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        app_label = "brorebro"
        verbose_name = "data version"

    def __str__(self) -> str:
        return f"{self.kind}: {self.version}"


def models_of(kind: str) -> list[type[models.Model]]:
    """The concrete models (and many-to-many tables) whose writes move `kind`'s version."""
    found = []
    for label in KINDS[kind]:
        if "." in label:
            app_label, _dot, model_name = label.partition(".")
            try:
                found.append(apps.get_model(app_label, model_name))
            except LookupError:  # the app is not installed
                pass
            continue
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        found.extend(config.get_models(include_auto_created=True))
    return [
        m
        for m in found
        if not m._meta.proxy and m._meta.managed and not getattr(m, "data_version_exempt", False)
    ]


def _trigger_name(table: str, suffix: str = "") -> str:
    # PostgreSQL cuts names at 63 bytes; table names here are far shorter.
    return TRIGGER_PREFIX + re.sub(r"\W", "_", table) + suffix


_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION brorebro_bump_data_version() RETURNS trigger AS $$
BEGIN
    INSERT INTO brorebro_dataversion (kind, version)
    VALUES (TG_ARGV[0], (extract(epoch FROM clock_timestamp()) * 1000)::bigint * 1000000
                        + floor(random() * 1000000)::bigint)
    ON CONFLICT (kind) DO UPDATE SET version = GREATEST(
        brorebro_dataversion.version + 1, EXCLUDED.version);
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

_SQLITE_BUMP = (
    "INSERT INTO brorebro_dataversion (kind, version) VALUES ('{kind}', "
    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 1000000 + abs(random() % 1000000)) "
    "ON CONFLICT (kind) DO UPDATE SET version = max(version + 1, excluded.version);"
)


def install_triggers(using: str = "default") -> None:
    """Create (or re-create) the version triggers on every table of every kind. Idempotent."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if "brorebro_dataversion" not in existing:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
        for kind in KINDS:
            for model in models_of(kind):
                table = model._meta.db_table
                if table not in existing:
                    continue
                quoted = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    name = _trigger_name(table)
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quoted}")
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quoted} "
                        f"FOR EACH STATEMENT EXECUTE FUNCTION brorebro_bump_data_version('{kind}')"
                    )
                elif connection.vendor == "sqlite":
                    for operation in ("INSERT", "UPDATE", "DELETE"):
                        name = _trigger_name(table, "_" + operation.lower())
                        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                        cursor.execute(
                            f"CREATE TRIGGER {name} AFTER {operation} ON {quoted} "
                            f"BEGIN {_SQLITE_BUMP.format(kind=kind)} END"
                        )


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: triggers on every table that exists after this migrate."""
    install_triggers(using)


def _read() -> dict[str, int]:
    # The whole table: a handful of rows, and one statement text for every caller.
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT kind, version FROM brorebro_dataversion")
        return dict(cursor.fetchall())


_pinned: ContextVar[dict[str, int] | None] = ContextVar("brorebro_data_versions", default=None)


@contextmanager
def pinned() -> Iterator[None]:
    """Read the versions once for everything inside (one request): one query, one consistent state."""
    if _pinned.get() is not None:
        yield
        return
    token = _pinned.set(_read())
    try:
        yield
    finally:
        _pinned.reset(token)


def stamp(kinds: Iterable[str]) -> str:
    """The versions of `kinds` alone, without the time slot: for data derived from writes only."""
    wanted = sorted(set(kinds))
    unknown = set(wanted) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown data kinds: {sorted(unknown)}")
    found = _pinned.get()
    if found is None:
        found = _read()
    return ".".join(str(found.get(kind, 0)) for kind in wanted)


def current(kinds: Iterable[str]) -> str:
    """A token naming the present state of `kinds`: their versions (and the time slot, for listings).

    One small query, or none inside `pinned()`. A kind never written has version 0.
    """
    kinds = set(kinds)
    if kinds & CLOCK_KINDS:
        return f"{stamp(kinds)}.{int(time.time()) // TIME_SLOT_SECONDS}"
    return stamp(kinds)
