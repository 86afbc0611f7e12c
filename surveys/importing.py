"""Imports for the survey: raw responses (CSV/XLSX) and official figures from Kolada (JSON).

Both run on the core `Importer`, so both are all-or-nothing and report every bad row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brorebro.importing import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Importer,
    ImportError_,
    Row,
    Source,
    check_record_count,
    excerpt,
    read_json_bytes,
    read_path,
)
from brorebro.models import sees_everything
from surveys import nki
from surveys.models import (
    ANSWER_FIELDS,
    AuthorityArea,
    KoladaKpiMapping,
    PublishedResult,
    Response,
    SurveyRound,
)

RESPONSE_COLUMNS = ("year", "municipality_code", "authority_area") + ANSWER_FIELDS


class ResponseImporter(Importer):
    """Survey responses, one row per response, in the header of RESPONSE_COLUMNS.

    With `scale`, a year without a round gets a new round on that scale; without it an
    unknown year is an error, because the scale decides how answers are read.
    """

    required_columns = RESPONSE_COLUMNS
    batch_size = 5000
    # Responses have no identity of their own: the same answers twice are two respondents.

    def __init__(self, user=None, dry_run: bool = False, scale: int | None = None):
        super().__init__(user=user, dry_run=dry_run)
        self.scale = scale
        self.rounds = {r.year: r for r in SurveyRound.objects.all()}
        self.areas = {a.slug: a for a in AuthorityArea.objects.all()}

    def check_headers(self, headers: list[str]) -> list[str]:
        problems = super().check_headers(headers)
        unknown = [h for h in headers if h and h not in RESPONSE_COLUMNS]
        if unknown:
            problems.append(
                _("unknown column(s): %(cols)s; the header is: %(header)s")
                % {"cols": ", ".join(unknown), "header": ", ".join(RESPONSE_COLUMNS)}
            )
        return problems

    def scale_for(self, row: Row, year: int) -> int | None:
        survey_round = self.rounds.get(year)
        if survey_round is not None:
            if self.scale and self.scale != survey_round.scale_max:
                row.error(
                    "year",
                    _("the %(year)d round uses the scale 1–%(k)d, not 1–%(scale)d")
                    % {"year": year, "k": survey_round.scale_max, "scale": self.scale},
                )
                return None
            return survey_round.scale_max
        if not self.scale:
            row.error(
                "year",
                _(
                    "there is no survey round for %(year)d; create it first or give the scale "
                    "(--scale) to create it"
                )
                % {"year": year},
            )
            return None
        if not (self.user is None or sees_everything(self.user)):
            row.error(
                "year",
                _("there is no survey round for %(year)d, and only a regional administrator can create one")
                % {"year": year},
            )
            return None
        return self.scale

    def clean_row(self, row: Row) -> dict[str, Any] | None:
        year = row.integer("year", required=True, minimum=2000, maximum=2100)
        municipality = self.municipality(row, "municipality_code")
        slug = row.text("authority_area", required=True)
        area = self.areas.get(slug)
        if slug and area is None:
            row.error(
                "authority_area",
                _("unknown authority area “%(value)s”; use one of: %(keys)s")
                % {"value": excerpt(slug), "keys": ", ".join(self.areas)},
            )
        scale = self.scale_for(row, year) if year is not None else None
        answers = {}
        for name in ANSWER_FIELDS:
            # Empty cells are allowed (unanswered); anything else is a whole number on the scale.
            answers[name] = row.integer(name, minimum=1, maximum=scale)
        if row.errors:
            return None
        return {"year": year, "municipality": municipality, "area": area, **answers}

    def save_all(self, items: list[dict[str, Any]]) -> list[str]:
        responses = []
        for item in items:
            survey_round = self.rounds.get(item["year"])
            if survey_round is None:
                survey_round = SurveyRound.objects.create(year=item["year"], scale_max=self.scale)
                self.rounds[item["year"]] = survey_round
            fields = {name: value for name, value in item.items() if name != "year"}
            responses.append(Response(round=survey_round, **fields))
        Response.objects.bulk_create(responses, batch_size=self.batch_size)
        # The stored NKI units are recomputed once the import is committed, so the pages
        # and the export read finished numbers (results() would also do it on first use).
        transaction.on_commit(nki.store)
        return [CREATED] * len(items)

    def describe(self, item: dict[str, Any]) -> str:
        return f"{item['year']} {item['municipality'].code} {item['area'].slug}"


# --- Kolada ----------------------------------------------------------------------------------
KOLADA_COLUMNS = ("kpi", "municipality", "period", "value")
# The link to the next page: `next_page` in API v2, `next_url` in v3.
NEXT_PAGE_KEYS = ("next_page", "next_url")
NO_VALUE = "__no_value__"


def read_kolada(data: bytes, name: str = "kolada.json") -> Source:
    """A Kolada API document (v2 or v3), or a list of its pages, as numbered rows.

    Each row is one (kpi, municipality, period) with the value for both genders ("T");
    the number is the entry's position in the file. An entry without a "T" value, or
    whose value is null (Kolada's `status`, e.g. "Missing"), is still a row, marked
    NO_VALUE, so the importer can count and name it. When the last page in the file
    links to a next page, the download stopped half-way: `properties["truncated"]`.
    """
    document = read_json_bytes(data)
    pages = document if isinstance(document, list) else [document]
    entries: list[Any] = []
    for page in pages:
        if not isinstance(page, dict) or not isinstance(page.get("values"), list):
            raise ImportError_(_('Not a Kolada document: expected {"values": [...]} or a list of them.'))
        entries.extend(page["values"])
    check_record_count(len(entries))
    last = pages[-1] if pages else {}
    next_link = next((last.get(key) for key in NEXT_PAGE_KEYS if last.get(key)), None)
    properties = {"pages": len(pages)}
    if next_link:
        properties["truncated"] = str(next_link)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                yield number, {"__bad__": "entry"}
                continue
            values = entry.get("values") if isinstance(entry.get("values"), list) else []
            total = next((v for v in values if isinstance(v, dict) and v.get("gender", "T") == "T"), None)
            row = {
                "kpi": entry.get("kpi"),
                "municipality": entry.get("municipality"),
                "period": entry.get("period"),
                "value": None if total is None else total.get("value"),
            }
            if total is None:
                row[NO_VALUE] = _("no value for both genders (T)")
            elif total.get("value") is None:
                status = str(total.get("status") or "").strip()
                row[NO_VALUE] = (
                    _("no value (status “%(status)s”)") % {"status": excerpt(status, 20)}
                    if status
                    else _("no value")
                )
            yield number, row

    return Source(name=name, headers=list(KOLADA_COLUMNS), rows=rows(), properties=properties)


def read_kolada_path(path: str | Path) -> Source:
    return read_path(path, read_kolada)


class KoladaImporter(Importer):
    """Official NKI figures into PublishedResult, through the KPI mappings of each survey year."""

    required_columns = KOLADA_COLUMNS
    source_label = "Kolada"
    row_noun = "entry"
    key_column = "kpi"
    switches = {
        "allow_partial": gettext_lazy(
            "Import a download that stopped half-way (the last page links to a next page)"
        ),
    }
    # Entries without a value are named one by one up to this many, then counted.
    NAMED_MISSING = 20

    def __init__(self, user=None, dry_run: bool = False, allow_partial: bool = False):
        super().__init__(user=user, dry_run=dry_run)
        self.allow_partial = allow_partial
        self.mappings: dict[str, list[KoladaKpiMapping]] = {}
        for mapping in KoladaKpiMapping.objects.select_related("authority_area"):
            self.mappings.setdefault(mapping.kpi, []).append(mapping)
        self.missing: list[str] = []

    def check_source(self, source: Source) -> list[str]:
        problems = []
        if not (self.user is None or sees_everything(self.user)):
            problems.append(_("only regional administrators import official figures"))
        truncated = source.properties.get("truncated")
        if truncated:
            message = _(
                "The download is incomplete: the last page links to a next page (%(link)s) that is "
                "not in the file."
            ) % {"link": excerpt(truncated, 80)}
            if self.allow_partial:
                self.warn(message)
            else:
                problems.append(message + " " + _("Download all pages, or allow a partial import."))
        return problems

    def clean_row(self, row: Row) -> dict[str, Any] | None:
        if "__bad__" in row.values:
            row.error("", _("the entry is not an object"))
            return None
        kpi = row.text("kpi", required=True, max_length=20)
        code = row.text("municipality", required=True)
        if code and not re.fullmatch(r"\d{4}", code):
            row.error("municipality", _("“%(code)s” is not a four-digit area code") % {"code": excerpt(code)})
        # Kolada gives the period as 2023 or "2023".
        year = row.whole("period", required=True, minimum=2000, maximum=2100)
        if NO_VALUE in row.values:
            if not row.errors:
                self.missing.append(f"{kpi} {code} {year}: {row.values[NO_VALUE]}")
            return None  # not an error: Kolada lists what nobody reported
        value = row.decimal("value", required=True, minimum=0, maximum=100)
        mapping = self._mapping(row, kpi, year)
        if row.errors or mapping is None:
            return None
        return {
            "kpi": kpi,
            "year": year,
            "area_code": code,
            "authority_area": mapping.authority_area,
            "value": value.quantize(Decimal("0.01")),
        }

    def _mapping(self, row: Row, kpi: str, year: int | None) -> KoladaKpiMapping | None:
        if not kpi or year is None:
            return None
        mappings = self.mappings.get(kpi)
        if not mappings:
            row.error(
                "kpi",
                _("unknown KPI “%(kpi)s”; add it under Kolada KPI mappings in the admin")
                % {"kpi": excerpt(kpi)},
            )
            return None
        for mapping in mappings:
            if mapping.covers(year):
                return mapping
        row.error(
            "kpi",
            _("KPI %(kpi)s is mapped for the survey years %(years)s, not for %(year)d")
            % {"kpi": kpi, "years": ", ".join(m.years_label for m in mappings), "year": year},
        )
        return None

    def key(self, item: dict[str, Any]) -> tuple:
        return (item["year"], item["area_code"], item["authority_area"])

    def describe_key(self, item: dict[str, Any]) -> str:
        return f"{item['kpi']} {item['area_code']} {item['year']}"

    def validate_batch(self, items) -> None:
        if not self.missing:
            return
        named = "; ".join(self.missing[: self.NAMED_MISSING])
        if len(self.missing) > self.NAMED_MISSING:
            named += "; …"
        self.warn(
            _("%(n)d entries have no value and were left out (they are not errors): %(entries)s")
            % {"n": len(self.missing), "entries": named}
        )

    def save_item(self, item: dict[str, Any]) -> str:
        defaults = {"value": item["value"], "source": f"{self.source_label} {item['kpi']}", "n": None}
        result = PublishedResult.objects.filter(
            year=item["year"], area_code=item["area_code"], authority_area=item["authority_area"]
        ).first()
        if result is None:
            PublishedResult.objects.create(
                year=item["year"],
                area_code=item["area_code"],
                authority_area=item["authority_area"],
                **defaults,
            )
            return CREATED
        if all(getattr(result, name) == value for name, value in defaults.items()):
            return UNCHANGED
        for name, value in defaults.items():
            setattr(result, name, value)
        result.save()
        return UPDATED

    def describe(self, item: dict[str, Any]) -> str:
        area = item["authority_area"].slug if item["authority_area"] else "total"
        return f"{item['year']} {item['area_code']} {area} = {item['value']}"
