"""Matching an establishment request against the premises and land on offer.

**One rule, the search's.** Every hard criterion is a query string for the public search's
own FilterSet (`premises.filters.PremisesFilterSet`, `land.filters.LandPlotFilterSet`), so
"2 000–5 000 m²", "warehouse", "loading dock" or "within 10 km of a rail terminal" mean here
exactly what they mean on the search pages; the distances are the core's
(`brorebro.spatial.within_distance_of_any`, `nearest_distance`). Two criteria have no
search filter, and are written here once: a minimum electricity capacity for land, and the
municipality when none is chosen (all).

**In the database, in one query per kind of listing.** Each criterion's FilterSet filters
the whole table, and its WHERE clause becomes a 0/1 "fails" column of the visible listings
(a municipality's code, which the search joins for, by a LEFT JOIN on the foreign key). One
query per kind (premises, land) returns the matches (no failure) and the near misses
(exactly one failure) together, its best MAX_ROWS (`_select`): it leaves out the listings
that fail two criteria by cheap tests first (the columns themselves, and for a distance
limit a box around the landmarks, from the indexes where it can), and measures distances,
against the landmarks of a kind gathered into one geometry, only for the rest; when there
are many matches, only for the closest in area. A second query computes, for the chosen
rows only, the distances to the nearest landmark of each kind, where that landmark is (to
name it) and the positions for the map; one more reads the landmarks' names. So a request
costs a fixed number of queries whatever the number of listings
(bench/establishment_match.py times it at national scale: 100 000 premises, 20 000 plots).

**The score (0–100)** ranks the matches; it is the weighted sum of five parts, each 0..1:

- area, weight 30: 1 when the wanted size (the middle of the range asked for) fits the
  listing, falling linearly to 0 at a difference of 100 %;
- price, weight 25: 1 − ½ · price / budget (1 for free, ½ at the budget); ½ when there is
  no budget or no price;
- availability, weight 10: 1 when available by the wanted date (or now), else ½;
- distances, weight 25: the mean of 1 − distance / limit over the limits asked for; without
  limits, 1 − distance to the nearest motorway junction / 50 km; ½ without landmarks;
- nice-to-haves, weight 10: the share of the nice-to-have amenities the premises have; for
  land, the share of the four services (water and sewer, district heating, fibre, electricity).

Only the MAX_ROWS (300) listings of each kind closest in area are scored (the database
orders by failures and closeness of area first): more than a company reads, and it bounds
the Python work (explaining a listing costs about 0.1 ms) whatever the number of listings.

A criterion is **near** when it is missed by little: a distance or an area within 25 %, a
price up to 25 % over budget, availability within 90 days of the wanted date, or one missing
amenity of several.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce

from django.contrib.gis.db.models.functions import Transform
from django.db import connections
from django.db.models import (
    BinaryField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Col
from django.db.models.functions import Abs
from django.db.models.sql.datastructures import Join
from django.db.models.sql.where import OR, WhereNode
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from brorebro.caching import county_municipality_choices
from brorebro.spatial import ST_X, ST_Y, WGS84, nearest_position, point_xy, within_distance_of_any
from brorebro.templatetags.portal import num
from land.filters import LandPlotFilterSet
from land.models import Landmark, LandmarkKind, LandPlot
from premises.filters import LANDMARK_DISTANCE_PARAMS, PremisesFilterSet
from premises.models import Amenity, Kind, Premises, Tenure

MAX_ROWS = 300
NEAR = 0.25  # a miss by up to 25 % is "near"
NEAR_DAYS = 90
DISTANCE_KINDS = {
    # request field -> landmark kind
    "max_km_motorway": LandmarkKind.MOTORWAY_JUNCTION,
    "max_km_rail_terminal": LandmarkKind.RAIL_TERMINAL,
    "max_km_airport": LandmarkKind.AIRPORT,
}
WEIGHTS = {"area": 30, "price": 25, "availability": 10, "distances": 25, "nice": 10}
REFERENCE_MOTORWAY_KM = 50
# landmark kind -> the premises search's "within (km) of" parameter
PREMISES_DISTANCE_PARAMS = {kind: param for param, kind in LANDMARK_DISTANCE_PARAMS.items()}

MET, NEAR_MISS, NOT_MET = "met", "near", "not_met"
# Criteria an index can answer, per kind of listing (besides distance limits: the spatial
# index), and how many of them are paired in the matching query's WHERE (see _select).
PREMISES_INDEXED = {"kind", "area", "budget"}
LAND_INDEXED = {"area", "budget"}
MAX_PAIRED = 5
# How many candidates, closest in area, the matching query probes for MAX_ROWS matches
# before it scores every candidate (see _select).
PROBE_ROWS = 10 * MAX_ROWS


@dataclass
class Check:
    """One criterion as the company sees it for one listing."""

    key: str
    label: str
    status: str  # MET, NEAR_MISS or NOT_MET
    text: str


@dataclass
class Candidate:
    kind: str  # "premises" or "land"
    listing: Premises | LandPlot
    checks: list[Check]
    failed: str | None  # the key of the one failed criterion (near misses)
    score: int = 0
    distances: dict[str, tuple[float, str]] = field(default_factory=dict)  # kind -> (metres, name)
    lon: float | None = None
    lat: float | None = None
    x: float | None = None  # SWEREF 99 TM, for the static map
    y: float | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.listing.pk}"

    @property
    def title(self) -> str:
        return str(self.listing)

    @property
    def failed_check(self) -> Check | None:
        return next((c for c in self.checks if c.key == self.failed), None)

    @property
    def area_text(self) -> str:
        if self.kind == "premises":
            low, high = self.listing.area_min_m2, self.listing.area_max_m2
            return f"{num(low)} m²" if low == high else f"{num(low)}–{num(high)} m²"
        return f"{num(Decimal(self.listing.area_m2) / 10000, 1)} ha ({num(self.listing.area_m2)} m²)"

    @property
    def price_text(self) -> str:
        listing = self.listing
        if self.kind == "premises":
            if listing.tenure == Tenure.SALE:
                return (
                    f"{num(listing.price_sek)} kr" if listing.price_sek is not None else _("Price on request")
                )
            if listing.rent_sek_per_m2_year is not None:
                return _("%(rent)s SEK per m² and year") % {"rent": num(listing.rent_sek_per_m2_year)}
            return _("Rent on request")
        if listing.price_sek_per_m2 is not None:
            return _("%(price)s SEK per m²") % {"price": num(listing.price_sek_per_m2)}
        return _("Price on request")

    @property
    def available_text(self) -> str:
        when = getattr(self.listing, "available_from", None)
        if when is None or when <= date.today():
            return _("Now")
        return date_format(when, "j F Y")

    @property
    def amenities_text(self) -> str:
        if self.kind == "premises":
            return ", ".join(self.listing.get_amenities_display())
        return ", ".join(self.listing.services)

    @property
    def plan_text(self) -> str:
        if self.kind == "land":
            return str(self.listing.get_plan_status_display())
        return "–"

    def distance_text(self, kind: str) -> str:
        found = self.distances.get(kind)
        if found is None:
            return "–"
        metres, name = found
        return f"{num(metres / 1000, 1)} km ({name})"

    @property
    def contact(self) -> dict:
        listing, municipality = self.listing, self.listing.municipality
        return {
            "name": listing.contact_name or municipality.name,
            "email": listing.contact_email or municipality.office_email,
            "phone": listing.contact_phone or municipality.office_phone,
        }


@dataclass
class MatchResult:
    matches: list[Candidate]
    near_misses: list[Candidate]
    municipality_ids: set[int]  # of every match: the municipalities the case concerns

    @property
    def candidates(self) -> list[Candidate]:
        return self.matches + self.near_misses

    def by_key(self, keys: list[str]) -> list[Candidate]:
        found = {c.key: c for c in self.candidates}
        return [found[k] for k in keys if k in found]


# --- the criteria as search query strings -------------------------------------------------
def _codes(request) -> list[str]:
    return [m.code for m in request.municipalities.all()]


def premises_criteria(request) -> dict[str, list[dict]]:
    """criterion key -> the PremisesFilterSet queries that meet it (any of them)."""
    criteria: dict[str, list[dict]] = {}
    if request.premises_kinds:
        criteria["kind"] = [{"kind": list(request.premises_kinds)}]
    area = {}
    if request.area_min_m2 is not None:
        area["area_min"] = request.area_min_m2
    if request.area_max_m2 is not None:
        area["area_max"] = request.area_max_m2
    if area:
        criteria["area"] = [area]
    if request.tenure != "either":
        criteria["tenure"] = [{"tenure": Tenure.RENT if request.tenure == "rent" else Tenure.SALE}]
    budget = []
    if request.rent_budget is not None and request.tenure != "buy":
        budget.append({"tenure": Tenure.RENT, "rent_max": request.rent_budget})
    if request.price_budget is not None and request.tenure != "rent":
        budget.append({"tenure": Tenure.SALE, "price_max": request.price_budget})
    if budget:
        criteria["budget"] = budget
    if request.wanted_by is not None:
        criteria["available"] = [{"available_by": request.wanted_by.isoformat()}]
    if request.amenities:
        criteria["amenities"] = [{"amenity": list(request.amenities)}]
    codes = _codes(request)
    if codes:
        criteria["municipality"] = [{"municipality": codes}]
    for name, kind in DISTANCE_KINDS.items():
        limit = getattr(request, name)
        if limit is not None:
            criteria[f"distance_{kind}"] = [{PREMISES_DISTANCE_PARAMS[kind]: str(limit)}]
    return criteria


def land_criteria(request) -> dict[str, list[dict]]:
    """criterion key -> the LandPlotFilterSet queries that meet it (any of them)."""
    criteria: dict[str, list[dict]] = {}
    if request.land_purposes:
        criteria["purpose"] = [{"purpose": list(request.land_purposes)}]
    area = {}
    if request.land_area_min_ha is not None:
        area["area_min_ha"] = str(request.land_area_min_ha)
    if request.land_area_max_ha is not None:
        area["area_max_ha"] = str(request.land_area_max_ha)
    if area:
        criteria["area"] = [area]
    if request.land_price_budget is not None:
        criteria["budget"] = [{"price_max": request.land_price_budget}]
    if request.land_rail:
        criteria["rail"] = [{"rail": "on"}]
    if request.land_water_sewer:
        criteria["water_sewer"] = [{"service": ["water_sewer"]}]
    for name, kind in DISTANCE_KINDS.items():
        limit = getattr(request, name)
        if limit is not None:
            criteria[f"distance_{kind}"] = [{"landmark_kind": kind, "within_km": str(limit)}]
    codes = _codes(request)
    if codes:
        criteria["municipality"] = [{"municipality": codes}]
    return criteria


def _as_query_dict(query: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in query.items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = str(value)
    return data


def _search_condition(filterset_class, model, query: dict, rows: QuerySet, choices):
    """The search `query` as a condition on the rows of `rows`, by the search's own FilterSet.

    The FilterSet filters the whole table; its WHERE clause then becomes a condition on the
    rows of `rows` (a 0/1 column), so that every criterion is tested in the query that reads
    the listings rather than in a scan of the table of its own. A relation the search follows (a municipality's
    code) is joined into `rows` as a LEFT JOIN on its foreign key, which adds no row; a
    search that follows anything else is kept as a subquery of the rows that meet it.
    """
    filterset = filterset_class(
        _as_query_dict(query), queryset=model.objects.all(), municipality_choices=choices
    )
    if not filterset.is_valid():  # the request form validated the same values: a bug
        raise ValueError(f"invalid search {query!r}: {filterset.errors.as_json()}")
    searched = filterset.qs.query
    target = rows.query
    change_map = {searched.base_table: target.base_table}
    joins = [
        (alias, join)
        for alias, join in list(searched.alias_map.items())[1:]
        if searched.alias_refcount[alias]
    ]
    for _alias, join in joins:
        field = join.join_field
        if not (
            isinstance(join, Join)
            and join.filtered_relation is None
            and getattr(field, "concrete", False)
            and (field.many_to_one or field.one_to_one)
        ):
            return Q(pk__in=filterset.qs.order_by().values("pk"))
    for alias, join in joins:
        joined = target.join(join.relabeled_clone(change_map))
        target.promote_joins([joined])
        change_map[alias] = joined
    return searched.where.relabeled_clone(change_map)


def _conditions(filterset_class, model, criteria: dict[str, list[dict]], rows: QuerySet) -> dict:
    """criterion key -> its condition on `rows` (which gains the joins the conditions need)."""
    choices = county_municipality_choices()  # once, for every FilterSet of the request
    conditions = {}
    for key, queries in criteria.items():
        parts = [_search_condition(filterset_class, model, query, rows, choices) for query in queries]
        if len(parts) == 1:
            conditions[key] = parts[0]
        elif all(isinstance(part, WhereNode) for part in parts):
            conditions[key] = WhereNode(parts, connector=OR)
        else:
            conditions[key] = reduce(
                operator.or_, (part if isinstance(part, Q) else Q(part) for part in parts)
            )
    return conditions


def _fail(condition) -> Case:
    return Case(When(condition, then=Value(0)), default=Value(1), output_field=IntegerField())


def _select(rows: QuerySet, conditions: dict, closeness, rough: dict, indexed: set[str]) -> list[tuple]:
    """(pk, fails per criterion) of the best MAX_ROWS rows with at most one failure.

    The ORM writes the query of the candidates, with a 0/1 column per cheap criterion and
    their sum; the distance limits (`rough` names them: the costly criteria) are measured
    in the statement around it, which answers in one of two ways:

    - first a probe: of the PROBE_ROWS candidates closest in area that fail no cheap
      criterion, the first MAX_ROWS that meet every distance limit. When it finds that
      many, they are the answer (there are at least MAX_ROWS matches, and none further away
      can come before them), and distances were measured for at most PROBE_ROWS rows
      whatever the number of listings;
    - otherwise every candidate is scored, each distance measured once (a column of a
      fenced subquery), and the matches and near misses sorted by failures and closeness.

    (On PostgreSQL `OFFSET 0`, and the probe's LIMIT, keep the planner from measuring
    distances below the sort, or twice.)

    The candidates' WHERE leaves out, before any distance is measured, the rows that fail
    two criteria by cheap tests: each criterion's own condition, and for a distance limit
    `rough`, a box that every listing within the limit lies in. A row that fails at most
    one criterion meets at least one of any two, so for each pair of the criteria an index
    can answer (`indexed`, and the boxes) "this one or that one" is added too: the planner
    reads the rows of the most selective pair from the indexes (e.g. warehouses, or
    premises near a motorway junction) instead of every listing.
    """
    keys = list(conditions)
    base = rows.query.get_initial_alias()
    # The costly criteria, as conditions on the candidates' columns (a distance filter
    # reads the listing's geometry); any other criterion is a column of the candidates.
    costly = {
        key: condition.relabeled_clone({base: "candidates"})
        for key, condition in conditions.items()
        if key in rough and isinstance(condition, WhereNode)
    }
    plain = [key for key in keys if key not in costly]
    columns = {
        col.target.column: col.target
        for condition in costly.values()
        for col in _columns(condition)
        if col.alias == "candidates"
    }
    inner = rows.order_by().annotate(**{f"fail_{key}": _fail(conditions[key]) for key in plain})
    cheap = {key: rough.get(key, conditions[key]) for key in keys}
    if len(cheap) >= 2:
        inner = inner.alias(_necessary=_sum(_fail(c) for c in cheap.values())).filter(_necessary__lte=1)
    either = [cheap[key] for key in keys if key in indexed or key in rough][:MAX_PAIRED]
    for i, first in enumerate(either):
        for second in either[i + 1 :]:
            inner = inner.filter(Q(first) | Q(second))
    inner = inner.annotate(
        closeness=closeness,
        _cheap=_sum(F(f"fail_{key}") for key in plain),
        # the raw columns (not a geometry's SELECT format), for the distance tests
        **{
            f"_column_{i}": ExpressionWrapper(F(field.name), output_field=BinaryField())
            for i, field in enumerate(columns.values())
        },
    )
    selected = ["pk", "closeness", "_cheap", *(f"fail_{key}" for key in plain)]
    selected += [f"_column_{i}" for i in range(len(columns))]
    sql, params = inner.values_list(*selected).query.sql_with_params()

    connection = connections[inner.db]
    compiler = inner.query.get_compiler(connection=connection)
    q = connection.ops.quote_name
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    names = ", ".join(
        q(n) for n in ["pk", "closeness", "_cheap", *(f"fail_{key}" for key in plain), *columns]
    )
    tests = {key: compiler.compile(condition) for key, condition in costly.items()}
    test_params = [p for _sql, test_params_ in tests.values() for p in test_params_]

    def flags(costly_sql: dict) -> str:
        return "".join(
            f", {q('fail_' + key)}" if key in plain else f", {costly_sql[key]} AS {q('fail_' + key)}"
            for key in keys
        )

    all_met = " AND ".join(test for test, _params in tests.values()) or "1 = 1"
    fails = {key: f"CASE WHEN {test} THEN 0 ELSE 1 END" for key, (test, _params) in tests.items()}
    total = " + ".join(["_cheap", *(q("fail_" + key) for key in costly)])
    limit, probe = int(MAX_ROWS), int(PROBE_ROWS)
    # Only the ORM's SQL (of the candidates and of the distance tests) and our own column
    # names go into the text; every value the request brings is a parameter.
    statement = (
        f"WITH candidates({names}) AS NOT MATERIALIZED ({sql}), "  # noqa: S608
        f"probe AS MATERIALIZED (SELECT pk, closeness{flags(dict.fromkeys(costly, '0'))} "
        f"FROM (SELECT * FROM candidates WHERE _cheap = 0 ORDER BY closeness, pk LIMIT {probe}) candidates "
        f"WHERE {all_met} ORDER BY closeness, pk LIMIT {limit}) "
        f"SELECT pk{''.join(', ' + q('fail_' + key) for key in keys)} FROM ("
        f"SELECT probe.*, 0 AS _total FROM probe WHERE (SELECT COUNT(*) FROM probe) = {limit} "
        f"UNION ALL SELECT pk, closeness{''.join(', ' + q('fail_' + key) for key in keys)}, {total} FROM ("
        f"SELECT pk, closeness, _cheap{flags(fails)} FROM candidates "
        f"WHERE (SELECT COUNT(*) FROM probe) < {limit}{fence}) scored"
        f") ranked WHERE _total <= 1 ORDER BY _total, closeness, pk LIMIT {limit}"
    )
    with connection.cursor() as cursor:
        # The tests' parameters twice: in the probe's WHERE, then in the scored columns
        # (both in the order of `keys`).
        cursor.execute(statement, [*params, *test_params, *test_params])
        return cursor.fetchall()


def _columns(node):
    """The columns (Col) that a condition reads."""
    if isinstance(node, Col):
        yield node
    elif isinstance(node, WhereNode):
        for child in node.children:
            yield from _columns(child)
    elif hasattr(node, "get_source_expressions"):
        for expression in node.get_source_expressions():
            yield from _columns(expression)


def _rough_distances(request, field: str) -> dict:
    """criterion key -> a cheap condition that every listing within the request's limit meets."""
    return {
        f"distance_{kind}": within_distance_of_any(
            Landmark.objects.filter(kind=kind), field, float(getattr(request, name)) * 1000, roughly=True
        )
        for name, kind in DISTANCE_KINDS.items()
        if getattr(request, name) is not None
    }


