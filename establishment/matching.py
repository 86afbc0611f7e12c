"""Matching an establishment request against the premises and land on offer.

**One rule, the search's.** Every hard criterion is a query string for the public search's
own FilterSet (`premises.filters.PremisesFilterSet`, `land.filters.LandPlotFilterSet`), so
"2 000–5 000 m²", "warehouse", "loading dock" or "within 10 km of a rail terminal" mean here
exactly what they mean on the search pages. Three criteria have no search filter, and are
written here once: the distance from premises to the nearest landmark of a kind (premises
have no landmark filter; the landmarks and land's own `with_distance_to` are reused), a
minimum electricity capacity for land, and the municipality when none is chosen (all).

**In the database, in a constant number of queries.** For each criterion, the FilterSet's
queryset of the listings that meet it is a subquery; each visible listing is annotated with
one 0/1 "fails" column per criterion and their sum, and one query per kind of listing
(premises, land) returns the matches (no failure) and the near misses (exactly one failure)
together (its best MAX_ROWS), and a second one computes, for those rows only, the distances
to the nearest motorway junction, rail terminal and airport and the positions for the map.
One more query reads the landmarks, to name the nearest one. So a request costs a fixed
number of queries whatever the number of listings (bench/establishment_match.py times it at
national scale).

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

Only the MAX_ROWS listings of each kind closest in area are scored (the database orders by
failures and closeness of area first), which bounds the Python work at national scale.

A criterion is **near** when it is missed by little: a distance or an area within 25 %, a
price up to 25 % over budget, availability within 90 days of the wanted date, or one missing
amenity of several.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.contrib.gis.db.models.functions import Distance, Transform
from django.db import connections
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Abs, Cast
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from brorebro.spatial import ST_X, ST_Y, WGS84
from brorebro.templatetags.portal import num
from land.filters import LandPlotFilterSet
from land.models import Landmark, LandmarkKind, LandPlot
from premises.filters import PremisesFilterSet
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

MET, NEAR_MISS, NOT_MET = "met", "near", "not_met"


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


def _meeting(filterset_class, model, queries: list[dict]):
    """The pks of `model` that meet any of `queries`, by the search's FilterSet, as a subquery."""
    condition = Q()
    for query in queries:
        filterset = filterset_class(_as_query_dict(query), queryset=model.objects.all())
        if not filterset.is_valid():  # the request form validated the same values: a bug
            raise ValueError(f"invalid search {query!r}: {filterset.errors.as_json()}")
        condition |= Q(pk__in=filterset.qs.order_by().values("pk"))
    return condition


def _as_query_dict(query: dict):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in query.items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = str(value)
    return data


def _nearest_landmark_m(kind: str, outer_field: str):
    """Metres from the listing's `outer_field` to the nearest landmark of `kind` (None without one).

    The same correlated MIN() as `LandPlotQuerySet.with_distance_to`, for the premises' point.
    """
    outer = ExpressionWrapper(OuterRef(outer_field), output_field=gis_models.PointField(srid=settings.SRID))
    nearest = (
        Landmark.objects.filter(kind=kind)
        .annotate(_d=Cast(Distance("location", outer), FloatField()))
        .values("kind")
        .annotate(_min=Min("_d"))
        .values("_min")
    )
    return Subquery(nearest, output_field=FloatField())


def _within_of_landmark(kind: str, metres: float) -> Q:
    """Premises within `metres` of a landmark of `kind`: land's `near_landmark` rule, for a point.

    ST_DWithin on the landmarks' spatial index, in the stored metres on both databases.
    """
    return Q(Exists(Landmark.objects.filter(kind=kind, location__dwithin=(OuterRef("location"), metres))))


def _fails(conditions: dict[str, Q]) -> dict:
    return {
        f"fail_{key}": Case(When(condition, then=Value(0)), default=Value(1), output_field=IntegerField())
        for key, condition in conditions.items()
    }


def _total(keys) -> F | Value:
    total = Value(0)
    for key in keys:
        total = total + F(f"fail_{key}")
    return total


