"""Spatial building blocks shared by the search pages, the GeoJSON API and exports.

Geometries are stored in settings.SRID (SWEREF 99 TM, metres); the edges of the
portal speak WGS84. These helpers parse WGS84 input into stored-SRID geometries,
validate it with user-facing messages, and aggregate points into clusters in the
database for low zoom levels.
"""

from __future__ import annotations

import math
from functools import lru_cache

from django import forms
from django.conf import settings
from django.contrib.gis.db.models import Func
from django.contrib.gis.db.models.functions import Distance, GeoFunc
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPoint, Point, Polygon
from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Floor
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

WGS84 = 4326
# Generous envelope around Sweden in WGS84 (lon/lat): input outside it is a mistake.
SWEDEN_BOUNDS = (10.0, 55.0, 24.5, 69.5)
MAX_RADIUS_KM = 500


@lru_cache(maxsize=64)
def _coord_transform(source: int, target: int) -> CoordTransform:
    return CoordTransform(SpatialReference(source), SpatialReference(target))


def transformed(geom: GEOSGeometry, srid: int) -> GEOSGeometry:
    """A copy of `geom` in `srid`.

    GEOS's `transform(srid)` sets up a new PROJ transformation on every call (about
    20 ms here), which dominated imports and `near=` searches; the set-up is cached.
    """
    if geom.srid == srid:
        return geom.clone()
    return geom.transform(_coord_transform(geom.srid, srid), clone=True)


def in_sweden(lon: float, lat: float) -> bool:
    west, south, east, north = SWEDEN_BOUNDS
    return west <= lon <= east and south <= lat <= north


def _floats(value: str, count: int, message) -> list[float]:
    parts = [p.strip() for p in str(value).split(",")]
    if len(parts) != count:
        raise forms.ValidationError(message)
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise forms.ValidationError(message) from None
    if any(n != n or n in (float("inf"), float("-inf")) for n in numbers):
        raise forms.ValidationError(message)
    return numbers


