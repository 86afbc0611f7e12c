"""The map data of a premises search: a GeoJSON FeatureCollection in WGS84.

The collection always covers the whole filtered set, not one page of it, and its
`count` is the number of hits. Up to MAX_POINTS hits (at street level) each hit is
a point with its facts. Beyond that, or when the map is zoomed out, hits are
grouped into grid cells in the database (`brorebro.spatial.point_clusters`): a cell
with one hit is still a full point, a cell with more is `{"cluster": true, "count": n}`.
The cell counts add up to `count`. With `view` (what the map shows) the response stays
small however many premises match. It costs at most four queries (points; or clusters,
inside and outside the view, and the single points among them).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F

from brorebro.caching import shared
from brorebro.spatial import cluster_feature, point_clusters

MAX_POINTS = 300
CLUSTER_BELOW_ZOOM = 12
# When a caller gives no zoom but there are too many hits for points: the county view.
DEFAULT_CLUSTER_ZOOM = 8
# Cells outside the part of the map on screen: a few, about 140 km across.
OUTSIDE_VIEW_ZOOM = 5
PROPERTIES = (
    "id",
    "external_ref",
    "municipality_code",
    "title",
    "title_en",
    "kind",
    "locality",
    "area_min_m2",
    "area_max_m2",
    "tenure",
    "rent_sek_per_m2_year",
    "price_sek",
)


def _point_rows(queryset):
    fields = [name for name in PROPERTIES if name != "municipality_code"]
    return (
        queryset.order_by()
        .with_wgs84()
        .values("lon", "lat", *fields, municipality_code=F("municipality__code"))
    )


def _point(row: dict[str, Any], detail_url: str) -> dict:
    properties = {name: row[name] for name in PROPERTIES}
    properties["url"] = detail_url.replace("/0/", f"/{row['id']}/")
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(row["lon"], 6), round(row["lat"], 6)]},
        "properties": properties,
    }


def _cells(queryset, zoom: int, view) -> list[dict]:
    """Cluster cells of the whole set; with a `view`, fine inside it and coarse outside it."""
    if view is None or zoom <= OUTSIDE_VIEW_ZOOM:
        return point_clusters(queryset, "location", zoom)
    return point_clusters(queryset.filter(location__within=view), "location", zoom) + point_clusters(
        queryset.exclude(location__within=view), "location", OUTSIDE_VIEW_ZOOM
    )


def _shared_cells(queryset, zoom: int, view, shared_as: tuple[tuple[str, ...], str] | None) -> list[dict]:
    """`_cells`, kept per data version, search and zoom when `shared_as` = (kinds, search key).

    Zoomed out, the cells do not depend on the view (`_cells` ignores it), so every visitor
    panning a national map shares one grouping of the whole set: the costliest query of the
    map (tens of thousands of points) runs once per data version.
    """
    if shared_as is None:
        return _cells(queryset, zoom, view)
    kinds, search = shared_as
    view_part = "" if view is None or zoom <= OUTSIDE_VIEW_ZOOM else view.ewkt
    return shared(kinds, "premises-map-cells", lambda: _cells(queryset, zoom, view), search, zoom, view_part)


def feature_collection(
    queryset,
    zoom: int | None,
    detail_url: str,
    view=None,
    shared_as: tuple[tuple[str, ...], str] | None = None,
) -> dict:
    """The map data of `queryset`.

    `detail_url` is the absolute URL of the detail page of premises 0, a template for the
    rest. `view` (a polygon in settings.SRID, optional) is the part of the map on screen:
    when hits are clustered, cells are fine there and coarse elsewhere, so the size of the
    response depends on the screen, not on how many premises match or how far they spread.
    `shared_as` = (data kinds, `caching.search_key` of the search) lets the clusters be
    shared between requests.
    """
    features: list[dict] = []
    clustered = zoom is not None and zoom < CLUSTER_BELOW_ZOOM
    if not clustered:
        rows = list(_point_rows(queryset)[: MAX_POINTS + 1])
        if len(rows) <= MAX_POINTS:
            features = [_point(row, detail_url) for row in rows]
        else:
            clustered = True
    if clustered:
        cells = _shared_cells(queryset, zoom if zoom is not None else DEFAULT_CLUSTER_ZOOM, view, shared_as)
        single = [cell["pk"] for cell in cells if cell["count"] == 1]
        points = {row["id"]: row for row in _point_rows(queryset.filter(pk__in=single))} if single else {}
        features = [
            _point(points[cell["pk"]], detail_url) if cell["count"] == 1 else cluster_feature(cell)
            for cell in cells
        ]
    return {
        "type": "FeatureCollection",
        "count": sum(f["properties"].get("count", 1) for f in features),
        "clustered": clustered,
        "features": features,
    }
