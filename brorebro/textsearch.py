"""Free-text search in Swedish, as people type it: word forms, accents and case.

The premises and land searches both store a `search_text` column: the listing's searched
fields (title, descriptions, street, place, municipality ...) turned into a line of
normalised words and their Swedish stems, kept current by the model's `save()`. A query
is turned into the same normal form, and matched against that column with plain LIKE
patterns. So one piece of Python decides what matches, and PostgreSQL and SpatiaLite give
the same listings for the same query by construction. (PostgreSQL's own Swedish text
search with `unaccent` was the other candidate: its tokenizer, stop words and older
Snowball version differ from anything SQLite could run, e.g. it keeps "kontoret" whole
where Snowball 3 gives "kontor", so the two databases would disagree.) On PostgreSQL a
trigram GIN index on the column serves the LIKE patterns (migrations of both apps).

Normalising (`fold`): lower case, accents removed, so é = e, and å, ä, ö match a, a, o
as people type them on foreign keyboards (æ, ø too). A few loan words spelled two ways
in Swedish are brought to one spelling (café = kafé).

Stemming: the Snowball Swedish stemmer (the `snowballstemmer` package). It runs on the
folded word, on the listing and the query alike. Snowball misses some Swedish forms:
"kontor" becomes "kont" but "kontoret" becomes "kontor", "lager" becomes "lag" but
"lagret" stays whole. So the stored line keeps each word as well as its stem, and a
query word also tries its form without the definite ending ("torget" → "torg") and
with the dropped e put back ("lagret" → "lager").

A query word matches a listing when one of its forms v, with stem s, gives
- a stored word or stem equal to s, or
- a stored word or stem starting with s, when s has at least `MIN_STEM_PREFIX` letters, or
- a stored word starting with v, when v has at least `MIN_WORD_PREFIX` letters,
so words being typed and compounds ("butik" → "butikslokal") are found, while short
stems do not match everything that begins like them ("nora" → "nor" does not find
"norra"). Every query word must match (AND). Common function words ("och", "i",
"the") are left out of a query, unless it has nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import snowballstemmer
from django.db.models import Q

# Letters that NFKD does not split into a base letter and an accent.
_OWN_LETTERS = str.maketrans(
    {"æ": "a", "ø": "o", "œ": "oe", "ð": "d", "đ": "d", "þ": "th", "ł": "l", "ı": "i"}
)
# Swedish words spelled two ways; the start of a folded word is brought to one spelling.
SPELLING_VARIANTS = (("cafe", "kafe"),)
# A word is letters and digits; everything else (spaces, hyphens, underscores,
# punctuation) separates words. So the stored line never holds a LIKE wildcard.
_WORD = re.compile(r"[^\W_]+")

MIN_STEM_PREFIX = 5
MIN_WORD_PREFIX = 4
MAX_QUERY_WORDS = 10
# A typed word may hold several ("BRO-3F9A-2C1D"); the query stays a bounded size.
MAX_QUERY_TERMS = 16

# Left out of a query (folded). Listings keep them, so a query of only these still works.
STOP_WORDS = frozenset(
    """
    och i pa att det som en ett av for med till den ar om vid fran har de inte men sa
    eller under efter nar mot hos utan over mellan samt ur dess detta denna dessa
    the a an and or of in on at for with to from by near is are
    """.split()
)

# Definite and plural endings a query word may also be tried without.
_ENDINGS = ("et", "en", "n")
# A consonant, then l/n/r, then a definite ending: "lagret", "vattnet", "fönstret".
_SYNCOPE = re.compile(r"(.*[^aeiouy])([lnr])(et|en|ets|ens|ena|enas)")

_stemmer = snowballstemmer.stemmer("swedish")


def fold(text: str) -> str:
    """Lower case, without accents: "Örebro Café" → "orebro kafe"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_OWN_LETTERS)
    return " ".join(_respell(word) for word in _WORD.findall(plain))