def _sum(expressions):
    total = Value(0)
    for expression in expressions:
        total = total + expression
    return total


def _with_failures(selected: list[tuple], rows, keys: list[str]) -> list:
    """The detailed `rows` in the order of `selected`, each with its fail_<key> flags."""
    by_pk = {row.pk: row for row in rows}
    ordered = []
    for pk, *flags in selected:
        row = by_pk[pk]
        for key, flag in zip(keys, flags, strict=True):
            setattr(row, f"fail_{key}", flag)
        row.fails = sum(flags)
        ordered.append(row)
    return ordered


def _with_landmarks(detail: QuerySet, field: str) -> QuerySet:
    """`detail` with, per kind of landmark, the nearest one's position (to name it)."""
    return detail.annotate(
        **{
            f"at_{kind}": nearest_position(Landmark.objects.filter(kind=kind), field)
            for kind in LandmarkKind.values
        }
    )


def _premises_rows(request, only: list[int] | None = None) -> tuple[list, list[str]]:
    rows = Premises.objects.visible()
    if only is not None:
        rows = rows.filter(pk__in=only)
    rows = rows.all()  # its own query, which the conditions may add a join to
    conditions = _conditions(PremisesFilterSet, Premises, premises_criteria(request), rows)
    target = _target(request.area_min_m2, request.area_max_m2)
    closeness = (
        Abs(
            ExpressionWrapper(
                (F("area_min_m2") + F("area_max_m2")) / Value(2.0) - Value(float(target)),
                output_field=FloatField(),
            )
        )
        if target is not None
        else Value(0.0)
    )
    selected = _select(rows, conditions, closeness, _rough_distances(request, "location"), PREMISES_INDEXED)
    if not selected:
        return [], list(conditions)
    detail = (
        Premises.objects.filter(pk__in=[row[0] for row in selected])
        .order_by()
        .for_cards()
        .with_wgs84()
        .annotate(sx=ST_X("location"), sy=ST_Y("location"))
    )
    for kind in LandmarkKind.values:
        detail = detail.with_distance_to(kind, f"d_{kind}")
    detail = _with_landmarks(detail, "location")
    return _with_failures(selected, detail, list(conditions)), list(conditions)


