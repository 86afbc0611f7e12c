"""Demo land plots and transport landmarks for Örebro County. Safe to run more than once.

The landmarks are the real junctions, terminals and airport that matter to a
logistics company here; their coordinates are approximate (to a few hundred
metres). The plots are invented, but placed in or beside real business areas and
drawn in SWEREF 99 TM around a point; each whole plot is checked to lie inside its
municipality's boundary when boundaries are loaded (`load_demo` loads them first).

Honest gaps: Lindesberg has no motorway (riksväg 50 is an ordinary trunk road), and
the county has no sea port; the nearest Vänern port, Kristinehamn, is in Värmland.
"""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from brorebro.models import Municipality
from brorebro.spatial import wgs84_point
from land.models import Landmark, LandmarkKind, LandPlot, LandPlotStatus

J, T, A, P = (
    LandmarkKind.MOTORWAY_JUNCTION,
    LandmarkKind.RAIL_TERMINAL,
    LandmarkKind.AIRPORT,
    LandmarkKind.PORT,
)

# fmt: off
# (kind, name, lon, lat)
LANDMARKS = [
    (J, "E18/E20 trafikplats Törsjö, Örebro", 15.2905, 59.2325),
    (J, "E20 trafikplats Adolfsberg, Örebro", 15.2330, 59.2265),
    (J, "E20 trafikplats Marieberg, Örebro", 15.1920, 59.2190),
    (J, "E18/E20 trafikplats Bista, Örebro", 15.1230, 59.2520),
    (J, "E18/E20 trafikplats Glanshammar, Örebro", 15.3960, 59.3140),
    (J, "E20 trafikplats Kumla", 15.1080, 59.1380),
    (J, "E20 trafikplats Vretstorp (Hallsberg)", 15.0500, 59.0300),
    (J, "E20 trafikplats Laxå", 14.6080, 59.0000),
    (J, "E18 trafikplats Karlskoga östra (Lunedet)", 14.5620, 59.3080),
    (J, "E18 trafikplats Karlskoga västra", 14.4700, 59.3180),
    (J, "E18/E20 trafikplats Arboga (Västmanland, vid länsgränsen)", 15.8300, 59.3960),
    (T, "Hallsberg Kombiterminal", 15.1330, 59.0700),
    (T, "Örebro Kombiterminal, Törsjö", 15.2800, 59.2440),
    (A, "Örebro Airport (ORB)", 15.0380, 59.2237),
    (P, "Kristinehamns hamn, Vänern (Värmland)", 14.0850, 59.2960),
]

W, H, F = "water_sewer", "district_heating", "fibre"

