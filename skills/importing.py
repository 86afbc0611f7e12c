"""Import of Arbetsförmedlingen's Yrkesbarometer (occupational barometer), as published.

Arbetsförmedlingen publishes `yrkesbarometer.json` (open data, CC0): a list of about
4,800 records, one per occupation and `lan` ("00" for Sweden, and the 21 counties).
Each record has `yb_yrke`, `yb_concept_id`, `yrkesomrade`, `ssyk` (one code, or several
in one string: "2611, 2612, 2613"), `antal_ssyk`, `del_av_ssyk`, `ssyk_text`,
`yb_beskrivning`, `lan`, `rekryteringssituation`, `jobbmojligheter`, `prognos`,
`paradox` (a list), `text_rekryteringssituation`, `text_jobbmojligheter`,
`hogsta_bedomningsniva`, `delvis_helt`, `omgang` ("2025-2") and `taxonomi_version`.

- Sweden ("00") and the portal's county (settings.COUNTY_CODE) are kept; the other
  counties are left out and counted in the report.
- `yb_concept_id` is the occupation's identity; one occupation may have several SSYK
  codes. An occupation the region created before (same first SSYK code, no concept id)
  is adopted, so its programmes stay linked.
- A null assessment is stored as "No assessment" (`RecruitmentSituation.NOT_ASSESSED`),
  with the published text that says why; it is never dropped.
- Words are compared without case, accents or extra spaces (the `*_WORDS` tables), so
  "vara oförändrad", "Oförändrad" and "oforandrad" are one outlook.
- Importing the same file again changes nothing: every record is compared with what is
  stored and only differences are written (in bulk, so the whole file takes seconds).

`fixtures/skills-yrkesbarometer-example.json` has the shape of the published file with
illustrative values, to try the import with.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from brorebro.importing import (
    CREATED,
    UNCHANGED,
    UPDATED,
    FieldError,
    Importer,
    ImportError_,
    Row,
    Source,
    check_record_count,
    excerpt,
    parse_text,
    read_json_bytes,
    read_path,
    read_upload,
)
from skills.models import (
    REGION_COUNTY,
    REGION_NATIONAL,
    AssessmentBasis,
    AssessmentExtent,
    JobOpportunities,
    Occupation,
    Outlook,
    RecruitmentSituation,
    ShortageAssessment,
)

COLUMNS = (
    "yb_concept_id",
    "yb_yrke",
    "yrkesomrade",
    "ssyk",
    "antal_ssyk",
    "del_av_ssyk",
    "ssyk_text",
    "yb_beskrivning",
    "lan",
    "rekryteringssituation",
    "jobbmojligheter",
    "prognos",
    "paradox",
    "text_rekryteringssituation",
    "text_jobbmojligheter",
    "hogsta_bedomningsniva",
    "delvis_helt",
    "omgang",
    "taxonomi_version",
)
KEPT_REGIONS = (REGION_COUNTY, REGION_NATIONAL)
# What the import sets on an assessment (compared with what is stored; only differences are written).
ASSESSMENT_FIELDS = (
    "recruitment",
    "outlook",
    "job_opportunities",
    "text_recruitment",
    "text_job_opportunities",
    "paradox_reasons",
    "basis_level",
    "basis_extent",
    "taxonomy_version",
    "source",
)
SOURCE_LABEL = "Arbetsförmedlingen, Yrkesbarometer"


def fold(value: str) -> str:
    """'  Stor  Brist ' → 'stor brist'; 'Överskott' → 'overskott'."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text).strip().lower()


