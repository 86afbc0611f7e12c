"""Shared fixtures. Factories are exposed as fixtures here and in tests/<app>/conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import MunicipalityFactory, make_officer

# The `smtp_server` fixture: a real SMTP server (aiosmtpd) for tests that send e-mail.
pytest_plugins = ["tests.smtp"]

COUNTY_BOUNDARIES = Path(__file__).resolve().parent.parent / "fixtures" / "orebro_lan_municipalities.geojson"


def pytest_configure(config):
    from django.conf import settings

    # Manifest storage needs collectstatic; tests use plain storage. Fast hashing, locmem mail.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # django-cleanup builds the storages at start-up; make them read the test STORAGES.
    from django.test.signals import setting_changed

    setting_changed.send(sender=None, setting="STORAGES", value=settings.STORAGES, enter=True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Queued e-mail (brorebro.mail) is delivered at once, into the locmem outbox; the queue's
    # own tests (tests/brorebro/test_mail_queue.py) switch to the database backend and a worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)
    settings.AXES_ENABLED = False
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    if settings.IS_POSTGIS:
        return
    skip = pytest.mark.skip(reason="needs PostGIS; `make test` runs it there")
    for item in items:
        if "postgis_only" in item.keywords or "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_cache():
    # Shared responses and fragments are keyed on data versions; a test that changes
    # settings or the clock must not get another test's page.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_leftover_language():
    """A request activates its language for the thread and leaves it active; reset it so
    code called directly (importers, models) sees the same language whatever ran before."""
    from django.utils import translation

    translation.deactivate_all()
    yield
    translation.deactivate_all()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def orebro(db):
    return MunicipalityFactory(code="1880", name="Örebro", slug="orebro")


@pytest.fixture
def laxa(db):
    return MunicipalityFactory(code="1860", name="Laxå", slug="laxa")


@pytest.fixture
def hallsberg(db):
    return MunicipalityFactory(code="1861", name="Hallsberg", slug="hallsberg")


@pytest.fixture
def county(db):
    """All twelve municipalities from the fixture, boundaries not loaded."""
    from django.core.management import call_command

    from brorebro.models import Municipality

    call_command("loaddata", "municipalities", verbosity=0)
    return {m.code: m for m in Municipality.objects.all()}


@pytest.fixture
def county_with_boundaries(county):
    """All twelve municipalities with the boundaries the product ships in fixtures/."""
    from django.core.management import call_command

    from brorebro.models import Municipality

    call_command("import_municipality_boundaries", str(COUNTY_BOUNDARIES), verbosity=0)
    return {m.code: m for m in Municipality.objects.all()}


@pytest.fixture
def laxa_officer(laxa):
    return make_officer(laxa, username="laxa_officer")


@pytest.fixture
def orebro_officer(orebro):
    return make_officer(orebro, username="orebro_officer")


@pytest.fixture
def regional_admin(db):
    return make_officer(username="regional", regional=True)
