"""New matches: a listing published or changed is checked against the open cases after the commit.

After the commit, so that the check sees the listing as saved, and a rolled-back change
notices nothing. Only listings the public can see can match (`visible()` in the matching).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from land.models import LandPlot
from premises.models import Premises


def _check_later(kind: str, instance) -> None:
    if instance.status != "published":
        return

    def check():
        from establishment.cases import record_new_matches

        record_new_matches(kind, instance)

    transaction.on_commit(check)


@receiver(post_save, sender=Premises, dispatch_uid="establishment-premises-new-match")
def premises_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _check_later("premises", instance)


@receiver(post_save, sender=LandPlot, dispatch_uid="establishment-land-new-match")
def land_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _check_later("land", instance)