def _land_rows(request, only: list[int] | None = None) -> tuple[list, list[str]]:
    rows = LandPlot.objects.visible()
    if only is not None:
        rows = rows.filter(pk__in=only)
    rows = rows.all()
    conditions = _conditions(LandPlotFilterSet, LandPlot, land_criteria(request), rows)
    if request.land_min_kw is not None:
        conditions["electricity"] = Q(electricity_kw__gte=request.land_min_kw)
    low = float(request.land_area_min_ha) * 10000 if request.land_area_min_ha is not None else None
    high = float(request.land_area_max_ha) * 10000 if request.land_area_max_ha is not None else None
    target = _target(low, high)
    closeness = (
        Abs(ExpressionWrapper(F("area_m2") - Value(float(target)), output_field=FloatField()))
        if target is not None
        else Value(0.0)
    )
    selected = _select(rows, conditions, closeness, _rough_distances(request, "geom"), LAND_INDEXED)
    if not selected:
        return [], list(conditions)
    spot = Transform("spot", WGS84)
    detail = (
        LandPlot.objects.filter(pk__in=[row[0] for row in selected])
        .order_by()
        .select_related("municipality")
        .defer("municipality__boundary")
        .annotate(lon=ST_X(spot), lat=ST_Y(spot), sx=ST_X("spot"), sy=ST_Y("spot"))
    )
    for kind in LandmarkKind.values:
        # land's own annotation, copied to a name per kind before the next one replaces it
        detail = detail.with_distance_to(kind)
        detail = detail.annotate(**{f"d_{kind}": F("landmark_distance_m")})
    detail = _with_landmarks(detail, "geom")
    return _with_failures(selected, detail, list(conditions)), list(conditions)