class BBoxField(forms.CharField):
    """`west,south,east,north` in WGS84 → a Polygon in settings.SRID."""

    default_error_messages = {
        "invalid": _("Give the map area as west,south,east,north in degrees (WGS84)."),
        "order": _("The map area is reversed: west must be less than east and south less than north."),
        "range": _("The map area is outside the valid range of longitude and latitude."),
        "outside": _("The map area does not cover Sweden."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        west, south, east, north = _floats(value, 4, self.error_messages["invalid"])
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
            raise forms.ValidationError(self.error_messages["range"], code="range")
        if west >= east or south >= north:
            raise forms.ValidationError(self.error_messages["order"], code="order")
        # Clip to a band around Sweden so the projection to SWEREF 99 TM stays sane.
        w, s, e, n = SWEDEN_BOUNDS
        west, south, east, north = (
            max(west, w - 10),
            max(south, s - 10),
            min(east, e + 10),
            min(north, n + 10),
        )
        if west >= east or south >= north:
            raise forms.ValidationError(self.error_messages["outside"], code="outside")
        polygon = Polygon.from_bbox((west, south, east, north))
        polygon.srid = WGS84
        return transformed(polygon, settings.SRID)


class LatLonField(forms.CharField):
    """`lat,lon` in WGS84 → a Point in settings.SRID; must lie in or near Sweden."""

    default_error_messages = {
        "invalid": _("Give the position as latitude,longitude in degrees, e.g. 59.27,15.21."),
        "outside": _("The position is outside Sweden."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        lat, lon = _floats(value, 2, self.error_messages["invalid"])
        if not in_sweden(lon, lat):
            raise forms.ValidationError(self.error_messages["outside"], code="outside")
        return wgs84_point(lon, lat)


def wgs84_point(lon: float, lat: float) -> Point:
    point = Point(lon, lat, srid=WGS84)
    return transformed(point, settings.SRID)


class RadiusField(forms.FloatField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0.1)
        kwargs.setdefault("max_value", MAX_RADIUS_KM)
        super().__init__(**kwargs)


class SimplifyPreserveTopology(GeoFunc):
    """ST_SimplifyPreserveTopology on PostGIS, SimplifyPreserveTopology on SpatiaLite.

    Used on stored geometries (settings.SRID), so the tolerance is in metres.
    """

    arity = 2

    @cached_property
    def output_field(self):
        return self.source_expressions[0].output_field


class Multi(GeoFunc):
    """Always a Multi* geometry (simplification may hand back a plain Polygon)."""

    arity = 1

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="ST_Multi", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="CastToMulti", **extra)


class ST_X(Func):
    function = "ST_X"
    output_field = FloatField()


class ST_Y(Func):
    function = "ST_Y"
    output_field = FloatField()


# Size of a cluster cell: about 60 px of a Web Mercator map (256 px tiles) at the latitude of
# central Sweden, in metres, so that cells are made on the stored SWEREF 99 TM coordinates.
_EQUATOR_M = 40_075_016.686
_SWEDEN_COS_LAT = math.cos(math.radians(62))


def cluster_cell_metres(zoom: int) -> float:
    zoom = max(0, min(int(zoom), 20))
    return _EQUATOR_M * _SWEDEN_COS_LAT / (2**zoom) / 256 * 60


def point_clusters(queryset, field: str, zoom: int) -> list[dict]:
    """Group the points of `queryset` (a point field in settings.SRID) into grid cells in the database.

    Returns one dict per cell: the mean lon/lat of its points, the count and, for
    single-point cells, the pk. The counts add up to queryset.count(). The grid is laid
    on the stored metre coordinates, so no point is transformed: only the cell means
    are, a few hundred at most, in one GEOS call.
    """
    size = cluster_cell_metres(zoom)
    rows = list(
        queryset.order_by()
        .annotate(_x=ST_X(field), _y=ST_Y(field))
        .annotate(
            _cx=Cast(Floor(F("_x") / size), IntegerField()),
            _cy=Cast(Floor(F("_y") / size), IntegerField()),
        )
        .values("_cx", "_cy")
        .annotate(n=Count("pk"), x=Avg("_x"), y=Avg("_y"), pk=Min("pk"))
        .order_by("_cx", "_cy")
    )
    if not rows:
        return []
    centres = transformed(MultiPoint([Point(r["x"], r["y"]) for r in rows], srid=settings.SRID), WGS84)
    return [
        {"lon": centre.x, "lat": centre.y, "count": r["n"], "pk": r["pk"] if r["n"] == 1 else None}
        for r, centre in zip(rows, centres, strict=True)
    ]


def cluster_feature(cell: dict) -> dict:
    """A GeoJSON feature for one cell of `point_clusters`: a point with its count."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(cell["lon"], 6), round(cell["lat"], 6)]},
        "properties": {"cluster": True, "count": cell["count"]},
    }


# --- distance to the nearest of a set of places (landmarks) ---------------------------------
# Written once for land plots (polygons) and premises (points): both are stored in
# settings.SRID, so a plain number is metres on PostGIS and SpatiaLite alike.
def within_distance_of_any(
    places: QuerySet, outer_field: str, metres: float, field: str = "location"
) -> Exists:
    """A condition: some row of `places` lies within `metres` of the outer row's `outer_field`.

    `dwithin` uses the spatial index on both databases.
    """
    return Exists(places.filter(**{f"{field}__dwithin": (OuterRef(outer_field), metres)}))


def nearest_distance(
    places: QuerySet, outer_field: str, outer_output_field: Field, field: str = "location"
) -> Subquery:
    """Metres from the outer row's `outer_field` to the nearest row of `places`; NULL when there is none.

    A correlated MIN() rather than ORDER BY … LIMIT 1, which SQLite cannot correlate.
    `outer_output_field` is the geometry field type of `outer_field` (e.g. a PointField).
    """
    outer = ExpressionWrapper(OuterRef(outer_field), output_field=outer_output_field)
    nearest = (
        places.order_by()
        .annotate(_d=Cast(Distance(field, outer), FloatField()), _one=Value(1))
        .values("_one")
        .annotate(_min=Min("_d"))
        .values("_min")
    )
    return Subquery(nearest, output_field=FloatField())
