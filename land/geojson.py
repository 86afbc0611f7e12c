"""The map data of a land search: a GeoJSON FeatureCollection in WGS84.

The collection covers the whole filtered set, not one page of it, and its `count`
is the number of hits. Close up, each plot is its polygon, simplified in the
database to about one screen pixel. At or below CENTROID_MAX_ZOOM a polygon would
be a speck, so each plot is a point on its surface; beyond MAX_POINTS such points
are grouped into grid cells in the database (`brorebro.spatial.point_clusters`): a
cell with one plot is still a full feature, a cell with more is
`{"cluster": true, "count": n}`. The cell counts add up to `count`.
"""

from __future__ import annotations

import json
import math

from brorebro.caching import shared
from brorebro.spatial import cluster_feature, point_clusters

# At or below this zoom a plot is drawn as a point: polygons would be specks.
CENTROID_MAX_ZOOM = 9
# More dots than this at a centroid zoom are grouped into numbered clusters.
MAX_POINTS = 300
# Metres per screen pixel at zoom 0 at the county's latitude (59.3°N), for 256 px tiles.
METRES_PER_PIXEL_Z0 = 156543.03 * math.cos(math.radians(59.3))


def uses_centroids(zoom: int | None) -> bool:
    return zoom is not None and zoom <= CENTROID_MAX_ZOOM


def tolerance_m(zoom: int | None, simplify: float | None = None) -> float:
    """About one screen pixel at `zoom`, or the explicit `simplify` in metres; 0 is no simplification."""
    if simplify is not None:
        return simplify
    if zoom is None:
        return 0.0
    return round(METRES_PER_PIXEL_Z0 / 2**zoom, 2)


def _plot_feature(row: dict, url_pattern: str) -> dict:
    price = row["price_sek_per_m2"]
    return {
        "type": "Feature",
        "id": row["pk"],
        "geometry": json.loads(row["geometry_json"]),
        "properties": {
            "id": row["pk"],
            "external_ref": row["external_ref"],
            "municipality_code": row["municipality__code"],
            "name": row["name"],
            "area_name": row["area_name"],
            "area_m2": row["area_m2"],
            "purposes": row["purposes"],
            "price_sek_per_m2": float(price) if price is not None else None,
            "plan_status": row["plan_status"],
            "url": url_pattern.format(row["pk"]),
        },
    }


def _centroid_layer(queryset, zoom: int | None) -> tuple[list[dict] | None, list[dict] | None]:
    """(rows, None) when the set has few enough plots for a dot each; else (None, cells):
    too many dots for a zoomed-out map, grouped into cells in the database, so the
    response stays small however many plots match."""
    rows = list(queryset.for_map(centroids=True)[: MAX_POINTS + 1])
    if len(rows) <= MAX_POINTS:
        return rows, None
    return None, point_clusters(queryset, "spot", zoom)


def feature_collection(
    queryset,
    zoom: int | None,
    url_pattern: str,
    simplify: float | None = None,
    shared_as: tuple[tuple[str, ...], str] | None = None,
) -> dict:
    """The map data of `queryset` (a filtered search of plots).

    `url_pattern` is the detail page's URL with `{}` for the id. `simplify` (metres)
    overrides the tolerance that `zoom` gives. `shared_as` = (data kinds,
    `caching.search_key` of the search) shares the clusters between requests.
    """
    centroids = uses_centroids(zoom)
    clustered = False
    if centroids:
        if shared_as is None:
            rows, cells = _centroid_layer(queryset, zoom)
        else:
            # Zoomed out, the layer is the same for every visitor with this search.
            kinds, search = shared_as
            rows, cells = shared(
                kinds, "land-map-centroids", lambda: _centroid_layer(queryset, zoom), search, zoom
            )
        clustered = cells is not None
    else:
        rows = queryset.for_map(centroids=False, tolerance_m=tolerance_m(zoom, simplify))
    if clustered:
        single = [cell["pk"] for cell in cells if cell["count"] == 1]
        by_pk = (
            {row["pk"]: row for row in queryset.filter(pk__in=single).for_map(centroids=True)}
            if single
            else {}
        )
        features = [
            _plot_feature(by_pk[cell["pk"]], url_pattern) if cell["count"] == 1 else cluster_feature(cell)
            for cell in cells
        ]
    else:
        features = [_plot_feature(row, url_pattern) for row in rows]
    return {
        "type": "FeatureCollection",
        "count": sum(f["properties"].get("count", 1) for f in features),
        "clustered": clustered,
        "geometry": "point" if centroids else "polygon",
        "features": features,
    }