# (code, ref, name, business area, lon, lat, hectares, purposes, SEK/m², plan id, plan status,
#  plan codes, services, kW, rail, status)
PLOTS = [
    # Örebro: logistics at the Törsjö terminal and the E18/E20, smaller plots elsewhere.
    ("1880", "ORE-T3-01", "Törsjö 6:12", "Logistikcentrum Törsjö etapp 3", 15.2900, 59.2430, 18.0,
     "logistics,industry", 350, "1880-P920", "in_force", "J1, Z1", (W, H, F), 4000, True, "published"),
    ("1880", "ORE-T3-02", "Törsjö 6:14", "Logistikcentrum Törsjö etapp 3", 15.3000, 59.2375, 9.5,
     "logistics", 350, "1880-P920", "in_force", "Z1", (W, H, F), 2500, True, "published"),
    ("1880", "ORE-T4-01", "Törsjö 7:2", "Logistikcentrum Törsjö etapp 4", 15.3140, 59.2470, 27.0,
     "logistics,industry", None, "1880-P1204", "in_progress", "J1, Z1", (W, F), 6000, True, "published"),
    ("1880", "ORE-T4-02", "Törsjö 7:5", "Logistikcentrum Törsjö etapp 4", 15.3260, 59.2420, 14.0,
     "logistics", None, "1880-P1204", "in_progress", "Z1", (W, F), 3000, True, "reserved"),
    ("1880", "ORE-BI-01", "Bista 4:7", "Västra Bista verksamhetsområde", 15.1150, 59.2620, 6.2,
     "industry,logistics", 300, "1880-P877", "in_force", "J1, Z1", (W, H, F), 1600, False, "published"),
    ("1880", "ORE-MA-01", "Marieberg 3:21", "Marieberg södra", 15.1960, 59.2135, 1.8,
     "retail,office", 900, "1880-P1011", "in_force", "H1, K1", (W, H, F), 600, False, "published"),
    ("1880", "ORE-AP-01", "Ekeby-Almby 9:3", "Örebro Airport företagspark", 15.0560, 59.2290, 4.3,
     "logistics,office", 280, "1880-P1150", "in_force", "Z1, K1", (W, F), 1200, False, "published"),
    ("1880", "ORE-GL-01", "Glanshammar 2:40", "Glanshammars verksamhetsområde", 15.4040, 59.3225, 2.4,
     "industry,mixed", 150, "1880-P990", "in_force", "J1", (W, F), 500, False, "published"),
    # Hallsberg: the rail hub.
    ("1861", "HBG-LP-01", "Samsala 1:85", "Logistikpark Hallsberg etapp 2", 15.1500, 59.0620, 22.0,
     "logistics", 190, "1861-P2014/3", "in_force", "Z1", (W, F), 5000, True, "published"),
    ("1861", "HBG-LP-02", "Samsala 1:86", "Logistikpark Hallsberg etapp 2", 15.1520, 59.0690, 12.0,
     "logistics,industry", 190, "1861-P2014/3", "in_force", "Z1, J1", (W, F), 3000, True, "published"),
    ("1861", "HBG-VR-01", "Vretstorp 3:12", "Vretstorps företagspark", 15.0600, 59.0350, 6.0,
     "industry,logistics", 160, "1861-P2019/1", "in_force", "J1, Z1", (W, F), 1500, False, "published"),
    ("1861", "HBG-OS-01", "Östansjö 5:9", "Östansjö industriområde", 15.0320, 59.0480, 1.2,
     "industry", 90, "1861-P1998/2", "in_force", "J1", (W,), 250, False, "published"),
    # Kumla
    ("1881", "KUM-NO-01", "Kumla 9:210", "Kumla norra industriområde", 15.1280, 59.1420, 8.0,
     "industry", 220, "1881-P07/4", "in_force", "J1", (W, H, F), 2000, False, "published"),
    ("1881", "KUM-HB-01", "Hällabrottet 1:77", "Hällabrottets verksamhetsområde", 15.1720, 59.1150, 5.0,
     "industry,logistics", 200, "1881-P15/2", "in_force", "J1, Z1", (W, F), 1200, False, "published"),
    ("1881", "KUM-CV-01", "Kumla 4:15", "Kumla centrum väst", 15.1330, 59.1250, 0.6,
     "retail,office,mixed", 700, "1881-P21/1", "in_force", "C1, K1", (W, H, F), 200, False, "published"),
    ("1881", "KUM-NO-02", "Kumla 9:214", "Kumla norra industriområde", 15.1190, 59.1470, 3.5,
     "industry", 220, "", "none", "", (W,), None, False, "draft"),
    # Karlskoga
    ("1883", "KGA-BO-01", "Bofors 1:63", "Bofors industriområde", 14.5480, 59.3180, 7.5,
     "industry", 180, "1883-P12/05", "in_force", "J1, J2", (W, H, F), 3000, False, "published"),
    ("1883", "KGA-LU-01", "Lunedet 2:18", "Lunedets företagspark", 14.5720, 59.3020, 4.0,
     "industry,logistics", 200, "1883-P18/02", "in_force", "J1, Z1", (W, F), 1000, False, "published"),
    ("1883", "KGA-VA-01", "Aggerud 1:120", "Karlskoga västra", 14.4850, 59.3290, 1.5,
     "industry,other", 140, "1883-P09/11", "in_force", "J1, E1", (W,), 400, False, "published"),
    # Lindesberg
    ("1885", "LBG-LI-01", "Lindesby 3:44", "Lindesby industriområde", 15.2130, 59.5850, 5.5,
     "industry", 120, "1885-P2011/04", "in_force", "J1", (W, H, F), 1200, False, "published"),
    ("1885", "LBG-FR-01", "Frövi 6:31", "Frövi industriområde", 15.3560, 59.4700, 3.0,
     "industry", 100, "1885-P2016/02", "in_force", "J1", (W, F), 800, True, "published"),
    # Laxå
    ("1860", "LAX-RA-01", "Ramundeboda 1:58", "Laxå industriområde", 14.6050, 58.9920, 4.5,
     "industry", 60, "1860-P2008/1", "in_force", "J1", (W, F), 1000, True, "published"),
    ("1860", "LAX-BR-01", "Laxå bruk 2:9", "Laxå bruksområde", 14.6300, 58.9810, 1.0,
     "industry,mixed", 50, "1860-P1994/3", "in_force", "J1, B1", (W,), 300, False, "published"),
    # The rest of the county: smaller plots.
    ("1814", "LEK-FJ-01", "Fjugesta 1:312", "Fjugesta företagsområde", 14.8800, 59.1700, 1.4,
     "industry,mixed", 90, "1814-P2013/2", "in_force", "J1, Z1", (W, F), 300, False, "published"),
    ("1862", "DEG-ST-01", "Strömtorp 1:44", "Strömtorps industriområde", 14.4400, 59.2350, 1.9,
     "industry", 80, "1862-P1987/5", "in_force", "J1", (W, H), 500, False, "published"),
    ("1863", "HFS-GR-01", "Hällefors 2:118", "Hällefors industriområde", 14.5100, 59.7800, 1.2,
     "industry", 60, "1863-P2005/1", "in_force", "J1", (W, F), 300, False, "published"),
    ("1864", "LJU-KO-01", "Kopparberg 10:3", "Kopparbergs industriområde", 14.9900, 59.8700, 0.9,
     "industry,other", 50, "1864-P1999/2", "in_force", "J1", (W,), 200, False, "published"),
    ("1882", "ASK-NO-01", "Askersund 5:77", "Askersund norra verksamhetsområde", 14.9100, 58.8900, 1.6,
     "industry,office", 120, "1882-P2010/3", "in_force", "J1, K1", (W, H, F), 400, False, "published"),
    ("1884", "NOR-GY-01", "Gyttorp 1:19", "Gyttorps industriområde", 15.0700, 59.5100, 2.2,
     "industry", 90, "1884-P2003/1", "in_force", "J1", (W,), 600, True, "published"),
    ("1884", "NOR-OS-01", "Nora 3:140", "Nora östra", 15.0500, 59.5200, 0.8,
     "office,retail", 200, "1884-P2017/2", "in_force", "K1, H1", (W, H, F), 200, False, "published"),
]
# fmt: on

