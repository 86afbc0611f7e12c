"""Test data for the survey: rounds and responses built from plain answer tuples."""

from __future__ import annotations

from surveys.models import AuthorityArea, Response, SurveyRound


def make_round(year: int = 2023, **fields) -> SurveyRound:
    return SurveyRound.objects.create(year=year, **fields)


def area(slug: str) -> AuthorityArea:
    return AuthorityArea.objects.get(slug=slug)


def respond(survey_round, municipality, area_slug: str, *answers, **factors) -> list[Response]:
    """One response per (q_total, q_expectations, q_ideal) tuple; factors apply to all of them."""
    authority_area = area(area_slug)
    return Response.objects.bulk_create(
        Response(
            round=survey_round,
            municipality=municipality,
            area=authority_area,
            q_total=t,
            q_expectations=e,
            q_ideal=i,
            **factors,
        )
        for t, e, i in answers
    )


def same(value: int, times: int) -> list[tuple[int, int, int]]:
    """`times` responses answering `value` to all three NKI questions."""
    return [(value, value, value)] * times