RECRUITMENT_WORDS = {
    "brist": RecruitmentSituation.SHORTAGE,
    "liten brist": RecruitmentSituation.SHORTAGE,
    "stor brist": RecruitmentSituation.SHORTAGE,
    "mycket stor brist": RecruitmentSituation.SHORTAGE,
    "balans": RecruitmentSituation.BALANCE,
    "overskott": RecruitmentSituation.SURPLUS,
    "litet overskott": RecruitmentSituation.SURPLUS,
    "stort overskott": RecruitmentSituation.SURPLUS,
    "mycket stort overskott": RecruitmentSituation.SURPLUS,
    "paradox": RecruitmentSituation.PARADOX,
}
OUTLOOK_WORDS = {
    "oka": Outlook.INCREASE,
    "okar": Outlook.INCREASE,
    "okande": Outlook.INCREASE,
    "okad": Outlook.INCREASE,
    "vara oforandrad": Outlook.UNCHANGED,
    "oforandrad": Outlook.UNCHANGED,
    "oforandrat": Outlook.UNCHANGED,
    "oforandrade": Outlook.UNCHANGED,
    "minska": Outlook.DECREASE,
    "minskar": Outlook.DECREASE,
    "minskande": Outlook.DECREASE,
    "minskad": Outlook.DECREASE,
}
OPPORTUNITY_WORDS = {
    "stora": JobOpportunities.GOOD,
    "goda": JobOpportunities.GOOD,
    "medelstora": JobOpportunities.FAIR,
    "sma": JobOpportunities.POOR,
}
BASIS_WORDS = {
    "lan": AssessmentBasis.COUNTY,
    "lanet": AssessmentBasis.COUNTY,
    "lansniva": AssessmentBasis.COUNTY,
    "lansnivan": AssessmentBasis.COUNTY,
    "region": AssessmentBasis.REGION,
    "regional": AssessmentBasis.REGION,
    "regionalt": AssessmentBasis.REGION,
    "storregion": AssessmentBasis.REGION,
    "storregional": AssessmentBasis.REGION,
    "storregionalt": AssessmentBasis.REGION,
    "nationell": AssessmentBasis.NATIONAL,
    "nationellt": AssessmentBasis.NATIONAL,
    "riket": AssessmentBasis.NATIONAL,
    "riksniva": AssessmentBasis.NATIONAL,
}
EXTENT_WORDS = {"delvis": AssessmentExtent.PARTLY, "helt": AssessmentExtent.WHOLLY}
_PERIOD = re.compile(r"^(\d{4})\s*[-:/ ]\s*0?([12])$")
_PERIOD_SEASON = re.compile(r"^(var|host)\s*(\d{4})$")
_SSYK = re.compile(r"^\d{4}$")


# --- reading -------------------------------------------------------------------------
def read_yrkesbarometer_bytes(data: bytes, name: str = "yrkesbarometer.json") -> Source:
    items = read_json_bytes(data)
    if isinstance(items, dict):
        # Some exports wrap the list, e.g. {"data": [...]}: take the single list inside.
        lists = [v for v in items.values() if isinstance(v, list)]
        if len(lists) == 1:
            items = lists[0]
    if not isinstance(items, list):
        raise ImportError_(_("The file must hold a JSON list of objects."))
    check_record_count(len(items))

    def rows() -> Iterator[tuple[int, dict]]:
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                yield number, {"__not_object__": type(item).__name__}
                continue
            yield number, item

    return Source(name=name, headers=list(COLUMNS), rows=rows())


def read_yrkesbarometer_path(path: str | Path) -> Source:
    return read_path(path, read_yrkesbarometer_bytes)


def read_yrkesbarometer_upload(upload) -> Source:
    return read_upload(upload, read_yrkesbarometer_bytes)


# --- importing -------------------------------------------------------------------------
@dataclass
class OccupationFacts:
    concept_id: str
    name: str
    ssyk_codes: list[str]
    area: str
    description: str

    def fields(self) -> dict[str, str]:
        return {
            "ssyk": self.ssyk_codes[0],
            "ssyk_codes": ", ".join(self.ssyk_codes) if len(self.ssyk_codes) > 1 else "",
            "name_sv": self.name,
            "occupational_area": self.area,
            "description_sv": self.description,
        }


@dataclass
class AssessmentItem:
    occupation: OccupationFacts
    region_code: str
    period: str
    values: dict[str, Any] = field(default_factory=dict)