CONTACTS = {
    "1880": "Anna Lindqvist",
    "1861": "Johan Berg",
    "1881": "Sara Nyström",
    "1883": "Per Ekström",
    "1885": "Lena Holm",
    "1860": "Mats Karlsson",
    "1814": "Eva Sjöberg",
    "1862": "Olof Andersson",
    "1863": "Karin Björk",
    "1864": "Nils Hedlund",
    "1882": "Maria Falk",
    "1884": "Erik Lund",
}


def plot_polygon(lon: float, lat: float, hectares: float, index: int) -> MultiPolygon:
    """A plot-like outline in SWEREF 99 TM: a rotated rectangle with one corner cut off."""
    centre = wgs84_point(lon, lat)
    aspect = 1.0 + (index % 4) * 0.3  # width / depth
    cut = 0.18 if index % 3 else 0.0  # share of each side cut at one corner
    area = hectares * 10000 / (1 - cut * cut / 2)
    depth = math.sqrt(area / aspect)
    width = depth * aspect
    angle = math.radians((index * 23) % 50 - 25)
    w, d = width / 2, depth / 2
    corners = [(-w, -d), (w, -d), (w, d - cut * depth), (w - cut * width, d), (-w, d)]
    cos, sin = math.cos(angle), math.sin(angle)
    ring = [(centre.x + x * cos - y * sin, centre.y + x * sin + y * cos) for x, y in corners]
    ring.append(ring[0])
    return MultiPolygon(Polygon(ring), srid=settings.SRID)


