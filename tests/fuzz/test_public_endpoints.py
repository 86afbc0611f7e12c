"""Property tests: no value of any public GET parameter makes a public endpoint answer 5xx.

Hypothesis generates query strings for every public endpoint from the exact list of
parameters that endpoint reads (checked against the apps' FilterSets and forms by
`test_fuzzed_parameters_are_exactly_what_the_endpoints_read`): unicode and control
characters, invalid UTF-8, huge, negative and non-finite numbers, comma lists,
repeated parameters, and plausible values that reach the deeper code paths.

The Django test client re-raises any exception a view lets escape, and streamed
bodies (CSV) are read to the end, so errors inside generators count too. Every
request runs in a savepoint so a database error cannot poison the next example.
"""

from __future__ import annotations

import importlib
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = 300

# --- the parameters each endpoint reads (from the apps' filters.py, forms.py and views.py)
PREMISES_FILTERS = [
    "q", "municipality", "kind", "area_min", "area_max", "tenure", "rent_max", "price_max",
    "available_by", "amenity", "near", "radius_km", "bbox", "sort",
    "clear_height_min", "dock_doors_min", "power_min", "motorway_km", "rail_km", "airport_km",
]  # fmt: skip
LAND_FILTERS = [
    "q", "municipality", "purpose", "area_min_ha", "area_max_ha", "price_max", "plan_status",
    "service", "rail", "landmark_kind", "within_km", "near", "radius_km", "bbox", "sort",
]  # fmt: skip
NKI_TREND = ["area", "municipality"]
NKI_EXPORT = ["year", "area_code", "authority_area", "format"]
SKILLS_FILTERS = ["sector", "municipality", "status", "occupation"]

# name: (path, parameters). "{lang}" is drawn from sv/en for every example.
ENDPOINTS = {
    "home": ("/{lang}/", []),
    "healthz": ("/healthz", []),
    "premises-search": ("/{lang}/premises/", [*PREMISES_FILTERS, "page", "partial"]),
    "premises-export": ("/{lang}/premises/export.csv", PREMISES_FILTERS),
    "premises-geojson": ("/api/premises.geojson", [*PREMISES_FILTERS, "zoom"]),
    "land-search": ("/{lang}/land/", [*LAND_FILTERS, "page", "partial"]),
    "land-export": ("/{lang}/land/export.csv", LAND_FILTERS),
    "land-geojson": ("/api/land.geojson", [*LAND_FILTERS, "zoom", "simplify", "lang"]),
    "nki-overview": ("/{lang}/nki/", NKI_TREND),
    "nki-export": ("/{lang}/nki/export.csv", NKI_EXPORT),
    "nki-municipality": ("/{lang}/nki/{code}/", ["area"]),
    "skills": ("/{lang}/skills/", [*SKILLS_FILTERS, "page"]),
    "skills-outcomes": ("/{lang}/skills/outcomes/", ["page"]),
    "place-suggest": ("/{lang}/places/suggest", ["q"]),
    # Pages that read no parameters, but whose path carries a value.
    "premises-detail": ("/{lang}/premises/{id}/", []),
    "land-detail": ("/{lang}/land/{id}/", []),
    "skills-programme": ("/{lang}/skills/programmes/{id}/", []),
    "media": ("/media/{path}", []),
    # Django's own public pages that read a parameter.
    "set-language": ("/i18n/setlang/", ["next", "language"]),
    "admin-login": ("/admin/login/", ["next"]),
}