def _respell(word: str) -> str:
    for variant, spelling in SPELLING_VARIANTS:
        if word.startswith(variant):
            return spelling + word[len(variant) :]
    return word


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """The Snowball Swedish stem of a folded word."""
    return _stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return fold(text).split()


def search_text(values: Iterable[str | None]) -> str:
    """The stored line for a listing whose searched fields hold `values`.

    Each distinct word and stem once, separated by single spaces, with a space at both
    ends, so that a pattern can say where a word begins and ends.
    """
    seen: dict[str, None] = {}
    for value in values:
        for word in words(value or ""):
            seen.setdefault(word)
            seen.setdefault(stem(word))
    return f" {' '.join(seen)} " if seen else ""


def search_text_of(instance, fields: Sequence[str]) -> str:
    """`search_text` of a model instance; a field may be a path such as "municipality.name"."""
    return search_text(_value(instance, path) for path in fields)


def _value(instance, path: str) -> str:
    value = instance
    for name in path.split("."):
        value = getattr(value, name, None)
        if value is None:
            return ""
    return str(value)


def refresh(instance, fields: Sequence[str], save_kwargs: dict) -> None:
    """Called at the start of a model's save(): bring `instance.search_text` up to date.

    A save limited by `update_fields` to fields that are not searched (a status, a date)
    keeps the stored line as it is; one that names a searched field saves the line too.
    """
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None:
        searched = {path.split(".")[0] for path in fields}
        searched |= {f"{name}_id" for name in searched}
        if searched.isdisjoint(update_fields):
            return
        save_kwargs["update_fields"] = {*update_fields, "search_text"}
    instance.search_text = search_text_of(instance, fields)


# --- queries
def query_words(text: str) -> list[str]:
    """The words of a query as typed (split at spaces) that take part in the search.

    Words that fold to nothing (punctuation) are left out, and so are stop words when
    something else remains. The zero-hits hint offers to drop these one at a time.
    """
    typed = [word for word in text.split() if words(word)][:MAX_QUERY_WORDS]
    meaningful = [word for word in typed if not set(words(word)) <= STOP_WORDS]
    return meaningful or typed


def _forms(word: str) -> Iterator[str]:
    yield word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_WORD_PREFIX:
            yield word[: -len(ending)]
    syncope = _SYNCOPE.fullmatch(word)
    if syncope and len(syncope.group(1)) >= 2:
        yield f"{syncope.group(1)}e{syncope.group(2)}"


def word_patterns(word: str) -> list[str]:
    """The LIKE patterns (without the % around them) of which one must occur in
    `search_text` for the folded query word `word` to match (see the module docstring)."""
    patterns: dict[str, None] = {}
    for form in _forms(word):
        form_stem = stem(form)
        patterns.setdefault(f" {form_stem} ")
        if len(form_stem) >= MIN_STEM_PREFIX:
            patterns.setdefault(f" {form_stem}")
        if len(form) >= MIN_WORD_PREFIX:
            patterns.setdefault(f" {form}")
    # A pattern that a prefix pattern already covers (" butik " by " butik") is left out.
    prefixes = [pattern for pattern in patterns if not pattern.endswith(" ")]
    return [
        pattern
        for pattern in patterns
        if not any(pattern.startswith(prefix) and pattern != prefix for prefix in prefixes)
    ]


def word_condition(word: str, field: str = "search_text") -> Q:
    """The condition for one folded query word: `field` contains one of its patterns."""
    condition = Q()
    for pattern in word_patterns(word):
        condition |= Q(**{f"{field}__contains": pattern})
    return condition


def matching(text: str, field: str = "search_text") -> Q | None:
    """The condition that a listing matches the query `text`; None when it has no words."""
    folded = [word for typed in query_words(text) for word in words(typed)]
    if not folded:
        return None
    meaningful = [word for word in folded if word not in STOP_WORDS] or folded
    condition = Q()
    for word in list(dict.fromkeys(meaningful))[:MAX_QUERY_TERMS]:
        condition &= word_condition(word, field)
    return condition