def _target(low, high) -> float | None:
    if low is not None and high is not None:
        return (float(low) + float(high)) / 2
    if low is not None:
        return float(low)
    if high is not None:
        return float(high)
    return None


# --- explaining and scoring ----------------------------------------------------------------
def _landmark_names(rows_by_kind: dict[str, list]) -> dict:
    """{(kind of listing, row pk, landmark kind): name}: the landmark at each row's nearest position.

    The database measured the distance to the nearest landmark of each kind and gave its
    position (`brorebro.spatial.nearest_position`); of landmarks at one position, the first
    by name is named. One query, for the names.
    """
    at_position: dict[tuple, str] = {}
    by_kind: dict[str, list] = {}
    for kind, name, x, y in _landmark_points():
        at_position.setdefault((kind, x, y), name)
        by_kind.setdefault(kind, []).append((x, y, name))
    names = {}
    for listing_kind, rows in rows_by_kind.items():
        for row in rows:
            for kind in LandmarkKind.values:
                position = point_xy(getattr(row, f"at_{kind}"))
                if position is None:
                    continue
                x, y = position
                name = at_position.get((kind, x, y))
                if name is None:  # a position that did not come back exactly: the nearest to it
                    name = min(by_kind.get(kind, []), key=lambda p: math.hypot(p[0] - x, p[1] - y))[2]
                names[(listing_kind, row.pk, kind)] = name
    return names