# Values that are valid somewhere, so examples also get past validation into the queries.
PLAUSIBLE = [
    "1880", "1860", "1861", "1814", "0000", "region", "total", "18",
    "office", "warehouse", "industry", "retail", "logistics", "rent", "sale", "newest", "area_asc",
    "area_desc", "rent_asc", "price_asc", "distance", "name", "detailed_plan", "water_sewer",
    "fibre", "rail", "airport", "motorway", "it", "care", "visitor", "ongoing", "planned", "bygglov",
    "1", "2", "5", "10", "12", "18", "20", "500", "2023", "2025", "2027-01-31",
    "14.9,59.1,15.4,59.4", "15.0,59.0,15.5,59.5", "10,55,25,69", "59.2741,15.2066", "on", "true", "1",
    "Kumla", "kumla", "Örebro", "Hallsberg Kombiterminal", "Berga (Ort, Kumla)", "E20", "ö",
    "sv", "en", "/sv/premises/", "//evil.example", "https://evil.example/", "/admin/",
]  # fmt: skip
NASTY = [
    "", " ", "\x00", "\t\r\n", "\u202e", "\ufeff", "NaN", "nan", "-nan", "inf", "-inf", "Infinity",
    "1e309", "-1e309", "1e-400", "0", "-0", "-1", "-0.0001", "0x1A", "1_000", "1 000", "1,5", "1.5.5",
    "١٢٣", "²", "Ⅻ", "9" * 400, "-" + "9" * 60, "2027-02-30", "0000-00-00", "9999-12-31",
    "99999-01-01", "2027-13-01", "null", "None", "[]", "{}", "%00", "%", "'; DROP TABLE x; --",
    "<script>alert(1)</script>", "../../etc/passwd", ",", ",,,", "1,2,3", "1,2,3,4,5", "180,90,-180,-90",
    "-180,-90,180,90", "0,0,0,0", "15,59,15,59", "15.4,59.4,14.9,59.1", "nan,nan,nan,nan",
    "inf,0,1,1", "1e308,1e308,-1e308,-1e308", "59.27,nan", "90,180", "91,0", "-90,-180", "59.27",
    "59.27,15.2,3", "1e400,1e400", "x" * 5000,
]  # fmt: skip

numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
values = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.sampled_from(NASTY),
    st.text(max_size=40),  # any unicode, control characters included
    st.binary(max_size=12),  # percent-encoded bytes, often invalid UTF-8
    numbers,
    st.lists(numbers | st.sampled_from(PLAUSIBLE), min_size=2, max_size=6).map(",".join),
)
languages = st.sampled_from(["sv", "en"])
municipality_codes = st.one_of(
    st.sampled_from(["1880", "1860", "0000", "region", "18", "\x00", "18\x0080", "１８８０"]),
    st.text(min_size=1),
)
ids = st.one_of(st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=10**40))
media_paths = st.one_of(
    st.sampled_from(
        ["../settings.py", "..%2f..%2fetc/passwd", "premises/../../secret_key", "/etc/passwd", "."]
    ),
    st.text(min_size=1, max_size=60),
)


def query_strings(parameters: list[str]):
    # Unknown names too: they must be ignored. Lists allow repeated parameters.
    names = st.sampled_from([*parameters, "utm_source", "page", "format"]) if parameters else st.just("x")
    return st.lists(st.tuples(names, values), max_size=8).map(urlencode)


def fetch(client, url: str):
    with transaction.atomic():
        response = client.get(url)
        if response.streaming:
            body = b"".join(response.streaming_content)
        else:
            body = response.content
    return response, body


@pytest.fixture(autouse=True)
def _database_is_up(monkeypatch):
    """The database is up while fuzzing, so a DatabaseError is a bug in handling the input.

    Without this, the core's outage probe (brorebro.middleware.database_is_up) would close
    the connection inside the test transaction, turn the error into a 503 and break every
    later request; the outage itself is tested in tests/faults/test_outage.py.
    """
    monkeypatch.setattr("brorebro.middleware.database_is_up", lambda: True)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data once per module, rolled back at the end (like TestCase.setUpTestData)."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", verbosity=0)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_no_parameter_value_gives_a_server_error(demo_data, db, client, name):
    template, parameters = ENDPOINTS[name]

    @HYPOTHESIS
    @given(
        lang=languages, code=municipality_codes, id=ids, media=media_paths, query=query_strings(parameters)
    )
    def check(lang, code, id, media, query):  # noqa: A002 - named like the URL part
        path = template.format(lang=lang, code=quote(code, safe=""), id=id, path=quote(media, safe="/%"))
        url = f"{path}?{query}" if query else path
        response, body = fetch(client, url)
        assert response.status_code < 500, f"GET {url} answered {response.status_code}: {body[:300]!r}"
        if 300 <= response.status_code < 400:
            # No open redirects: whatever `next` says, a redirect stays on this site.
            target = urlsplit(response["Location"])
            assert target.netloc in ("", "testserver"), (
                f"GET {url} redirects off-site to {response['Location']}"
            )

    check()


