"""Spatial building blocks shared by the search pages, the GeoJSON API and exports.

Geometries are stored in settings.SRID (SWEREF 99 TM, metres); the edges of the
portal speak WGS84. These helpers parse WGS84 input into stored-SRID geometries,
validate it with user-facing messages, and aggregate points into clusters in the
database for low zoom levels.
"""

from __future__ import annotations

import math
import struct
from functools import lru_cache

from django import forms
from django.conf import settings
from django.contrib.gis.db.models import Func, GeometryField
from django.contrib.gis.db.models.functions import GeoFunc
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPoint, Point, Polygon
from django.db.models import (
    Avg,
    BinaryField,
    BooleanField,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    Field,
    FloatField,
    IntegerField,
    Min,
    QuerySet,
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
#
# The places (a few hundred landmarks at most) are gathered into one geometry by an
# uncorrelated scalar subquery, which the database evaluates once per query, and each row
# is measured against that one geometry. The distance to a collection is the least
# distance to its members, so the rules are those of measuring to each place; a
# correlated subquery per row cost some 30 µs a row, seconds for a national search
# (bench/establishment_match.py).
class _Collected(Expression):
    """Every `field` of `places` as one geometry, in the places' order (NULL when there is none).

    With `expand_m`, its bounding box grown by that many metres (PostGIS only), for a
    cheap box test before an exact one.
    """

    def __init__(self, places: QuerySet, field: str, expand_m: float | None = None):
        super().__init__(output_field=GeometryField(srid=settings.SRID))
        self.places, self.place_field, self.expand_m = places, field, expand_m

    def resolve_expression(self, *args, **kwargs):
        return self  # refers to nothing in the outer query

    def as_sql(self, compiler, connection):
        # The raw column (not the SELECT format of a geometry), ordered as `places` is.
        rows = self.places.annotate(_g=ExpressionWrapper(F(self.place_field), output_field=BinaryField()))
        sql, params = rows.values_list("_g").query.get_compiler(connection=connection).as_sql()
        params = tuple(params)
        collected = f"{'ST_Collect' if connection.vendor == 'postgresql' else 'Collect'}(_places._g)"
        if self.expand_m is not None:
            collected, params = f"ST_Expand({collected}, %s)", (float(self.expand_m), *params)
        # Only the ORM's SQL of `places` and fixed names go into the text; values are parameters.
        return f"(SELECT {collected} FROM ({sql}) _places)", params  # noqa: S608


class _WithinDistance(Func):
    """True when the geometry lies within the distance (metres) of some part of the collection.

    On PostGIS the exact ST_DWithin is only computed for the rows whose box meets the
    collection's grown box (`&&`), so it stays cheap inside CASE expressions too; in a
    WHERE clause both tests can use the spatial index. With `roughly`, only the box test
    (on PostGIS): true for every row within the distance, and for some farther away.
    """

    output_field = BooleanField()

    def __init__(self, *expressions, roughly: bool = False, **extra):
        super().__init__(*expressions, **extra)
        self.roughly = roughly

    def as_postgresql(self, compiler, connection, **extra):
        (geom, geom_params), (places, places_params), (box, box_params), (metres, metres_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        if self.roughly:
            return f"({geom} && {box})", (*geom_params, *box_params)
        sql = f"({geom} && {box} AND ST_DWithin({geom}, {places}, {metres}))"
        return sql, (*geom_params, *box_params, *geom_params, *places_params, *metres_params)

    def as_sqlite(self, compiler, connection, **extra):
        geom, places, _box, metres = self.get_source_expressions()
        (geom, geom_params), (places, places_params), (metres, metres_params) = (
            compiler.compile(expression) for expression in (geom, places, metres)
        )
        return f"(PtDistWithin({geom}, {places}, {metres}) = 1)", (
            *geom_params,
            *places_params,
            *metres_params,
        )


class _ClosestPointWKB(Func):
    """The point of the first geometry nearest the second, as WKB (one call gives x and y)."""

    template = "ST_AsBinary(ST_ClosestPoint(%(expressions)s))"
    arity = 2
    output_field = BinaryField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="AsBinary(ClosestPoint(%(expressions)s))", **extra
        )


def within_distance_of_any(
    places: QuerySet, outer_field: str, metres: float, field: str = "location", *, roughly: bool = False
) -> Func:
    """A condition: some row of `places` lies within `metres` of the row's `outer_field`.

    `roughly`: a cheaper condition that every such row meets (a test of bounding boxes on
    PostGIS), for narrowing down the rows before the exact one is asked.
    """
    metres = float(metres)
    return _WithinDistance(
        F(outer_field),
        _Collected(places, field),
        _Collected(places, field, expand_m=metres),
        Value(metres, output_field=FloatField()),
        roughly=roughly,
    )


def nearest_distance(
    places: QuerySet, outer_field: str, outer_output_field: Field, field: str = "location"
) -> Func:
    """Metres from the row's `outer_field` to the nearest row of `places`; NULL when there is none.

    `outer_output_field` is the geometry field type of `outer_field` (e.g. a PointField).
    """
    outer = ExpressionWrapper(F(outer_field), output_field=outer_output_field)
    return Func(outer, _Collected(places, field), function="ST_Distance", output_field=FloatField())


def nearest_position(places: QuerySet, outer_field: str, field: str = "location") -> Func:
    """Where the row of `places` nearest the row's `outer_field` is, as WKB (`point_xy` reads it).

    NULL when `places` is empty. Together with `nearest_distance`, this names the nearest
    place without measuring to each: of places equally near, the first in the order of
    `places` (on PostGIS).
    """
    return _ClosestPointWKB(_Collected(places, field), F(outer_field))


def point_xy(wkb) -> tuple[float, float] | None:
    """(x, y) of a point given as WKB (bytes or memoryview); None for None."""
    if wkb is None:
        return None
    data = bytes(wkb)
    return struct.unpack_from("<dd" if data[0] == 1 else ">dd", data, 5)
