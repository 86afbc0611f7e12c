"""Uploaded files do not outlive their listing: deleted with it, replaced, or moved out of
sight when the listing leaves the public site."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from premises.models import Premises, PremisesImage, PremisesStatus
from tests.premises.factories import PremisesFactory
from tests.premises.test_admin import ADMIN, change_data
from tests.premises.test_uploads import PDF, image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def furnished(orebro):
    """A published listing with a floor plan and one photo (with its thumbnail)."""
    premises = PremisesFactory(municipality=orebro, floor_plan=SimpleUploadedFile("plan.pdf", PDF))
    PremisesImage(
        premises=premises, alt_text_sv="Entrén", image=SimpleUploadedFile("a.jpg", image_bytes())
    ).save()
    premises.refresh_from_db()
    return premises


def files_of(premises: Premises) -> list[str]:
    names = [premises.floor_plan.name]
    for photo in PremisesImage.objects.filter(premises=premises):
        names += [photo.image.name, photo.thumbnail.name]
    return names


def test_deleting_a_listing_deletes_its_files(furnished, django_capture_on_commit_callbacks):
    names = files_of(furnished)
    assert len(names) == 3 and all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        furnished.delete()
    assert [name for name in names if default_storage.exists(name)] == []


def test_deleting_a_listing_in_the_admin_deletes_its_files(
    client, furnished, orebro_officer, django_capture_on_commit_callbacks
):
    names = files_of(furnished)
    client.force_login(orebro_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ADMIN}{furnished.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Premises.objects.filter(pk=furnished.pk).exists()
    assert [name for name in names if default_storage.exists(name)] == []


def test_deleting_a_photo_in_the_admin_deletes_its_files(
    client, furnished, orebro_officer, django_capture_on_commit_callbacks
):
    photo = furnished.images.get()
    data = change_data(furnished)
    data.update(
        {
            "images-TOTAL_FORMS": "1",
            "images-INITIAL_FORMS": "1",
            "images-0-id": str(photo.pk),
            "images-0-premises": str(furnished.pk),
            "images-0-alt_text_sv": photo.alt_text_sv,
            "images-0-alt_text_en": "",
            "images-0-order": "0",
            "images-0-DELETE": "on",
        }
    )
    client.force_login(orebro_officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{ADMIN}{furnished.pk}/change/", data).status_code == 302
    assert not PremisesImage.objects.exists()
    assert not default_storage.exists(photo.image.name)
    assert not default_storage.exists(photo.thumbnail.name)
    assert default_storage.exists(furnished.floor_plan.name)  # the rest stays


def test_a_replaced_floor_plan_is_deleted(
    client, furnished, orebro_officer, django_capture_on_commit_callbacks
):
    old = furnished.floor_plan.name
    data = change_data(furnished)
    data["floor_plan"] = SimpleUploadedFile("ny plan.pdf", pdf_bytes(pages=2))
    client.force_login(orebro_officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{ADMIN}{furnished.pk}/change/", data).status_code == 302
    furnished.refresh_from_db()
    assert furnished.floor_plan.name != old
    assert default_storage.exists(furnished.floor_plan.name)
    assert not default_storage.exists(old)


def test_a_cleared_floor_plan_is_deleted(
    client, furnished, orebro_officer, django_capture_on_commit_callbacks
):
    old = furnished.floor_plan.name
    data = change_data(furnished)
    data["floor_plan-clear"] = "on"
    client.force_login(orebro_officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{ADMIN}{furnished.pk}/change/", data).status_code == 302
    furnished.refresh_from_db()
    assert not furnished.floor_plan
    assert not default_storage.exists(old)


@pytest.mark.parametrize("leave", ["archive", "mark_taken", "draft"])
def test_files_of_a_listing_that_leaves_the_public_site_move_to_new_names(
    client, furnished, leave, django_capture_on_commit_callbacks
):
    public_names = files_of(furnished)
    public_urls = [default_storage.url(name) for name in public_names]
    assert all(client.get(url).status_code == 200 for url in public_urls)

    with django_capture_on_commit_callbacks(execute=True):
        if leave == "draft":
            furnished.set_status(PremisesStatus.DRAFT)
        else:
            getattr(furnished, leave)()

    furnished.refresh_from_db()
    assert furnished.status != PremisesStatus.PUBLISHED
    # The addresses that were public answer 404; the files are kept under new names.
    assert [url for url in public_urls if client.get(url).status_code != 404] == []
    new_names = files_of(furnished)
    assert set(new_names).isdisjoint(public_names)
    assert all(default_storage.exists(name) for name in new_names)
    assert default_storage.open(furnished.floor_plan.name).read() == PDF

    # Published again: the listing shows its files under the new names.
    with django_capture_on_commit_callbacks(execute=True):
        furnished.publish()
    html = client.get(furnished.get_absolute_url()).content.decode()
    assert default_storage.url(furnished.floor_plan.name) in html


def test_an_archived_listing_with_a_missing_file_still_archives(
    furnished, django_capture_on_commit_callbacks
):
    default_storage.delete(furnished.floor_plan.name)
    with django_capture_on_commit_callbacks(execute=True):
        furnished.archive()
    furnished.refresh_from_db()
    assert furnished.status == PremisesStatus.ARCHIVED


def test_floor_plans_stored_under_their_uploaded_names_are_moved_or_removed(orebro, settings):
    """The data migration for files stored before random names: a real PDF moves to a random
    name, an HTML file that only starts like a PDF is removed from its listing and deleted."""
    from importlib import import_module

    from django.apps import apps

    from tests.premises.test_uploads import HTML_WITH_PDF_HEADER, RANDOM_PDF_NAME

    migration = import_module("premises.migrations.0006_secure_legacy_floor_plans")
    real = PremisesFactory(municipality=orebro)
    fake = PremisesFactory(municipality=orebro)
    lost = PremisesFactory(municipality=orebro)
    default_storage.save("premises/floor-plans/2025/plan.pdf", SimpleUploadedFile("x", PDF))
    default_storage.save("premises/floor-plans/2025/plan.html", SimpleUploadedFile("x", HTML_WITH_PDF_HEADER))
    Premises.objects.filter(pk=real.pk).update(floor_plan="premises/floor-plans/2025/plan.pdf")
    Premises.objects.filter(pk=fake.pk).update(floor_plan="premises/floor-plans/2025/plan.html")
    Premises.objects.filter(pk=lost.pk).update(floor_plan="premises/floor-plans/2025/missing.pdf")

    migration.secure_legacy_floor_plans(apps, None)

    real.refresh_from_db()
    fake.refresh_from_db()
    lost.refresh_from_db()
    assert RANDOM_PDF_NAME.match(real.floor_plan.name)
    assert default_storage.open(real.floor_plan.name).read() == PDF
    assert not fake.floor_plan and not lost.floor_plan
    assert not default_storage.exists("premises/floor-plans/2025/plan.pdf")
    assert not default_storage.exists("premises/floor-plans/2025/plan.html")
