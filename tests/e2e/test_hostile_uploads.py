"""An officer's photo uploads in the real admin: a fake .jpg, an SVG and an oversized image
are each refused with a message next to the field, and nothing is stored."""

from __future__ import annotations

import io
import os

import pytest
from django.apps import apps

from tests.e2e.helpers import login_admin
from tests.factories import make_officer

pytestmark = pytest.mark.e2e

SVG = b"""<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
<script>alert('xss')</script><rect width="10" height="10"/></svg>"""


def noisy_png(edge: int = 220) -> bytes:
    """A real PNG that compresses badly, so it is large in bytes."""
    from PIL import Image

    image = Image.frombytes("RGB", (edge, edge), os.urandom(edge * edge * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_officer_cannot_upload_fake_svg_or_oversized_photos(page, demo, settings):
    demo("premises")
    Premises = apps.get_model("premises", "Premises")
    PremisesImage = apps.get_model("premises", "PremisesImage")
    settings.IMAGE_MAX_UPLOAD_BYTES = 40_000
    big = noisy_png()
    assert len(big) > settings.IMAGE_MAX_UPLOAD_BYTES

    premises = Premises.objects.filter(municipality__code="1880").first()
    make_officer(premises.municipality, username="uploader")
    images_before = PremisesImage.objects.filter(premises=premises).count()
    media = settings.MEDIA_ROOT

    def stored_files() -> set:
        return {p for p in media.rglob("*") if p.is_file()} if media.exists() else set()

    files_before = stored_files()  # the demo data's own photos
    login_admin(page, "uploader")
    url = f"/admin/premises/premises/{premises.pk}/change/"

    uploads = [
        ({"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"MZ\x90\x00 this is no JPEG"}, ""),
        ({"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": SVG}, ""),
        ({"name": "huge.png", "mimeType": "image/png", "buffer": big}, "kB"),  # "the limit is 39,1 kB"
    ]
    for upload, hint in uploads:
        page.goto(url)
        file_input = page.locator("input[type=file][name$='-image']").first
        prefix = file_input.get_attribute("name").rsplit("-", 1)[0]
        file_input.set_input_files(files=[upload])
        page.fill(f"[name='{prefix}-alt_text_sv']", "Entrén")
        # Wait for the new page itself: the old one is already 'loaded'.
        with page.expect_navigation():
            page.locator("input[name=_continue]").first.click()
        errors = page.locator(".errorlist").all_inner_texts()
        image_errors = [
            e
            for e in page.locator(".field-image .errorlist").all_inner_texts()
            if e.strip() and hint.lower() in e.lower()
        ]
        assert image_errors, f"{upload['name']} was not refused with a message; errors shown: {errors}"
        assert PremisesImage.objects.filter(premises=premises).count() == images_before

    left_behind = stored_files() - files_before
    assert not left_behind, f"refused uploads left files behind: {sorted(left_behind)}"