def _landmark_points() -> list[tuple[str, str, float, float]]:
    """(kind, name, x, y) of every landmark, by kind and name."""
    return [
        (kind, name, float(x), float(y))
        for kind, name, x, y in Landmark.objects.order_by("kind", "name")
        .annotate(_x=ST_X("location"), _y=ST_Y("location"))
        .values_list("kind", "name", "_x", "_y")
    ]


class _Say:
    """The request, and its explanations' numbers, dates and messages, each formatted once.

    A broad request explains 600 listings with some eight numbers and messages each; the
    same limits, budgets and labels recur, and Django's number formatting and gettext cost
    microseconds a call (more than the matching query's share per listing).
    """

    def __init__(self, request):
        self.request = request
        self.chosen = {m.pk for m in request.municipalities.all()}
        self.landmark_kinds = {key: str(label) for key, label in LandmarkKind.choices}
        self.premises_kinds = {key: str(label) for key, label in Kind.choices}
        self.amenities = {key: str(label) for key, label in Amenity.choices}
        self._numbers: dict = {}
        self._messages: dict = {}
        self._dates: dict = {}

    def num(self, value, decimals: int | None = None) -> str:
        key = (str(value), decimals)  # num() reads a value through str()
        if key not in self._numbers:
            self._numbers[key] = num(value) if decimals is None else num(value, decimals)
        return self._numbers[key]

    def _(self, message: str) -> str:
        if message not in self._messages:
            self._messages[message] = _(message)
        return self._messages[message]

    def date(self, day, format_string: str) -> str:
        key = (day, format_string)
        if key not in self._dates:
            self._dates[key] = date_format(day, format_string)
        return self._dates[key]