def _select(qs, conditions: dict[str, Q], closeness) -> list[tuple]:
    """The first query: (pk, fails per criterion) of the best MAX_ROWS rows with at most one failure.

    Only criteria are evaluated here; the costly figures (distances, WGS84 positions) are
    computed afterwards for these rows alone. The ORM writes the inner query (one 0/1 column
    per criterion); the outer query sums, filters and orders those columns by name, so each
    criterion's subquery is evaluated once, not again in WHERE and ORDER BY. On PostgreSQL
    `OFFSET 0` keeps the planner from folding the inner query back into the outer one.
    """
    keys = [f"fail_{key}" for key in conditions]
    inner = qs.order_by().annotate(**_fails(conditions)).annotate(closeness=closeness)
    sql, params = inner.values_list("pk", "closeness", *keys).query.sql_with_params()
    connection = connections[inner.db]
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    quoted = [connection.ops.quote_name(k) for k in keys]
    # Without criteria every visible listing matches: nothing to sum (and ORDER BY 0 would
    # name a column by position).
    fails = " + ".join(quoted) if quoted else None
    # Only the ORM's SQL and the quoted names of our own criteria go into the text; every
    # value the request brings is a parameter of the ORM's SQL.
    outer = (
        f"SELECT pk{''.join(', ' + q for q in quoted)} FROM ({sql}{fence}) candidates "  # noqa: S608
        + (f"WHERE {fails} <= 1 ORDER BY {fails}, " if fails else "ORDER BY ")
        + f"closeness, pk LIMIT {int(MAX_ROWS)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return cursor.fetchall()


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


def _premises_rows(request, only: list[int] | None = None) -> tuple[list, list[str]]:
    criteria = premises_criteria(request)
    conditions = {key: _meeting(PremisesFilterSet, Premises, queries) for key, queries in criteria.items()}
    for name, kind in DISTANCE_KINDS.items():
        limit = getattr(request, name)
        if limit is not None:
            conditions[f"distance_{kind}"] = _within_of_landmark(kind, float(limit) * 1000)
    base = Premises.objects.visible()
    if only is not None:
        base = base.filter(pk__in=only)
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
    selected = _select(base, conditions, closeness)
    if not selected:
        return [], list(conditions)
    detail = (
        Premises.objects.filter(pk__in=[row[0] for row in selected])
        .order_by()
        .for_cards()
        .with_wgs84()
        .annotate(sx=ST_X("location"), sy=ST_Y("location"))
        .annotate(**{f"d_{kind}": _nearest_landmark_m(kind, "location") for kind in LandmarkKind.values})
    )
    return _with_failures(selected, detail, list(conditions)), list(conditions)


def _land_rows(request, only: list[int] | None = None) -> tuple[list, list[str]]:
    criteria = land_criteria(request)
    conditions = {key: _meeting(LandPlotFilterSet, LandPlot, queries) for key, queries in criteria.items()}
    if request.land_min_kw is not None:
        conditions["electricity"] = Q(electricity_kw__gte=request.land_min_kw)
    base = LandPlot.objects.visible()
    if only is not None:
        base = base.filter(pk__in=only)
    low = float(request.land_area_min_ha) * 10000 if request.land_area_min_ha is not None else None
    high = float(request.land_area_max_ha) * 10000 if request.land_area_max_ha is not None else None
    target = _target(low, high)
    closeness = (
        Abs(ExpressionWrapper(F("area_m2") - Value(float(target)), output_field=FloatField()))
        if target is not None
        else Value(0.0)
    )
    selected = _select(base, conditions, closeness)
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
def _landmark_names(rows_by_kind: dict[str, tuple[list, str]]) -> dict:
    """{(row pk, geometry field, landmark kind): name}: the landmark at each row's nearest distance.

    The distance comes from the database; here only its landmark is found. The distance to a
    geometry's bounding box is never more than the distance to the geometry, so only the
    landmarks within the found distance of the box can be the one (usually exactly one), and
    GEOS measures just those.
    """
    by_kind: dict[str, list] = {}
    for landmark in Landmark.objects.all():  # the one query for names; a few hundred at most
        by_kind.setdefault(landmark.kind, []).append((landmark.location.x, landmark.location.y, landmark))
    names = {}
    for rows, field_name in rows_by_kind.values():
        for row in rows:
            geom = getattr(row, field_name)
            xmin, ymin, xmax, ymax = geom.extent
            for kind in LandmarkKind.values:
                metres = getattr(row, f"d_{kind}")
                if metres is None:
                    continue
                near = [
                    landmark
                    for x, y, landmark in by_kind.get(kind, ())
                    if math.hypot(max(xmin - x, 0.0, x - xmax), max(ymin - y, 0.0, y - ymax)) <= metres + 0.01
                ]
                if len(near) > 1:
                    near.sort(key=lambda landmark: abs(landmark.location.distance(geom) - metres))
                if near:
                    names[(row.pk, field_name, kind)] = near[0].name
    return names


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


def _explain_distances(request, candidate: Candidate, checks: list[Check]) -> float:
    labels = dict(LandmarkKind.choices)
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
                    _("No %(kind)s is known (max %(max)s km)")
                    % {"kind": str(labels[kind]).lower(), "max": num(limit)},
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
                _("%(km)s km to %(name)s (max %(max)s km)")
                % {"km": num(metres / 1000, 1), "name": landmark, "max": num(limit)},
            )
        )
        parts.append(max(0.0, 1 - metres / limit_m) if limit_m else 0.0)
    if parts:
        return sum(parts) / len(parts)
    motorway = candidate.distances.get(LandmarkKind.MOTORWAY_JUNCTION)
    if motorway is None:
        return 0.5
    return max(0.0, 1 - motorway[0] / (REFERENCE_MOTORWAY_KM * 1000))


