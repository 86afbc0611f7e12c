"""New matches: listings published or changed are checked against the open cases after the commit.

After the commit, so that a rolled-back change notices nothing; by the task worker
(`establishment.tasks.check_new_matches`), so that nobody waits for it. The listings saved in
one transaction (an import of a thousand plots, say) go to one task, one pass over the open
cases. Only listings the public can see can match (`visible()` in the matching).
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from land.models import LandPlot
from premises.models import Premises

_local = threading.local()


def _pending() -> dict[str, set[int]]:
    if getattr(_local, "pending", None) is None:
        _local.pending = {"premises": set(), "land": set()}
    return _local.pending


def _check_later(kind: str, instance) -> None:
    if instance.status != "published":
        return
    _pending()[kind].add(instance.pk)
    # One callback per save, but the first to run takes every pending listing and the
    # others find nothing left: so a transaction's listings are checked in one pass.
    transaction.on_commit(_flush)


def _flush() -> None:
    pending, _local.pending = _pending(), None
    from establishment.tasks import check_new_matches

    for kind, pks in pending.items():
        if pks:
            check_new_matches.enqueue(kind, sorted(pks))


@receiver(post_save, sender=Premises, dispatch_uid="establishment-premises-new-match")
def premises_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _check_later("premises", instance)


@receiver(post_save, sender=LandPlot, dispatch_uid="establishment-land-new-match")
def land_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _check_later("land", instance)
