"""Photos and floor plans: what is refused (with a message, never a 500) and how photos are stored."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from premises.models import PremisesImage
from tests.premises.factories import PremisesFactory
from tests.premises.test_admin import ADMIN, change_data

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
# Starts like a PDF, is a web page: the reviewer's file that was served as text/html.
HTML_WITH_PDF_HEADER = b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n%%EOF\n"
RANDOM_PDF_NAME = re.compile(r"^premises/floor-plans/\d{4}/[0-9a-f]{32}\.pdf$")


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf_bytes()


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, "#3366aa")
    buffer = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam Inc."  # Make
        data[0x0112] = 6  # Orientation: rotated 90°
        data[0x8825] = {2: (59.0, 16.0, 26.0)}  # GPS latitude
        options["exif"] = data
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def inline_post(client, premises, upload, alt="Entrén"):
    data = change_data(premises)
    data.update(
        {
            "images-TOTAL_FORMS": "1",
            "images-INITIAL_FORMS": "0",
            "images-0-alt_text_sv": alt,
            "images-0-alt_text_en": "",
            "images-0-order": "0",
            "images-0-image": upload,
        }
    )
    return client.post(f"{ADMIN}{premises.pk}/change/", data)


@pytest.fixture
def own(orebro):
    return PremisesFactory(municipality=orebro)


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("photo.jpg", b"this is not an image at all", "bild"),
        ("drawing.svg", SVG, "svg"),
        ("drawing.jpg", SVG, "bild"),
        ("anim.gif", image_bytes("GIF"), "GIF"),
    ],
)
def test_unusable_files_are_refused_with_a_message(client, own, orebro_officer, name, content, message):
    client.force_login(orebro_officer)
    response = inline_post(client, own, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html and message in html
    assert not PremisesImage.objects.exists()


def test_an_image_over_the_byte_limit_is_refused(client, own, orebro_officer, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 500
    client.force_login(orebro_officer)
    response = inline_post(client, own, SimpleUploadedFile("big.png", image_bytes("PNG", (400, 400))))
    assert response.status_code == 200
    assert "för stor" in response.content.decode()
    assert not PremisesImage.objects.exists()


def test_an_image_over_the_pixel_limit_is_refused(client, own, orebro_officer, settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    client.force_login(orebro_officer)
    response = inline_post(client, own, SimpleUploadedFile("wide.jpg", image_bytes("JPEG", (200, 100))))
    assert response.status_code == 200
    assert "för många pixlar" in response.content.decode()
    assert not PremisesImage.objects.exists()


def test_a_photo_is_stored_without_exif_and_with_a_thumbnail(client, own, orebro_officer):
    client.force_login(orebro_officer)
    response = inline_post(
        client, own, SimpleUploadedFile("IMG_0001.jpg", image_bytes(size=(64, 48), exif=True))
    )
    assert response.status_code == 302
    photo = PremisesImage.objects.get()
    assert "IMG_0001" not in photo.image.name  # a new name, not the uploader's
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert "exif" not in stored.info
        assert stored.size == (48, 64)  # the camera's rotation was applied before EXIF went
    assert (photo.width, photo.height) == (48, 64)
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) <= 480
    assert photo.alt_text == "Entrén"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(client, own, orebro_officer, fmt):
    client.force_login(orebro_officer)
    response = inline_post(client, own, SimpleUploadedFile(f"p.{fmt.lower()}", image_bytes(fmt)))
    assert response.status_code == 302
    with Image.open(PremisesImage.objects.get().image.path) as stored:
        assert stored.format == fmt


def test_a_large_photo_is_scaled_down(own):
    photo = PremisesImage(
        premises=own,
        alt_text_sv="Hall",
        image=SimpleUploadedFile("huge.png", image_bytes("PNG", (3000, 1000))),
    )
    photo.save()
    assert max(photo.width, photo.height) == 2400


def floor_plan_post(client, premises, upload):
    data = change_data(premises)
    data["floor_plan"] = upload
    return client.post(f"{ADMIN}{premises.pk}/change/", data)


def test_a_floor_plan_must_be_a_pdf(client, own, orebro_officer):
    client.force_login(orebro_officer)
    response = floor_plan_post(client, own, SimpleUploadedFile("plan.pdf", image_bytes()))
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    own.refresh_from_db()
    assert not own.floor_plan


def test_a_floor_plan_over_the_limit_is_refused(client, own, orebro_officer, settings):
    settings.PDF_MAX_UPLOAD_BYTES = 10
    client.force_login(orebro_officer)
    response = floor_plan_post(client, own, SimpleUploadedFile("plan.pdf", PDF))
    assert response.status_code == 200
    assert "för stor" in response.content.decode()


def test_a_pdf_floor_plan_is_stored_under_a_random_name_and_linked(client, own, orebro_officer):
    client.force_login(orebro_officer)
    assert (
        floor_plan_post(client, own, SimpleUploadedFile("Planritning Järntorget.pdf", PDF)).status_code == 302
    )
    own.refresh_from_db()
    assert RANDOM_PDF_NAME.match(own.floor_plan.name), own.floor_plan.name
    html = client.get(own.get_absolute_url()).content.decode()
    assert own.floor_plan.url in html


def stored_files(media_root) -> list[str]:
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", ["plan.html", "plan.pdf"])
def test_html_with_a_pdf_header_is_refused(client, own, orebro_officer, media_root, name):
    client.force_login(orebro_officer)
    response = floor_plan_post(client, own, SimpleUploadedFile(name, HTML_WITH_PDF_HEADER))
    assert response.status_code == 200
    assert "inte en läsbar PDF" in response.content.decode()
    own.refresh_from_db()
    assert not own.floor_plan
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "content,message",
    [
        (pdf_bytes(password="hemligt"), "lösenordsskyddad"),
        (PDF[: len(PDF) // 2], "inte en läsbar PDF"),  # cut off half way
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "inte en läsbar PDF"),  # a header, no document
    ],
)
def test_encrypted_and_broken_pdfs_are_refused(client, own, orebro_officer, content, message):
    client.force_login(orebro_officer)
    response = floor_plan_post(client, own, SimpleUploadedFile("plan.pdf", content))
    assert response.status_code == 200
    assert message in response.content.decode()
    own.refresh_from_db()
    assert not own.floor_plan


def test_a_pdf_over_the_page_limit_is_refused(client, own, orebro_officer, settings):
    settings.PDF_MAX_PAGES = 3
    client.force_login(orebro_officer)
    response = floor_plan_post(client, own, SimpleUploadedFile("plan.pdf", pdf_bytes(pages=4)))
    assert response.status_code == 200
    assert "4 sidor" in response.content.decode()
    own.refresh_from_db()
    assert not own.floor_plan


def test_a_pdf_uploaded_under_another_name_is_stored_as_pdf(client, own, orebro_officer):
    client.force_login(orebro_officer)
    assert floor_plan_post(client, own, SimpleUploadedFile("plan.html", PDF)).status_code == 302
    own.refresh_from_db()
    assert RANDOM_PDF_NAME.match(own.floor_plan.name), own.floor_plan.name


def test_a_stored_floor_plan_is_served_as_pdf_with_nosniff(client, own, orebro_officer):
    client.force_login(orebro_officer)
    floor_plan_post(client, own, SimpleUploadedFile("plan.pdf", PDF))
    own.refresh_from_db()
    client.logout()
    response = client.get(own.floor_plan.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_photos_get_random_names_in_their_folders(own):
    photo = PremisesImage(
        premises=own,
        alt_text_sv="Hall",
        image=SimpleUploadedFile("Lokalen Storgatan 5.png", image_bytes("PNG")),
    )
    photo.save()
    assert re.match(r"^premises/photos/\d{4}/[0-9a-f]{32}\.png$", photo.image.name), photo.image.name
    assert re.match(r"^premises/thumbnails/\d{4}/[0-9a-f]{32}\.jpg$", photo.thumbnail.name), (
        photo.thumbnail.name
    )