def _municipality_check(request, listing, checks: list[Check], chosen: set[int]) -> None:
    if chosen:
        status = MET if listing.municipality_id in chosen else NOT_MET
        checks.append(Check("municipality", _("Municipality"), status, listing.municipality.name))


def _availability(request, listing, checks: list[Check]) -> float:
    when = getattr(listing, "available_from", None)
    if request.wanted_by is None:
        return 1.0 if when is None or when <= date.today() else 0.5
    if when is None or when <= request.wanted_by:
        status, part = MET, 1.0
    else:
        status = NEAR_MISS if when <= request.wanted_by + timedelta(days=NEAR_DAYS) else NOT_MET
        part = 0.5
    text = (
        _("Available now")
        if when is None or when <= date.today()
        else _("Available from %(date)s") % {"date": date_format(when, "j F Y")}
    )
    checks.append(
        Check(
            "available",
            _("Available by"),
            status,
            f"{text} ({_('needed by %(date)s') % {'date': date_format(request.wanted_by, 'j F Y')}})",
        )
    )
    return part


def _explain_premises(request, candidate: Candidate, chosen: set[int]) -> None:
    listing, checks = candidate.listing, []
    kinds = dict(Kind.choices)
    if request.premises_kinds:
        status = MET if listing.kind in request.premises_kinds else NOT_MET
        checks.append(
            Check("kind", _("Type of premises"), status, str(kinds.get(listing.kind, listing.kind)))
        )
    want_low, want_high = request.area_min_m2, request.area_max_m2
    if want_low is not None or want_high is not None:
        status = _range_status(listing.area_min_m2, listing.area_max_m2, want_low, want_high)
        wanted = _range_text(want_low, want_high, "m²")
        checks.append(
            Check(
                "area",
                _("Area"),
                status,
                _("%(area)s (wanted %(wanted)s)") % {"area": candidate.area_text, "wanted": wanted},
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
        checks.append(Check("tenure", _("Rent or buy"), status, str(listing.get_tenure_display())))
    price_part = 0.5
    budget, price = None, None
    if listing.tenure == Tenure.RENT and request.tenure != "buy" and request.rent_budget is not None:
        budget, price = request.rent_budget, listing.rent_sek_per_m2_year
        unit = _("SEK per m² and year")
    elif listing.tenure == Tenure.SALE and request.tenure != "rent" and request.price_budget is not None:
        budget, price = request.price_budget, listing.price_sek
        unit = _("SEK")
    if budget is not None:
        status = _limit_status(price, budget)
        shown = num(price) if price is not None else _("not stated")
        checks.append(
            Check(
                "budget",
                _("Budget"),
                status,
                _("%(price)s %(unit)s (budget %(budget)s)")
                % {"price": shown, "unit": unit, "budget": num(budget)},
            )
        )
        if price is not None and budget:
            price_part = max(0.0, 1 - 0.5 * price / budget)
    elif request.rent_budget is not None or request.price_budget is not None:
        checks.append(Check("budget", _("Budget"), NOT_MET, _("No price within the budget for this tenure")))
    availability_part = _availability(request, listing, checks)
    if request.amenities:
        missing = [a for a in request.amenities if a not in listing.amenities]
        labels = dict(Amenity.choices)
        if not missing:
            status, text = MET, ", ".join(str(labels[a]) for a in request.amenities)
        else:
            status = NEAR_MISS if len(missing) == 1 and len(request.amenities) > 1 else NOT_MET
            text = _("Missing: %(list)s") % {"list": ", ".join(str(labels[a]) for a in missing)}
        checks.append(Check("amenities", _("Must have"), status, text))
    _municipality_check(request, listing, checks, chosen)
    distance_part = _explain_distances(request, candidate, checks)
    nice = list(request.nice_amenities or [])
    nice_part = sum(1 for a in nice if a in listing.amenities) / len(nice) if nice else 0.5
    candidate.checks = checks
    candidate.score = _score(area_part, price_part, availability_part, distance_part, nice_part)


def _explain_land(request, candidate: Candidate, chosen: set[int]) -> None:
    listing, checks = candidate.listing, []
    if request.land_purposes:
        status = MET if set(listing.purposes) & set(request.land_purposes) else NOT_MET
        checks.append(Check("purpose", _("Permitted use"), status, ", ".join(listing.purpose_labels)))
    low = float(request.land_area_min_ha) * 10000 if request.land_area_min_ha is not None else None
    high = float(request.land_area_max_ha) * 10000 if request.land_area_max_ha is not None else None
    if low is not None or high is not None:
        status = _range_status(listing.area_m2, listing.area_m2, low, high)
        wanted = _range_text(request.land_area_min_ha, request.land_area_max_ha, "ha")
        checks.append(
            Check(
                "area",
                _("Area"),
                status,
                _("%(area)s (wanted %(wanted)s)") % {"area": candidate.area_text, "wanted": wanted},
            )
        )
    target = _target(low, high)
    area_part = 1.0 if target is None else _closeness(listing.area_m2, target)
    price_part = 0.5
    if request.land_price_budget is not None:
        price = listing.price_sek_per_m2
        status = _limit_status(float(price) if price is not None else None, request.land_price_budget)
        shown = num(price) if price is not None else _("not stated")
        checks.append(
            Check(
                "budget",
                _("Budget"),
                status,
                _("%(price)s SEK per m² (budget %(budget)s)")
                % {"price": shown, "budget": num(request.land_price_budget)},
            )
        )
        if price is not None and request.land_price_budget:
            price_part = max(0.0, 1 - 0.5 * float(price) / request.land_price_budget)
    if request.land_rail:
        checks.append(
            Check(
                "rail",
                _("Rail siding possible"),
                MET if listing.rail_siding_possible else NOT_MET,
                _("Yes") if listing.rail_siding_possible else _("No"),
            )
        )
    if request.land_water_sewer:
        checks.append(
            Check(
                "water_sewer",
                _("Water and sewer"),
                MET if listing.water_sewer else NOT_MET,
                _("Yes") if listing.water_sewer else _("No"),
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
        shown = f"{num(kw)} kW" if kw is not None else _("not stated")
        checks.append(
            Check(
                "electricity",
                _("Electricity"),
                status,
                _("%(kw)s (at least %(min)s kW)") % {"kw": shown, "min": num(request.land_min_kw)},
            )
        )
    _municipality_check(request, listing, checks, chosen)
    distance_part = _explain_distances(request, candidate, checks)
    services = [listing.water_sewer, listing.district_heating, listing.fibre, bool(listing.electricity_kw)]
    nice_part = sum(services) / len(services)
    candidate.checks = checks
    candidate.score = _score(area_part, price_part, 1.0, distance_part, nice_part)


def _range_text(low, high, unit: str) -> str:
    if low is not None and high is not None:
        return f"{num(low)}–{num(high)} {unit}"
    if low is not None:
        return _("at least %(n)s %(unit)s") % {"n": num(low), "unit": unit}
    return _("at most %(n)s %(unit)s") % {"n": num(high), "unit": unit}


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
    names = _landmark_names({"premises": (premises_rows, "location"), "land": (land_rows, "geom")})
    chosen = {m.pk for m in request.municipalities.all()}
    matches, near = [], []
    for kind, rows, keys, field_name, explain in (
        ("premises", premises_rows, premises_keys, "location", _explain_premises),
        ("land", land_rows, land_keys, "geom", _explain_land),
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
                    k: (getattr(row, f"d_{k}"), names.get((row.pk, field_name, k), ""))
                    for k in LandmarkKind.values
                    if getattr(row, f"d_{k}") is not None
                },
            )
            explain(request, candidate, chosen)
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