class YrkesbarometerImporter(Importer):
    """Creates or updates occupations (by yb_concept_id) and their assessments (by region and period)."""

    required_columns = ()  # JSON objects have no header line; missing fields are reported per item
    row_noun = "item"
    key_column = "yb_concept_id"

    # --- one record
    def clean_row(self, row: Row) -> AssessmentItem | None:
        if "__not_object__" in row.values:
            row.error("", _("the item is not an object with the Yrkesbarometer fields"))
            return None
        region = self._region(row)
        if region is None:
            return None
        if region not in KEPT_REGIONS:
            return None  # another county: left out on purpose, counted
        occupation = OccupationFacts(
            concept_id=row.text("yb_concept_id", required=True, max_length=40),
            name=row.text("yb_yrke", required=True, max_length=200),
            ssyk_codes=self._ssyk_codes(row),
            area=row.text("yrkesomrade", max_length=200),
            description=row.text("yb_beskrivning", multiline=True, max_length=20_000),
        )
        recruitment = self._word(row, "rekryteringssituation", RECRUITMENT_WORDS)
        values = {  # the keys are ASSESSMENT_FIELDS
            "recruitment": recruitment or RecruitmentSituation.NOT_ASSESSED,
            "outlook": self._word(row, "prognos", OUTLOOK_WORDS),
            "job_opportunities": self._word(row, "jobbmojligheter", OPPORTUNITY_WORDS),
            "text_recruitment": row.text("text_rekryteringssituation", multiline=True, max_length=20_000),
            "text_job_opportunities": row.text("text_jobbmojligheter", multiline=True, max_length=20_000),
            "paradox_reasons": self._paradox(row),
            "basis_level": self._word(row, "hogsta_bedomningsniva", BASIS_WORDS, strict=False),
            "basis_extent": self._word(row, "delvis_helt", EXTENT_WORDS, strict=False),
            "taxonomy_version": row.whole("taxonomi_version", minimum=1, maximum=10_000),
            "source": SOURCE_LABEL,
        }
        if recruitment == RecruitmentSituation.PARADOX and not values["paradox_reasons"]:
            row.warn("paradox", _("the recruitment situation is paradox, but no reason is given"))
        return AssessmentItem(occupation, region, self._period(row), values)

    def _region(self, row: Row) -> str | None:
        lan = row.text("lan", required=True)
        if not lan:
            return None
        if not re.fullmatch(r"\d{1,2}", lan):
            row.error("lan", _("unknown county code “%(value)s”") % {"value": excerpt(lan)})
            return None
        return lan.zfill(2)

    def _ssyk_codes(self, row: Row) -> list[str]:
        value = row.values.get("ssyk")
        parts = value if isinstance(value, list) else re.split(r"[,;\s]+", row.raw("ssyk"))
        codes = [str(part).strip() for part in parts if str(part).strip()]
        if not codes:
            row.error("ssyk", _("a value is required"))
            return ["0000"]
        bad = [code for code in codes if not _SSYK.match(code)]
        if bad:
            row.error(
                "ssyk", _("“%(value)s” is not a four-digit SSYK 2012 code") % {"value": excerpt(bad[0])}
            )
            return ["0000"]
        count = row.whole("antal_ssyk", minimum=1, maximum=100)
        if count is not None and count != len(codes):
            row.warn(
                "antal_ssyk",
                _("antal_ssyk says %(n)d, but ssyk lists %(m)d codes") % {"n": count, "m": len(codes)},
            )
        return list(dict.fromkeys(codes))

    def _paradox(self, row: Row) -> str:
        value = row.values.get("paradox")
        reasons = value if isinstance(value, list) else ([value] if value else [])
        lines = []
        for reason in reasons:
            text = " ".join(str(reason).split())
            try:
                lines.append(parse_text(text))
            except FieldError as exc:
                row.error("paradox", str(exc))
        return "\n".join(line for line in lines if line)

    @staticmethod
    def _word(row: Row, column: str, table: dict, *, strict: bool = True) -> str:
        """A published wording to its stored value; null or empty is "" (not assessed).
        An unknown wording is an error, or, where it only qualifies the assessment
        (`strict=False`), a warning."""
        raw = row.raw(column)
        if not raw:
            return ""
        value = table.get(fold(raw))
        if value is None:
            message = _("unknown value “%(value)s”; use one of: %(keys)s") % {
                "value": excerpt(raw),
                "keys": ", ".join(sorted(table)),
            }
            (row.error if strict else row.warn)(column, message)
            return ""
        return value

    @staticmethod
    def _period(row: Row) -> str:
        raw = row.raw("omgang")
        if not raw:
            row.error("omgang", _("a value is required"))
            return ""
        folded = fold(raw)
        match = _PERIOD.match(folded)
        if match:
            return f"{match.group(1)}-{match.group(2)}"
        match = _PERIOD_SEASON.match(folded)
        if match:
            return f"{match.group(2)}-{1 if match.group(1) == 'var' else 2}"
        row.error(
            "omgang", _("unknown period “%(value)s”; use e.g. 2025-1 or 2025-2") % {"value": excerpt(raw)}
        )
        return ""

    def key(self, item: AssessmentItem) -> tuple[str, str, str]:
        return (item.occupation.concept_id, item.region_code, item.period)

    def describe_key(self, item: AssessmentItem) -> str:
        return f"{item.occupation.concept_id}, lan {item.region_code}, {item.period}"

    # --- saving: compare with what is stored, write only differences, in bulk
    def save_all(self, items: list[AssessmentItem]) -> list[str]:
        occupations = self._save_occupations(items)
        existing = {
            (a.occupation_id, a.region_code, a.period): a
            for a in ShortageAssessment.objects.filter(
                occupation__in=list(occupations.values()),
                period__in={item.period for item in items},
                region_code__in=KEPT_REGIONS,
            )
        }
        now = timezone.now()
        to_create: list[ShortageAssessment] = []
        to_update: list[ShortageAssessment] = []
        outcomes: list[str] = []
        for item in items:
            occupation = occupations[item.occupation.concept_id]
            assessment = existing.get((occupation.pk, item.region_code, item.period))
            if assessment is None:
                to_create.append(
                    ShortageAssessment(
                        occupation=occupation, region_code=item.region_code, period=item.period, **item.values
                    )
                )
                outcomes.append(CREATED)
                continue
            changed = [name for name, value in item.values.items() if getattr(assessment, name) != value]
            if not changed:
                outcomes.append(UNCHANGED)
                continue
            for name in changed:
                setattr(assessment, name, item.values[name])
            assessment.updated_at = now  # bulk_update does not apply auto_now
            to_update.append(assessment)
            outcomes.append(UPDATED)
        ShortageAssessment.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            ShortageAssessment.objects.bulk_update(
                to_update, [*ASSESSMENT_FIELDS, "updated_at"], batch_size=500
            )
        return outcomes

    def _save_occupations(self, items: list[AssessmentItem]) -> dict[str, Occupation]:
        """The occupations of the file by concept id: found, adopted, updated or created."""
        facts: dict[str, OccupationFacts] = {}
        for item in items:
            facts.setdefault(item.occupation.concept_id, item.occupation)
        found = {o.yb_concept_id: o for o in Occupation.objects.filter(yb_concept_id__in=list(facts))}
        # An occupation made before (by hand or an older import) carries programmes: adopt
        # it when exactly one occupation of the file has its SSYK code first.
        missing = [concept for concept in facts if concept not in found]
        first_codes = Counter(facts[concept].ssyk_codes[0] for concept in facts)
        adoptable: dict[str, Occupation] = {}
        for occupation in Occupation.objects.filter(
            yb_concept_id="", ssyk__in={facts[c].ssyk_codes[0] for c in missing}
        ).order_by("pk"):
            adoptable.setdefault(occupation.ssyk, occupation)
        adopted: set[str] = set()
        for concept in missing:
            code = facts[concept].ssyk_codes[0]
            if first_codes[code] == 1 and code in adoptable:
                occupation = adoptable.pop(code)
                occupation.yb_concept_id = concept
                found[concept] = occupation
                adopted.add(concept)
        to_create = []
        for concept, fact in facts.items():
            occupation = found.get(concept)
            if occupation is None:
                occupation = Occupation(yb_concept_id=concept, **fact.fields())
                to_create.append(occupation)
                found[concept] = occupation
                continue
            wanted = fact.fields()
            changed = [name for name, value in wanted.items() if getattr(occupation, name) != value]
            for name in changed:
                setattr(occupation, name, wanted[name])
            if concept in adopted:
                changed.append("yb_concept_id")
            if changed:
                occupation.save(update_fields=changed)
        Occupation.objects.bulk_create(to_create, batch_size=500)
        return found

    def after_save(self, items, report) -> None:
        if report.skipped:
            report.notes.append(_("%(n)d item(s) for other counties were left out.") % {"n": report.skipped})
        not_assessed = sum(
            1 for item in items if item.values["recruitment"] == RecruitmentSituation.NOT_ASSESSED
        )
        if not_assessed:
            report.notes.append(
                _("%(n)d item(s) have no assessment; they are kept and shown as “No assessment”.")
                % {"n": not_assessed}
            )

    def describe(self, item: AssessmentItem) -> str:
        label = dict(RecruitmentSituation.choices)[item.values["recruitment"]]
        return f"{item.occupation.name} ({item.region_code}, {item.period}): {label}"