def _names(dotted: str) -> set[str]:
    """Parameter names read by a FilterSet or form class given as "module.Class"."""
    module_name, class_name = dotted.rsplit(".", 1)
    # No guard: a class that moved or vanished must fail here, or the fuzzer would
    # silently stop covering the parameters it reads.
    cls = getattr(importlib.import_module(module_name), class_name)
    if hasattr(cls, "base_filters"):
        return set(cls.base_filters)
    return set(cls.base_fields)


@pytest.mark.parametrize(
    "endpoint,sources,extra",
    [
        ("premises-search", ["premises.filters.PremisesFilterSet"], {"page", "partial"}),
        ("premises-export", ["premises.filters.PremisesFilterSet"], set()),
        ("premises-geojson", ["premises.filters.PremisesFilterSet"], {"zoom"}),
        ("land-search", ["land.filters.LandPlotFilterSet"], {"page", "partial"}),
        ("land-export", ["land.filters.LandPlotFilterSet"], set()),
        ("land-geojson", ["land.filters.LandPlotFilterSet", "land.views.MapOptionsForm"], set()),
        ("nki-overview", ["surveys.forms.TrendFilterForm"], set()),
        ("nki-export", ["surveys.forms.ExportFilterForm"], set()),
        ("skills", ["skills.filters.ProgrammeFilter"], {"page"}),
        ("skills-outcomes", [], {"page"}),
    ],
)
def test_fuzzed_parameters_are_exactly_what_the_endpoints_read(endpoint, sources, extra):
    read = set().union(*(_names(source) for source in sources), extra)
    fuzzed = set(ENDPOINTS[endpoint][1])
    assert fuzzed == read, (
        f"{endpoint}: not fuzzed {sorted(read - fuzzed)}, no longer read {sorted(fuzzed - read)}"
    )


INQUIRY_FIELDS = ["name", "company", "email", "phone", "message", "consent", "website"]
form_values = st.one_of(
    values,
    st.text(min_size=4000, max_size=6000),  # longer than the message limit
    st.emails().map(str),
    st.sampled_from(["on", "true", "1", "ja@example.se", "a@b", "@", "x@y.z" * 50]),
)


@pytest.mark.parametrize("app,model_name", [("premises", "Premises"), ("land", "LandPlot")])
def test_no_inquiry_form_input_gives_a_server_error(demo_data, db, client, app, model_name):
    """The one public POST: the inquiry form on every listing (CSRF is tested in tests/faults)."""
    from django.apps import apps

    listing = apps.get_model(app, model_name).objects.visible().first()
    assert listing is not None
    url = listing.get_absolute_url()

    valid = {"name": "Ada", "email": "ada@example.se", "message": "Hej!", "consent": "on"}

    @HYPOTHESIS
    @given(
        keep=st.sets(st.sampled_from(sorted(valid))),
        fields=st.lists(st.tuples(st.sampled_from(INQUIRY_FIELDS), form_values), max_size=8),
    )
    def check(keep, fields):
        # Start from a valid inquiry so odd values also reach the saving and mailing code.
        data = [(name, valid[name]) for name in sorted(keep)] + fields
        cache.clear()  # the per-IP rate limit would otherwise refuse all but the first few
        with transaction.atomic():
            response = client.post(
                url, data=urlencode(data), content_type="application/x-www-form-urlencoded"
            )
        assert response.status_code < 500, f"POST {url} {data!r} answered {response.status_code}"
        assert response.status_code in (200, 302)

    check()