def _closeness(value: float, target: float) -> float:
    if not target:
        return 1.0
    return max(0.0, 1 - abs(value - target) / target)


def _range_status(low_value, high_value, want_low, want_high) -> str:
    """met when [low_value, high_value] overlaps [want_low, want_high]; near within 25 %."""
    if (want_low is None or high_value >= want_low) and (want_high is None or low_value <= want_high):
        return MET
    if want_low is not None and high_value < want_low and high_value >= want_low * (1 - NEAR):
        return NEAR_MISS
    if want_high is not None and low_value > want_high and low_value <= want_high * (1 + NEAR):
        return NEAR_MISS
    return NOT_MET


def _limit_status(value, limit) -> str:
    if value is None:
        return NOT_MET
    if value <= limit:
        return MET
    return NEAR_MISS if value <= limit * (1 + NEAR) else NOT_MET


def _explain_distances(say: _Say, candidate: Candidate, checks: list[Check]) -> float:
    request, labels = say.request, say.landmark_kinds
    parts = []
    for name, kind in DISTANCE_KINDS.items():
        limit = getattr(request, name)
        found = candidate.distances.get(kind)
        if limit is None:
            continue
        limit_m = float(limit) * 1000
        if found is None:
            checks.append(
                Check(
                    f"distance_{kind}",
                    str(labels[kind]),
                    NOT_MET,
                    say._("No %(kind)s is known (max %(max)s km)")
                    % {"kind": str(labels[kind]).lower(), "max": say.num(limit)},
                )
            )
            parts.append(0.0)
            continue
        metres, landmark = found
        status = _limit_status(metres, limit_m)
        checks.append(
            Check(
                f"distance_{kind}",
                str(labels[kind]),
                status,
                say._("%(km)s km to %(name)s (max %(max)s km)")
                % {"km": say.num(metres / 1000, 1), "name": landmark, "max": say.num(limit)},
            )
        )
        parts.append(max(0.0, 1 - metres / limit_m) if limit_m else 0.0)
    if parts:
        return sum(parts) / len(parts)
    motorway = candidate.distances.get(LandmarkKind.MOTORWAY_JUNCTION)
    if motorway is None:
        return 0.5
    return max(0.0, 1 - motorway[0] / (REFERENCE_MOTORWAY_KM * 1000))


def _municipality_check(say: _Say, listing, checks: list[Check]) -> None:
    if say.chosen:
        status = MET if listing.municipality_id in say.chosen else NOT_MET
        checks.append(Check("municipality", say._("Municipality"), status, listing.municipality.name))


