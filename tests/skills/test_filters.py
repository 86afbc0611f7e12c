"""The programme filters on /<lang>/skills/: each alone, combined, and bad values."""

import pytest
from django.urls import reverse

from tests.skills.factories import OccupationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

EN_INDEX = "/en/skills/"


@pytest.fixture
def programmes(occupations, sectors, orebro, laxa, hallsberg):
    return {
        "cook_orebro": ProgrammeFactory(
            name_sv="Kock Örebro", status="open", municipalities=[orebro], occupations=[occupations["cook"]]
        ),
        "developer_orebro": ProgrammeFactory(
            name_sv="Utvecklare Örebro",
            status="running",
            municipalities=[orebro],
            occupations=[occupations["developer"]],
        ),
        "driver_laxa": ProgrammeFactory(
            name_sv="Lastbil Laxå",
            status="open",
            municipalities=[laxa, hallsberg],
            occupations=[occupations["driver"]],
        ),
        # Sector through the programme's own industry, with an occupation outside any sector.
        "it_by_industry": ProgrammeFactory(
            name_sv="IT-support Hallsberg",
            status="finished",
            municipalities=[hallsberg],
            occupations=[OccupationFactory(ssyk="3512", name_sv="Supporttekniker, IT")],
            industries=[sectors["it"]],
        ),
        "cancelled": ProgrammeFactory(
            name_sv="Inställd kockutbildning",
            status="cancelled",
            municipalities=[orebro],
            occupations=[occupations["cook"]],
        ),
    }


def listed(client, **params):
    response = client.get(reverse("skills:index"), params)
    assert response.status_code == 200
    return {p.name_sv for p in response.context["page"].object_list}, response


def test_without_filters_all_but_cancelled_are_listed(client, programmes):
    names, _ = listed(client)
    assert names == {"Kock Örebro", "Utvecklare Örebro", "Lastbil Laxå", "IT-support Hallsberg"}


def test_status_filter(client, programmes):
    assert listed(client, status="open")[0] == {"Kock Örebro", "Lastbil Laxå"}


def test_cancelled_programmes_are_listed_when_asked_for(client, programmes):
    assert listed(client, status="cancelled")[0] == {"Inställd kockutbildning"}


def test_occupation_filter_uses_the_ssyk_code(client, programmes):
    assert listed(client, occupation="5120")[0] == {"Kock Örebro"}


def test_sector_filter_through_occupation_or_industry(client, programmes):
    assert listed(client, sector="it")[0] == {"Utvecklare Örebro", "IT-support Hallsberg"}


def test_municipality_filter_uses_the_code(client, programmes):
    assert listed(client, municipality="1861")[0] == {"Lastbil Laxå", "IT-support Hallsberg"}


def test_a_programme_in_two_matching_places_is_listed_once(client, programmes, sectors):
    programmes["driver_laxa"].industries.add(sectors["logistics"])
    response = client.get(reverse("skills:index"), {"sector": "logistics"})
    assert [p.name_sv for p in response.context["page"].object_list] == ["Lastbil Laxå"]


def test_filters_combine(client, programmes):
    assert listed(client, municipality="1880", status="running")[0] == {"Utvecklare Örebro"}
    assert listed(client, municipality="1880", sector="it", status="open")[0] == set()
    assert listed(client, municipality="1861", sector="logistics", occupation="8332", status="open")[0] == {
        "Lastbil Laxå"
    }


@pytest.mark.parametrize(
    "params",
    [
        {"status": "nonsense"},
        {"sector": "<script>"},
        {"municipality": "9999"},
        {"occupation": "abc"},
        {"page": "x"},
        {"status": "open", "municipality": "1880x", "sector": "it"},
    ],
)
def test_bad_filter_values_give_a_message_not_an_error(client, programmes, params):
    response = client.get(EN_INDEX, params)
    assert response.status_code == 200
    if set(params) - {"page"}:
        assert "Some filters were not understood" in response.content.decode()
    assert b"<script>" not in response.content


def test_a_bad_filter_is_ignored_and_the_good_ones_still_apply(client, programmes):
    response = client.get(EN_INDEX, {"status": "open", "municipality": "nowhere"})
    assert {p.name_sv for p in response.context["page"].object_list} == {"Kock Örebro", "Lastbil Laxå"}
    assert "Select a valid choice" in response.content.decode()


def test_filter_form_keeps_the_chosen_values(client, programmes):
    response = client.get(reverse("skills:index"), {"sector": "it", "municipality": "1880"})
    html = response.content.decode()
    assert '<option value="it" selected>' in html
    assert '<option value="1880" selected>' in html