class Command(BaseCommand):
    help = "Create or update the demo land plots and the county's transport landmarks."

    @transaction.atomic
    def handle(self, *args, **options):
        for kind, name, lon, lat in LANDMARKS:
            Landmark.objects.update_or_create(
                name=name, defaults={"kind": kind, "location": wgs84_point(lon, lat)}
            )
        municipalities = {m.code: m for m in Municipality.objects.all()}
        missing = sorted({row[0] for row in PLOTS} - set(municipalities))
        if missing:
            raise CommandError(
                f"Load the municipalities first (missing {', '.join(missing)}): manage.py load_demo"
            )
        now = timezone.now()
        outside = []
        for index, row in enumerate(PLOTS):
            (
                code,
                ref,
                name,
                area_name,
                lon,
                lat,
                hectares,
                purposes,
                price,
                plan_id,
                plan_status,
                plan_codes,
                services,
                kw,
                rail,
                status,
            ) = row
            municipality = municipalities[code]
            geom = plot_polygon(lon, lat, hectares, index)
            if municipality.boundary is not None and not municipality.boundary.contains(geom):
                outside.append(f"{ref} ({municipality.name})")
            published = status != LandPlotStatus.DRAFT
            defaults = {
                "name": name,
                "area_name": area_name,
                "geom": geom,
                "purposes": purposes.split(","),
                "price_sek_per_m2": Decimal(price) if price is not None else None,
                "plan_id": plan_id,
                "plan_status": plan_status,
                "plan_purpose_codes": plan_codes,
                "max_site_coverage_pct": 50 if "logistics" in purposes or "industry" in purposes else 40,
                "max_building_height_m": Decimal("20.0") if "logistics" in purposes else Decimal("14.0"),
                "plan_document_url": f"https://example.org/detaljplaner/{plan_id}.pdf" if plan_id else "",
                "divisible": hectares >= 5,
                "min_plot_m2": 10000 if hectares >= 5 else None,
                "water_sewer": W in services,
                "district_heating": H in services,
                "fibre": F in services,
                "electricity_kw": kw,
                "rail_siding_possible": rail,
                "description_sv": self.description_sv(area_name, hectares, purposes, rail),
                "description_en": self.description_en(area_name, hectares, purposes, rail),
                "contact_name": CONTACTS[code],
                "contact_organisation": f"{municipality.name} kommun, näringslivskontoret",
                "contact_email": municipality.office_email,
                "contact_phone": "",
                "status": status,
                "published_at": now - timedelta(days=7 * index + 3) if published else None,
                "confirmed_at": now - timedelta(days=index) if published else None,
            }
            LandPlot.objects.update_or_create(municipality=municipality, external_ref=ref, defaults=defaults)
        if outside:
            raise CommandError("Demo plots outside their municipality: " + ", ".join(outside))
        if options["verbosity"]:
            self.stdout.write(f"Demo land: {len(PLOTS)} plots, {len(LANDMARKS)} transport landmarks.")

    @staticmethod
    def description_sv(area_name: str, hectares: float, purposes: str, rail: bool) -> str:
        size = f"{hectares:.1f}".replace(".", ",")
        text = f"Planlagd mark i {area_name}, cirka {size} hektar."
        if "logistics" in purposes:
            text += " Lämplig för lager och logistik med goda transportförbindelser."
        if rail:
            text += " Spåranslutning är möjlig."
        return text

    @staticmethod
    def description_en(area_name: str, hectares: float, purposes: str, rail: bool) -> str:
        text = f"Zoned land in {area_name}, about {hectares:.1f} hectares."
        if "logistics" in purposes:
            text += " Suited to warehousing and logistics, with good transport links."
        if rail:
            text += " A rail siding is possible."
        return text
