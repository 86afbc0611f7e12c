"""The fixed URL mix of the load test, built from the generated dataset.

Filters and map views are the ones a visitor uses: a county municipality and a kind
of premises, an area range, free text, amenities, a radius search; the map at zoom
5 (all of Sweden), 8 (a county) and 13 (a town centre). Detail pages use real ids of
visible listings, picked by a fixed stride so every run uses the same ones.
"""

from __future__ import annotations

from urllib.parse import urlencode

# west,south,east,north in WGS84
SWEDEN = "10.5,55.0,24.5,69.5"
OREBRO_COUNTY = "14.2,58.6,15.8,59.9"
STOCKHOLM_COUNTY = "17.2,58.7,19.3,60.2"
VASTRA_GOTALAND = "11.0,57.5,13.5,59.0"
TOWNS = {
    "Örebro": "15.17,59.25,15.25,59.30",
    "Stockholm": "18.03,59.31,18.11,59.35",
    "Göteborg": "11.93,57.68,12.01,57.73",
    "Kumla": "15.11,59.11,15.17,59.14",
}


def q(path: str, params: list[tuple[str, str]] | None = None) -> str:
    return path + ("?" + urlencode(params) if params else "")


def _ids(queryset, count: int) -> list[int]:
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    if not pks:
        return []
    stride = max(1, len(pks) // count)
    return pks[::stride][:count]


def build_mix(scale: float) -> dict:
    from establishment.models import EstablishmentRequest
    from land.models import LandPlot
    from premises.models import Premises

    premises_search = [
        q("/sv/premises/"),
        q("/sv/premises/", [("municipality", "1880"), ("kind", "warehouse"), ("area_min", "1000")]),
        q("/sv/premises/", [("municipality", "1880"), ("kind", "office")]),
        q(
            "/sv/premises/",
            [("kind", "office"), ("area_min", "100"), ("area_max", "500"), ("tenure", "rent")],
        ),
        q("/sv/premises/", [("q", "lagerlokal")]),
        q("/sv/premises/", [("q", "Storgatan Örebro")]),
        q(
            "/sv/premises/",
            [
                ("municipality", "1880"),
                ("municipality", "1814"),
                ("amenity", "parking"),
                ("amenity", "fibre"),
            ],
        ),
        q("/sv/premises/", [("rent_max", "1200"), ("sort", "area_desc")]),
        q("/en/premises/", [("kind", "retail"), ("page", "2")]),
        q("/sv/premises/", [("near", "59.2741,15.2066"), ("radius_km", "10"), ("sort", "distance")]),
        q("/sv/premises/", [("bbox", TOWNS["Örebro"])]),
        q("/sv/premises/", [("municipality", "1881"), ("kind", "industrial"), ("kind", "workshop")]),
        q("/sv/premises/", [("tenure", "sale"), ("price_max", "5000000")]),
        q("/sv/premises/", [("page", "40")]),
        q("/en/premises/", [("municipality", "1880"), ("area_min", "200"), ("sort", "rent_asc")]),
    ]
    land_search = [
        q("/sv/land/"),
        q("/sv/land/", [("municipality", "1880"), ("purpose", "logistics")]),
        q("/sv/land/", [("area_min_ha", "5")]),
        q("/sv/land/", [("service", "water_sewer"), ("service", "fibre")]),
        q("/sv/land/", [("plan_status", "in_force"), ("price_max", "300")]),
        q("/sv/land/", [("q", "Törsjö")]),
        q("/en/land/", [("purpose", "industry"), ("purpose", "logistics"), ("rail", "on")]),
        q("/sv/land/", [("municipality", "1880"), ("municipality", "1861"), ("area_max_ha", "10")]),
        q("/sv/land/", [("bbox", OREBRO_COUNTY)]),
        q("/sv/land/", [("page", "10")]),
    ]

    def geo(path: str, views: list[tuple[str, int]], filters: list[list[tuple[str, str]]]) -> list[str]:
        return [q(path, [*f, ("bbox", bbox), ("zoom", str(zoom))]) for bbox, zoom in views for f in filters]

    premises_filters = [
        [],
        [("kind", "warehouse")],
        [("kind", "office"), ("area_min", "100")],
        [("tenure", "rent")],
    ]
    land_filters = [[], [("purpose", "logistics")], [("area_min_ha", "2")]]
    country = [(SWEDEN, 5)]
    county = [(OREBRO_COUNTY, 8), (STOCKHOLM_COUNTY, 8), (VASTRA_GOTALAND, 8)]
    town = [(bbox, 13) for bbox in TOWNS.values()]

    premises_ids = _ids(Premises.objects.visible(), 200)
    land_ids = _ids(LandPlot.objects.visible(), 200)
    premises_detail = [f"/{'sv' if i % 3 else 'en'}/premises/{pk}/" for i, pk in enumerate(premises_ids)]
    land_detail = [f"/{'sv' if i % 3 else 'en'}/land/{pk}/" for i, pk in enumerate(land_ids)]

    nki_pages = [
        "/sv/nki/",
        q("/sv/nki/", [("area", "bygglov")]),
        q("/en/nki/", [("municipality", "1880"), ("municipality", "1814")]),
        "/sv/nki/1880/",
        "/sv/nki/1814/",
        q("/en/nki/1880/", [("area", "livsmedelskontroll")]),
    ]
    export = ["/sv/nki/export.csv"]
    feeds = [
        "/sv/premises/feed.atom",
        q("/sv/premises/feed.atom", [("municipality", "1880"), ("kind", "warehouse")]),
        "/sv/land/feed.atom",
        q("/en/land/feed.atom", [("purpose", "logistics")]),
    ]

    # The private pages of the typical requests that `generate.py establishment` stored.
    match_pages = [
        f"/{'en' if i % 2 else 'sv'}/establish/r/{token}/"
        for i, token in enumerate(
            EstablishmentRequest.objects.filter(company_name__startswith="Bench ")
            .order_by("pk")
            .values_list("token", flat=True)
        )
    ]

    endpoints = [
        {"name": "healthz (floor)", "group": "floor", "urls": ["/healthz"]},
        {"name": "home page", "group": "page", "urls": ["/sv/", "/en/"]},
        {"name": "premises search", "group": "search", "urls": premises_search},
        {"name": "land search", "group": "search", "urls": land_search},
        {
            "name": "premises geojson z5 (Sweden)",
            "group": "geojson",
            "urls": geo("/api/premises.geojson", country, premises_filters),
        },
        {
            "name": "premises geojson z8 (county)",
            "group": "geojson",
            "urls": geo("/api/premises.geojson", county, premises_filters),
        },
        {
            "name": "premises geojson z13 (town)",
            "group": "geojson",
            "urls": geo("/api/premises.geojson", town, premises_filters),
        },
        {
            "name": "land geojson z5 (Sweden)",
            "group": "geojson",
            "urls": geo("/api/land.geojson", country, land_filters),
        },
        {
            "name": "land geojson z8 (county)",
            "group": "geojson",
            "urls": geo("/api/land.geojson", county, land_filters),
        },
        {
            "name": "land geojson z13 (town)",
            "group": "geojson",
            "urls": geo("/api/land.geojson", town, land_filters),
        },
        {"name": "premises detail", "group": "detail", "urls": premises_detail},
        {"name": "land detail", "group": "detail", "urls": land_detail},
        {"name": "NKI page", "group": "nki", "urls": nki_pages, "min_requests": 12, "hard_seconds": 90},
        # The alert and establishment work's public pages (issue 15 holds them to the same targets).
        {"name": "search feeds", "group": "page", "urls": feeds},
        # A page with a form and its CSRF token: never shared, so its cold path is every request.
        {"name": "establishment request page", "group": "page", "urls": ["/sv/establish/", "/en/establish/"]},
        # A company's private page: matches, near misses, map, context (never shared).
        {"name": "establishment match page", "group": "page", "urls": match_pages, "hard_seconds": 90},
        # The export target is about one request over all responses: measured alone
        # first, then with 4 concurrent downloads.
        {
            "name": "NKI export (1 client)",
            "group": "export",
            "urls": export,
            "clients": 1,
            "seconds": 30,
            "max_requests": 10,
            "min_requests": 5,
            "hard_seconds": 90,
        },
        {
            "name": "NKI export (4 clients)",
            "group": "export",
            "urls": export,
            "clients": 4,
            "seconds": 30,
            "max_requests": 16,
            "min_requests": 8,
            "hard_seconds": 90,
        },
    ]
    endpoints = [e for e in endpoints if e["urls"]]
    weights = {
        "home page": 5,
        "premises search": 30,
        "land search": 8,
        "premises geojson z5 (Sweden)": 4,
        "premises geojson z8 (county)": 10,
        "premises geojson z13 (town)": 10,
        "land geojson z5 (Sweden)": 1,
        "land geojson z8 (county)": 3,
        "land geojson z13 (town)": 3,
        "premises detail": 15,
        "land detail": 5,
        "NKI page": 4,
        "NKI export (1 client)": 0.2,
        "search feeds": 2,
    }
    return {
        "scale": scale,
        "endpoints": endpoints,
        "mixed": {"seconds": 60, "weights": weights, "max_requests": 20000},
    }
