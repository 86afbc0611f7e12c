"""Load the demo premises: 46 listings in all twelve municipalities. Safe to run again.

The listings are in fixtures/demo_premises.csv, in the import format, and go through
the same importer as an officer's file (upsert by municipality and external_ref).
Industrial, warehouse and workshop listings carry their structured specs (clear
height, doors, floor load, main fuse, office share, year built) in the spec columns,
not as prose in the description, so the spec filters find them.
Dates are then spread out so that sorting and the freshness flag have something to
show, and each listing without photos gets a drawn illustration, made here with
Pillow rather than stored as binary files in the repository.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from brorebro.importing import read_path
from premises.importing import PremisesImporter
from premises.models import Kind, Premises, PremisesImage

DEMO_FILE = settings.BASE_DIR / "fixtures" / "demo_premises.csv"
# Shown in the admin as "not confirmed for 90 days" but still public.
NEEDS_CONFIRMATION = {"KAR-703", "LIN-904"}

ALT_TEXT = {
    "warehouse": ("Illustration: lagerbyggnad med lastportar", "Illustration: warehouse with loading doors"),
    "industrial": (
        "Illustration: industribyggnad med portar",
        "Illustration: industrial building with doors",
    ),
    "workshop": ("Illustration: verkstadsbyggnad med port", "Illustration: workshop building with a door"),
    "retail": (
        "Illustration: butik med skyltfönster och markis",
        "Illustration: shop with display windows and awning",
    ),
    "restaurant": ("Illustration: restaurang med markis", "Illustration: restaurant with an awning"),
}
DEFAULT_ALT = ("Illustration: byggnad med fönster", "Illustration: building with windows")
FACADES = ["#c8553d", "#d9b26f", "#8fa3ad", "#e8dcc4", "#6b8f71", "#b5838d"]


class Command(BaseCommand):
    help = "Load (or refresh) the demo premises across all twelve municipalities."

    def handle(self, *args, **options):
        report = PremisesImporter(user=None).run(read_path(DEMO_FILE))
        if not report.ok:
            raise CommandError("\n".join(str(error) for error in report.errors))
        refs = [values["external_ref"] for _line, values in read_path(DEMO_FILE).rows]
        with transaction.atomic():
            self._spread_dates(refs)
            drawn = self._illustrate(refs)
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Demo premises: {len(report.created)} created, {len(report.updated)} updated, {drawn} illustrated."
            )

    def _spread_dates(self, refs: list[str]) -> None:
        now = timezone.now()
        for index, premises in enumerate(
            Premises.objects.filter(external_ref__in=refs).order_by("external_ref")
        ):
            if premises.status != "published":
                continue
            published = now - timedelta(days=3 + (index * 7) % 150)
            confirmed = now - timedelta(
                days=100 if premises.external_ref in NEEDS_CONFIRMATION else index % 30
            )
            Premises.objects.filter(pk=premises.pk).update(
                published_at=published, confirmed_at=max(published, confirmed)
            )

    def _illustrate(self, refs: list[str]) -> int:
        drawn = 0
        for index, premises in enumerate(Premises.objects.filter(external_ref__in=refs, images__isnull=True)):
            alt_sv, alt_en = ALT_TEXT.get(premises.kind, DEFAULT_ALT)
            picture = ContentFile(illustration(premises.kind, index), name="demo.jpg")
            PremisesImage(premises=premises, image=picture, alt_text_sv=alt_sv, alt_text_en=alt_en).save()
            drawn += 1
        return drawn


def _darker(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"#{red * 3 // 4:02x}{green * 3 // 4:02x}{blue * 3 // 4:02x}"


def illustration(kind: str, seed: int) -> bytes:
    """A simple drawing of a building of the given kind, as JPEG bytes."""
    width, height = 640, 480
    image = Image.new("RGB", (width, height), "#bcd9ea")
    draw = ImageDraw.Draw(image)
    for y in range(0, 300, 6):  # a sky that lightens towards the horizon
        shade = 200 + y // 6
        draw.rectangle([0, y, width, y + 6], fill=(min(shade - 40, 255), min(shade - 10, 255), 245))
    draw.rectangle([0, 380, width, height], fill="#7a8b6f")
    draw.rectangle([0, 400, width, height], fill="#9a9a96")
    facade = FACADES[seed % len(FACADES)]
    if kind in (Kind.WAREHOUSE, Kind.INDUSTRIAL, Kind.WORKSHOP):
        draw.rectangle([60, 220, 600, 400], fill=facade, outline="#3b3b3b", width=3)
        draw.polygon([(50, 225), (330, 170), (610, 225)], fill="#5a5f66")
        for x in range(70, 600, 14):  # corrugated cladding
            draw.line([x, 230, x, 398], fill=_darker(facade), width=1)
        doors = 5 if kind == Kind.WAREHOUSE else 2
        step = 520 // doors
        for i in range(doors):
            x = 80 + i * step
            draw.rectangle([x, 300, x + step - 40, 400], fill="#3d4a57", outline="#222", width=2)
            for y in range(310, 400, 12):
                draw.line([x + 2, y, x + step - 42, y], fill="#55636f", width=2)
    else:
        storeys = 2 if kind in (Kind.RETAIL, Kind.RESTAURANT, Kind.OTHER) else 4
        top = 400 - storeys * 60
        draw.rectangle([120, top, 520, 400], fill=facade, outline="#3b3b3b", width=3)
        draw.rectangle([110, top - 12, 530, top], fill="#4a4f55")
        for storey in range(storeys):
            y = top + 15 + storey * 60
            for x in range(145, 500, 60):
                draw.rectangle([x, y, x + 34, y + 36], fill="#dfeef7", outline="#2f3b45", width=2)
        if kind in (Kind.RETAIL, Kind.RESTAURANT):
            draw.rectangle([130, 330, 510, 400], fill="#cfe3ee", outline="#2f3b45", width=3)
            for x in range(130, 510, 38):
                draw.polygon(
                    [(x, 300), (x + 38, 300), (x + 38, 325), (x, 325)],
                    fill="#b0302a" if (x // 38) % 2 else "#f2efe6",
                )
        draw.rectangle([295, 345, 345, 400], fill="#3d4a57")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()