def _availability(say: _Say, listing, checks: list[Check]) -> float:
    request = say.request
    when = getattr(listing, "available_from", None)
    if request.wanted_by is None:
        return 1.0 if when is None or when <= date.today() else 0.5
    if when is None or when <= request.wanted_by:
        status, part = MET, 1.0
    else:
        status = NEAR_MISS if when <= request.wanted_by + timedelta(days=NEAR_DAYS) else NOT_MET
        part = 0.5
    text = (
        say._("Available now")
        if when is None or when <= date.today()
        else say._("Available from %(date)s") % {"date": say.date(when, "j F Y")}
    )
    checks.append(
        Check(
            "available",
            say._("Available by"),
            status,
            f"{text} ({say._('needed by %(date)s') % {'date': say.date(request.wanted_by, 'j F Y')}})",
        )
    )
    return part


def _explain_premises(say: _Say, candidate: Candidate) -> None:
    request, listing, checks = say.request, candidate.listing, []
    kinds = say.premises_kinds
    if request.premises_kinds:
        status = MET if listing.kind in request.premises_kinds else NOT_MET
        checks.append(
            Check("kind", say._("Type of premises"), status, str(kinds.get(listing.kind, listing.kind)))
        )
    want_low, want_high = request.area_min_m2, request.area_max_m2
    if want_low is not None or want_high is not None:
        status = _range_status(listing.area_min_m2, listing.area_max_m2, want_low, want_high)
        wanted = _range_text(say, want_low, want_high, "m²")
        checks.append(
            Check(
                "area",
                say._("Area"),
                status,
                say._("%(area)s (wanted %(wanted)s)") % {"area": candidate.area_text, "wanted": wanted},
            )
        )
    target = _target(want_low, want_high)
    if target is None or listing.area_min_m2 <= target <= listing.area_max_m2:
        area_part = 1.0
    else:
        nearest = listing.area_min_m2 if target < listing.area_min_m2 else listing.area_max_m2
        area_part = _closeness(nearest, target)
    if request.tenure != "either":
        wanted_tenure = Tenure.RENT if request.tenure == "rent" else Tenure.SALE
        status = MET if listing.tenure == wanted_tenure else NOT_MET
        checks.append(Check("tenure", say._("Rent or buy"), status, str(listing.get_tenure_display())))
    price_part = 0.5
    budget, price = None, None
    if listing.tenure == Tenure.RENT and request.tenure != "buy" and request.rent_budget is not None:
        budget, price = request.rent_budget, listing.rent_sek_per_m2_year
        unit = say._("SEK per m² and year")
    elif listing.tenure == Tenure.SALE and request.tenure != "rent" and request.price_budget is not None:
        budget, price = request.price_budget, listing.price_sek
        unit = say._("SEK")
    if budget is not None:
        status = _limit_status(price, budget)
        shown = say.num(price) if price is not None else say._("not stated")
        checks.append(
            Check(
                "budget",
                say._("Budget"),
                status,
                say._("%(price)s %(unit)s (budget %(budget)s)")
                % {"price": shown, "unit": unit, "budget": say.num(budget)},
            )
        )
        if price is not None and budget:
            price_part = max(0.0, 1 - 0.5 * price / budget)
    elif request.rent_budget is not None or request.price_budget is not None:
        checks.append(
            Check("budget", say._("Budget"), NOT_MET, say._("No price within the budget for this tenure"))
        )
    availability_part = _availability(say, listing, checks)
    if request.amenities:
        missing = [a for a in request.amenities if a not in listing.amenities]
        labels = say.amenities
        if not missing:
            status, text = MET, ", ".join(str(labels[a]) for a in request.amenities)
        else:
            status = NEAR_MISS if len(missing) == 1 and len(request.amenities) > 1 else NOT_MET
            text = say._("Missing: %(list)s") % {"list": ", ".join(str(labels[a]) for a in missing)}
        checks.append(Check("amenities", say._("Must have"), status, text))
    _municipality_check(say, listing, checks)
    distance_part = _explain_distances(say, candidate, checks)
    nice = list(request.nice_amenities or [])
    nice_part = sum(1 for a in nice if a in listing.amenities) / len(nice) if nice else 0.5
    candidate.checks = checks
    candidate.score = _score(area_part, price_part, availability_part, distance_part, nice_part)


