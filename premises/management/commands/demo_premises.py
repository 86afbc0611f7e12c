"""Load the demo premises: 46 listings in all twelve municipalities. Safe to run again.

The listings are in fixtures/demo_premises.csv, in the import format, and go through
the same importer as an officer's file (upsert by municipality and external_ref).
Industrial, warehouse and workshop listings carry their structured specs (clear
height, doors, floor load, main fuse, office share, year built) in the spec columns,
not as prose in the description, so the spec filters find them.
Dates are then spread out so that sorting and the freshness flag have something to
show, and each listing without photos gets three drawn pictures with captions (the
façade with the listing's name on a sign, the inside, and the floor plan) and a floor
plan PDF. They are made here with Pillow, in colours and proportions that follow from
the listing's reference, so every listing looks different; no binary file is stored
in the repository.
"""

from __future__ import annotations

import io
import unicodedata
import zlib
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

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
        for premises in Premises.objects.filter(external_ref__in=refs, images__isnull=True):
            seed = zlib.crc32(premises.external_ref.encode())
            alt_sv, alt_en = ALT_TEXT.get(premises.kind, DEFAULT_ALT)
            inside_sv, inside_en = INSIDE_TEXT.get(premises.kind, DEFAULT_INSIDE)
            plan = floor_plan_drawing(premises, seed)
            pictures = [
                (illustration(premises.kind, seed, sign=premises.title), alt_sv, alt_en),
                (interior(premises.kind, seed, premises.title), inside_sv, inside_en),
                (
                    _jpeg(plan.resize((640, 452))),
                    f"Planritning: {premises.title}"[:200],
                    f"Floor plan: {premises.title}"[:200],
                ),
            ]
            for order, (data, text_sv, text_en) in enumerate(pictures):
                picture = ContentFile(data, name="demo.jpg")
                PremisesImage(
                    premises=premises, image=picture, alt_text_sv=text_sv, alt_text_en=text_en, order=order
                ).save()
            if not premises.floor_plan:
                buffer = io.BytesIO()
                plan.save(buffer, format="PDF", resolution=150, title=f"Floor plan: {premises.title}")
                premises.floor_plan.save("plan.pdf", ContentFile(buffer.getvalue()), save=False)
                # update(), not save(): the demo's spread dates and the history stay as they are.
                Premises.objects.filter(pk=premises.pk).update(floor_plan=premises.floor_plan.name)
            drawn += 1
        return drawn


