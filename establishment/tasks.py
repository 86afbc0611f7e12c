"""The background work of the establishment app, run by the task worker (`manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def check_new_matches(kind: str, pks: list[int]) -> int:
    """Match listings that were published or changed against the open cases; returns how many cases gained one.

    A task, so that the officer who saves a listing (or runs an import) never waits for the
    open cases to be matched.
    """
    from establishment.cases import record_new_matches

    return len(record_new_matches(kind, pks))