def _explain_land(say: _Say, candidate: Candidate) -> None:
    request, listing, checks = say.request, candidate.listing, []
    if request.land_purposes:
        status = MET if set(listing.purposes) & set(request.land_purposes) else NOT_MET
        checks.append(Check("purpose", say._("Permitted use"), status, ", ".join(listing.purpose_labels)))
    low = float(request.land_area_min_ha) * 10000 if request.land_area_min_ha is not None else None
    high = float(request.land_area_max_ha) * 10000 if request.land_area_max_ha is not None else None
    if low is not None or high is not None:
        status = _range_status(listing.area_m2, listing.area_m2, low, high)
        wanted = _range_text(say, request.land_area_min_ha, request.land_area_max_ha, "ha")
        checks.append(
            Check(
                "area",
                say._("Area"),
                status,
                say._("%(area)s (wanted %(wanted)s)") % {"area": candidate.area_text, "wanted": wanted},
            )
        )
    target = _target(low, high)
    area_part = 1.0 if target is None else _closeness(listing.area_m2, target)
    price_part = 0.5
    if request.land_price_budget is not None:
        price = listing.price_sek_per_m2
        status = _limit_status(float(price) if price is not None else None, request.land_price_budget)
        shown = say.num(price) if price is not None else say._("not stated")
        checks.append(
            Check(
                "budget",
                say._("Budget"),
                status,
                say._("%(price)s SEK per m² (budget %(budget)s)")
                % {"price": shown, "budget": say.num(request.land_price_budget)},
            )
        )
        if price is not None and request.land_price_budget:
            price_part = max(0.0, 1 - 0.5 * float(price) / request.land_price_budget)
    if request.land_rail:
        checks.append(
            Check(
                "rail",
                say._("Rail siding possible"),
                MET if listing.rail_siding_possible else NOT_MET,
                say._("Yes") if listing.rail_siding_possible else say._("No"),
            )
        )
    if request.land_water_sewer:
        checks.append(
            Check(
                "water_sewer",
                say._("Water and sewer"),
                MET if listing.water_sewer else NOT_MET,
                say._("Yes") if listing.water_sewer else say._("No"),
            )
        )
    if request.land_min_kw is not None:
        kw = listing.electricity_kw
        if kw is not None and kw >= request.land_min_kw:
            status = MET
        elif kw is not None and kw >= request.land_min_kw * (1 - NEAR):
            status = NEAR_MISS
        else:
            status = NOT_MET
        shown = f"{say.num(kw)} kW" if kw is not None else say._("not stated")
        checks.append(
            Check(
                "electricity",
                say._("Electricity"),
                status,
                say._("%(kw)s (at least %(min)s kW)") % {"kw": shown, "min": say.num(request.land_min_kw)},
            )
        )
    _municipality_check(say, listing, checks)
    distance_part = _explain_distances(say, candidate, checks)
    services = [listing.water_sewer, listing.district_heating, listing.fibre, bool(listing.electricity_kw)]
    nice_part = sum(services) / len(services)
    candidate.checks = checks
    candidate.score = _score(area_part, price_part, 1.0, distance_part, nice_part)


def _range_text(say: _Say, low, high, unit: str) -> str:
    if low is not None and high is not None:
        return f"{say.num(low)}–{say.num(high)} {unit}"
    if low is not None:
        return say._("at least %(n)s %(unit)s") % {"n": say.num(low), "unit": unit}
    return say._("at most %(n)s %(unit)s") % {"n": say.num(high), "unit": unit}


def _score(area: float, price: float, availability: float, distances: float, nice: float) -> int:
    parts = {"area": area, "price": price, "availability": availability, "distances": distances, "nice": nice}
    return round(sum(WEIGHTS[k] * v for k, v in parts.items()))


# --- the one entry point ----------------------------------------------------------------------
def match(request) -> MatchResult:
    """Matches and near misses for an `EstablishmentRequest` (saved, with its municipalities)."""
    premises_rows, premises_keys = ([], [])
    land_rows, land_keys = ([], [])
    if request.wants in ("premises", "either"):
        premises_rows, premises_keys = _premises_rows(request)
    if request.wants in ("land", "either"):
        land_rows, land_keys = _land_rows(request)
    names = _landmark_names({"premises": premises_rows, "land": land_rows})
    say = _Say(request)
    matches, near = [], []
    for kind, rows, keys, explain in (
        ("premises", premises_rows, premises_keys, _explain_premises),
        ("land", land_rows, land_keys, _explain_land),
    ):
        for row in rows:
            failed = next((key for key in keys if getattr(row, f"fail_{key}")), None)
            candidate = Candidate(
                kind=kind,
                listing=row,
                checks=[],
                failed=failed,
                lon=row.lon,
                lat=row.lat,
                x=row.sx,
                y=row.sy,
                distances={
                    k: (getattr(row, f"d_{k}"), names.get((kind, row.pk, k), ""))
                    for k in LandmarkKind.values
                    if getattr(row, f"d_{k}") is not None
                },
            )
            explain(say, candidate)
            (near if failed else matches).append(candidate)
    matches.sort(key=lambda c: (-c.score, c.kind, c.listing.pk))
    near.sort(key=lambda c: (-c.score, c.kind, c.listing.pk))
    return MatchResult(matches, near, {c.listing.municipality_id for c in matches})


def matching_pks(request, kind: str, pks: list[int]) -> list[int]:
    """Which of `pks` (premises or land plots) now meet every hard criterion of `request`.

    Used when a listing is published or changed: the same criteria, limited to that listing.
    """
    if kind == "premises" and request.wants == "land" or kind == "land" and request.wants == "premises":
        return []
    rows, _keys = (_premises_rows if kind == "premises" else _land_rows)(request, only=list(pks))
    return [row.pk for row in rows if not row.fails]