def _darker(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"#{red * 3 // 4:02x}{green * 3 // 4:02x}{blue * 3 // 4:02x}"


def illustration(kind: str, seed: int, sign: str = "") -> bytes:
    """A simple drawing of a building of the given kind, as JPEG bytes, with `sign` on its front."""
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
        roof = 200
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
        roof = top - 12
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
    if sign:
        # The listing's name on a sign board, so each demo listing's photo is its own.
        font = _font(22)
        text = _fit(draw, sign, font, 400)
        box = draw.textbbox((0, 0), text, font=font)
        w, h = box[2] - box[0], box[3] - box[1]
        x, y = (width - w) // 2, roof - h - 44 - (seed % 3) * 6
        draw.line([x - 4, y + h + 14, x - 4, roof], fill="#2f3b45", width=3)
        draw.line([x + w + 4, y + h + 14, x + w + 4, roof], fill="#2f3b45", width=3)
        draw.rectangle([x - 14, y - 10, x + w + 14, y + h + 14], fill="#fdfbf4", outline="#2f3b45", width=3)
        draw.text((x, y - box[1]), text, font=font, fill="#1b2a36")
    return _jpeg(image)


# What the second picture shows, by kind: (Swedish, English) captions.
INSIDE_TEXT = {
    "warehouse": (
        "Illustration: lagerhallen inifrån med pallställ",
        "Illustration: the warehouse hall with pallet racking",
    ),
    "industrial": (
        "Illustration: produktionshallen inifrån med traverskran",
        "Illustration: the production hall with an overhead crane",
    ),
    "workshop": (
        "Illustration: verkstaden inifrån med arbetsbänkar",
        "Illustration: the workshop with workbenches",
    ),
    "retail": (
        "Illustration: butiksytan med hyllor och kassadisk",
        "Illustration: the shop floor with shelves and a counter",
    ),
    "restaurant": (
        "Illustration: matsalen med bord och bardisk",
        "Illustration: the dining room with tables and a bar",
    ),
}
DEFAULT_INSIDE = (
    "Illustration: kontorsrum med skrivbord och fönster",
    "Illustration: office room with desks and windows",
)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


@cache
def _font(size: int) -> ImageFont.ImageFont:
    """DejaVu Sans where Debian has it (it has å, ä and ö), else Pillow's own font."""
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    font = ImageFont.load_default(size=size)
    font.ascii_only = True
    return font


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    """`text` shortened with "…" to fit `width` pixels (ASCII only for a font without å, ä, ö)."""
    if getattr(font, "ascii_only", False):
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def interior(kind: str, seed: int, plaque: str = "") -> bytes:
    """The inside of a premises of the given kind, in one-point perspective, as JPEG bytes,
    with `plaque` on a name plate on the back wall."""
    width, height = 640, 480
    wall = FACADES[(seed // 7) % len(FACADES)]
    image = Image.new("RGB", (width, height), "#eeeae2")
    draw = ImageDraw.Draw(image)
    vx, vy = 320 + (seed % 5 - 2) * 30, 210  # vanishing point
    back = [vx - 150, vy - 90, vx + 150, vy + 90]
    draw.polygon([(0, 0), (width, 0), (back[2], back[1]), (back[0], back[1])], fill="#f7f5f0")  # ceiling
    draw.polygon(
        [(0, height), (width, height), (back[2], back[3]), (back[0], back[3])], fill="#b9b2a6"
    )  # floor
    draw.polygon([(0, 0), (back[0], back[1]), (back[0], back[3]), (0, height)], fill=wall)  # left wall
    draw.polygon([(width, 0), (back[2], back[1]), (back[2], back[3]), (width, height)], fill=_darker(wall))
    draw.rectangle(back, fill="#e2ddd2", outline="#6b6b6b", width=2)
    for i in range(1, 6):  # floor joints running to the back wall
        x = i * width // 6
        draw.line([x, height, back[0] + i * 300 // 6, back[3]], fill="#a39c90", width=1)
    if kind in (Kind.WAREHOUSE, Kind.INDUSTRIAL, Kind.WORKSHOP):
        for depth in (0.15, 0.4, 0.65):  # racks or columns receding on both sides
            for side in (-1, 1):
                near_x = vx + side * (300 - depth * 150)
                far_x = vx + side * (300 - (depth + 0.15) * 150)
                top, bottom = vy - 190 + depth * 100, vy + 230 - depth * 140
                draw.polygon(
                    [(near_x, top), (far_x, top + 20), (far_x, bottom - 20), (near_x, bottom)],
                    fill="#e07b39" if kind == Kind.WAREHOUSE else "#5b6770",
                )
        if kind == Kind.INDUSTRIAL:
            draw.rectangle([80, 60, 560, 78], fill="#f2c230", outline="#333")
        draw.rectangle([vx - 60, vy - 30, vx + 60, vy + 90], fill="#3d4a57")  # a door at the back
    else:
        for i in range(3):  # windows on the left wall
            x0 = 20 + i * 60
            draw.polygon(
                [(x0, 90 + i * 20), (x0 + 40, 100 + i * 22), (x0 + 40, 260 - i * 8), (x0, 270 - i * 10)],
                fill="#cfe6f3",
                outline="#2f3b45",
            )
        furniture = "#7a5c43" if kind in (Kind.RETAIL, Kind.RESTAURANT) else "#f4f4f4"
        for row in range(2):
            for col in range(3):
                x = 200 + col * 110 + row * 20
                y = 330 + row * 70
                draw.rectangle([x, y, x + 80, y + 30], fill=furniture, outline="#3b3b3b", width=2)
    if plaque:
        font = _font(13)
        text = _fit(draw, plaque, font, 260)
        box = draw.textbbox((0, 0), text, font=font)
        x, y = vx - (box[2] - box[0]) // 2, back[1] + 14
        draw.rectangle(
            [x - 8, y - 6, x + box[2] - box[0] + 8, y + box[3] + 6], fill="#fdfbf4", outline="#555", width=1
        )
        draw.text((x, y), text, font=font, fill="#1b2a36")
    return _jpeg(image)


def floor_plan_drawing(premises: Premises, seed: int) -> Image.Image:
    """A floor plan of the premises: rooms, doors, the area, a north arrow and a scale bar."""
    width, height = 1240, 877  # A4 landscape at 150 dpi
    image = Image.new("RGB", (width, height), "#ffffff")
    draw = ImageDraw.Draw(image)
    title_font, label_font = _font(34), _font(24)
    draw.text((60, 40), _fit(draw, premises.title, title_font, 1100), font=title_font, fill="#111")
    area = f"{premises.area_min_m2:,}".replace(",", " ")
    if premises.area_max_m2 != premises.area_min_m2:
        area += "–" + f"{premises.area_max_m2:,}".replace(",", " ")
    draw.text((60, 90), f"{area} m²  ·  {premises.locality}", font=label_font, fill="#333")
    left, top, right, bottom = 80, 160, 1160, 780
    draw.rectangle([left, top, right, bottom], outline="#111", width=8)
    if premises.kind in (Kind.WAREHOUSE, Kind.INDUSTRIAL, Kind.WORKSHOP):
        split = left + 260 + (seed % 4) * 30
        rooms = [
            ((left, top, split, bottom), ("Kontor", "Office")),
            ((split, top, right, bottom), ("Hall", "Hall")),
        ]
        doors = 2 + seed % 4
        step = (right - split) // doors
        for i in range(doors):  # loading doors on the long wall
            x = split + 30 + i * step
            draw.rectangle(
                [x, bottom - 8, x + step - 60, bottom + 8], fill="#ffffff", outline="#111", width=3
            )
    else:
        columns = 2 + seed % 3
        step = (right - left) // columns
        names = [("Kontor", "Office"), ("Möte", "Meeting"), ("Pentry", "Kitchen"), ("Förråd", "Storage")]
        rooms = [
            ((left + i * step, top, left + (i + 1) * step, top + 360), names[i % len(names)])
            for i in range(columns)
        ]
        rooms.append(((left, top + 360, right, bottom), ("Öppen yta", "Open area")))
    for (x0, y0, x1, y1), (name_sv, name_en) in rooms:
        draw.rectangle([x0, y0, x1, y1], outline="#111", width=4)
        draw.rectangle([x0 + (x1 - x0) // 2 - 40, y1 - 4, x0 + (x1 - x0) // 2 + 40, y1 + 4], fill="#ffffff")
        label = name_sv if name_sv == name_en else f"{name_sv} / {name_en}"
        box = draw.textbbox((0, 0), label, font=label_font)
        draw.text(((x0 + x1 - box[2]) // 2, (y0 + y1 - box[3]) // 2), label, font=label_font, fill="#333")
    draw.rectangle([left + 40, bottom - 4, left + 140, bottom + 4], fill="#ffffff")  # the entrance
    draw.polygon([(1150, 60), (1135, 110), (1165, 110)], fill="#111")  # north arrow
    draw.text((1142, 112), "N", font=label_font, fill="#111")
    draw.line([80, 820, 280, 820], fill="#111", width=4)
    draw.text((290, 806), "10 m", font=label_font, fill="#111")
    return image
