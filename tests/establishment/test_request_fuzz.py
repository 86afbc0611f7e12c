"""Property tests: no input to the public request form (POST, or the search's GET hand-over) gives a 5xx.

Every field of the form and of its occupation rows gets unicode and control characters,
huge, negative and non-finite numbers, wrong choices and dates; the answer is the form with
its errors (200) or the request page (302), and an invalid form stores nothing. A NUL byte
gets the core's plain 400 (brorebro.middleware.RejectNulBytesMiddleware).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from establishment.forms import RecruitmentForm, RequestForm
from establishment.models import EstablishmentRequest

FIELDS = [
    *RequestForm.base_fields,
    "occ-0-occupation",
    "occ-0-head_count",
    "occ-TOTAL_FORMS",
    "occ-INITIAL_FORMS",
]
assert set(RecruitmentForm.base_fields) == {"occupation", "head_count"}

values = st.one_of(
    st.sampled_from(
        ["", "0", "-1", "1e400", "NaN", "inf", "2000", "5000", "10", "2,5", "2027-02-30", "on", "premises",
         "land", "either", "rent", "buy", "warehouse", "loading_dock", "1880", "99999999999999999999", "\x00",
         "a@b.se", "x" * 6000]
    ),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)  # fmt: skip
forms = st.dictionaries(st.sampled_from(FIELDS), values, max_size=14)

HYPOTHESIS = settings(
    max_examples=60,  # the suite must stay within minutes on 2 cores
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _database_is_up(monkeypatch):
    monkeypatch.setattr("brorebro.middleware.database_is_up", lambda: True)


@HYPOTHESIS
@given(data=forms, lang=st.sampled_from(["sv", "en"]))
def test_no_form_input_gives_a_server_error(db, county, client, data, lang):
    data = {"occ-TOTAL_FORMS": "3", "occ-INITIAL_FORMS": "0", **data}
    with transaction.atomic():
        before = EstablishmentRequest.objects.count()
        response = client.post(f"/{lang}/establish/", data)
        assert response.status_code in (200, 302, 400), response.status_code
        if response.status_code != 302:
            assert EstablishmentRequest.objects.count() == before
        transaction.set_rollback(True)


@HYPOTHESIS
@given(query=st.lists(st.tuples(st.sampled_from(["from", "kind", "area_min", "purpose", "within_km",
                                                   "landmark_kind", "municipality", "amenity", "x"]),
                                  values), max_size=8).map(urlencode))  # fmt: skip
def test_no_search_hand_over_gives_a_server_error(db, county, client, query):
    for origin in ("premises", "land"):
        response = client.get(f"/en/establish/?from={origin}&{query}")
        assert response.status_code in (200, 400), response.status_code
