"""The detail page's photo gallery (figures with captions) and floor plan, and the demo's pictures."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image
from pypdf import PdfReader

from premises.models import Premises, PremisesImage
from tests.premises.factories import PremisesFactory


def _jpeg(colour: str) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def _pdf() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 140), "white").save(buffer, format="PDF")
    return ContentFile(buffer.getvalue(), name="plan.pdf")


@pytest.fixture
def premises_with_photos(orebro):
    premises = PremisesFactory(municipality=orebro, title="Lager vid terminalen")
    for order, (colour, sv, en) in enumerate(
        [
            ("red", "Fasaden mot gatan", "The front facing the street"),
            ("green", "Lagerhallen inifrån", ""),
            ("blue", "Planritning", "Floor plan"),
        ]
    ):
        PremisesImage(
            premises=premises, image=_jpeg(colour), alt_text_sv=sv, alt_text_en=en, order=order
        ).save()
    return premises


def _figures(html: str) -> list[tuple[str, str]]:
    """(link name, caption) of each figure in the gallery, in order."""
    gallery = html.split('<ul class="gallery">')[1].split("</ul>")[0]
    return [
        (re.sub(r"<[^>]+>", "", name).strip(), caption)
        for name, caption in re.findall(
            r"<a [^>]*>(.*?)</a>\s*<figcaption[^>]*>(.*?)</figcaption>", gallery, re.S
        )
    ]


def test_every_photo_is_a_figure_with_its_caption_in_order(client, premises_with_photos):
    html = client.get(f"/sv/premises/{premises_with_photos.pk}/").content.decode()

    assert _figures(html) == [
        ("Foto 1 av 3, full storlek", "Fasaden mot gatan"),
        ("Foto 2 av 3, full storlek", "Lagerhallen inifrån"),
        ("Foto 3 av 3, full storlek", "Planritning"),
    ]
    assert '<h2 id="photos-heading" class="visually-hidden">3 foton</h2>' in html
    # The caption describes the photo; the image is not described a second time.
    assert re.findall(r'<img src="[^"]+" alt=""', html.split('<ul class="gallery">')[1].split("</ul>")[0])


def test_english_captions_where_given_swedish_otherwise(client, premises_with_photos):
    html = client.get(f"/en/premises/{premises_with_photos.pk}/").content.decode()

    assert [caption for _name, caption in _figures(html)] == [
        "The front facing the street",
        "Lagerhallen inifrån",
        "Floor plan",
    ]


def test_the_floor_plan_is_linked_as_a_pdf(client, orebro):
    premises = PremisesFactory(municipality=orebro, title="Kontor i Nora")
    premises.floor_plan.save("plan.pdf", _pdf())

    html = client.get(f"/en/premises/{premises.pk}/").content.decode()

    link = re.search(r'<a class="floor-plan-link" href="([^"]+)" type="application/pdf">([^<]+)</a>', html)
    assert link, "no floor plan link"
    assert link.group(2) == "Floor plan of Kontor i Nora (PDF)"
    assert client.get(link.group(1)).status_code == 200


def test_no_gallery_and_no_floor_plan_section_without_them(client, orebro):
    premises = PremisesFactory(municipality=orebro)

    html = client.get(f"/en/premises/{premises.pk}/").content.decode()

    assert 'class="gallery"' not in html and "floor-plan-heading" not in html


def test_the_demo_draws_three_distinct_captioned_pictures_and_a_floor_plan_per_listing(county):
    call_command("demo_premises", verbosity=0)

    digests = set()
    listings = list(Premises.objects.prefetch_related("images"))
    for premises in listings:
        photos = list(premises.images.all())
        assert len(photos) == 3, premises.external_ref
        assert all(p.alt_text_sv and p.alt_text_en and p.thumbnail for p in photos)
        assert photos[2].alt_text_en == f"Floor plan: {premises.title}"[:200]
        for photo in photos:
            with photo.image.open("rb") as f:
                digests.add(hashlib.sha256(f.read()).hexdigest())
        with premises.floor_plan.open("rb") as f:
            reader = PdfReader(f)
            assert len(reader.pages) == 1
    # The façade carries the listing's name and the plan its area: no two pictures alike.
    assert len(digests) == 3 * len(listings)
