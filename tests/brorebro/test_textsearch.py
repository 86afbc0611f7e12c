"""The rules of free text in Swedish (brorebro.textsearch), without a database.

The database tests (tests/premises/test_search_swedish.py, tests/land/test_search_swedish.py)
show the same through the search pages on SpatiaLite and PostGIS.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brorebro.textsearch import (
    MAX_QUERY_TERMS,
    fold,
    matching,
    query_words,
    search_text,
    word_patterns,
    words,
)


def finds(query: str, *listing: str) -> bool:
    """Whether the query matches a listing with these field values, as the database would decide."""
    line = search_text(listing)
    return all(
        any(pattern in line for pattern in word_patterns(word))
        for typed in query_words(query)
        for word in words(typed)
    )


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Örebro", "orebro"),
        ("KAFÉ på Ågatan", "kafe pa agatan"),
        ("Café", "kafe"),  # one spelling for both
        ("Næstved Østergade", "nastved ostergade"),
        ("E20/Blacksta, 1 200 m²", "e20 blacksta 1 200 m2"),
        ("snake_case%wild", "snake case wild"),
    ],
)
def test_fold_lowers_case_and_removes_accents(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "query, listing",
    [
        ("butiken", "Butik"),
        ("butiker", "Butikslokal i centrum"),
        ("restaurangen", "Restaurang"),
        ("kontoret", "Kontor"),
        ("kontor", "Kontoret"),
        ("lagret", "Lager"),
        ("lager", "Lagerlokaler"),
        ("fönstret", "Stort fönster"),
        ("cafe", "Café"),
        ("kafé", "Café"),
        ("Orebro", "Örebro"),
        ("torg", "Vid torget"),
        ("handeln", "Handel"),
    ],
)
def test_word_forms_find_each_other(query, listing):
    assert finds(query, listing)


@pytest.mark.parametrize(
    "query, listing",
    [
        ("nora", "Norra industriområdet"),  # a short stem is not a prefix
        ("kontor", "Kontakta oss"),
        ("butik lager", "Butik"),  # every word must match
    ],
)
def test_unrelated_words_do_not_match(query, listing):
    assert not finds(query, listing)


def test_little_words_are_left_out_of_a_query_unless_it_has_nothing_else():
    assert query_words("lokal i centrum") == ["lokal", "centrum"]
    assert query_words("och i") == ["och", "i"]
    assert query_words("- , ;") == []


@given(
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs")), max_size=80)
)
def test_every_word_of_a_listing_finds_it_and_the_line_has_no_wildcards(text):
    line = search_text([text])
    assert "%" not in line and "_" not in line and "\\" not in line
    for typed in text.split():
        assert finds(typed, text), typed


def test_a_query_has_a_bounded_number_of_conditions():
    hostile = "-".join(f"w{n}" for n in range(100))
    assert len(matching(hostile).children) == MAX_QUERY_TERMS
