"""Import of Arbetsförmedlingen's Yrkesbarometer (occupational barometer) JSON.

The file is a list of objects with the fields `yb_yrke, ssyk, ssyk_text, lan,
rekryteringssituation, jobbmojligheter, prognos, omgang`. Only Örebro County (`lan`
18) and the national reference (`lan` 00) are kept; other counties are skipped and
counted. The core `Importer` does the rest: every problem is reported with its item
number (the position in the list, counting from 1), and nothing is saved unless the
whole file is right.

Yrkesbarometer writes its values in words, and not always the same words, so values
are compared without case, accents or extra spaces (see the `*_WORDS` tables):
- rekryteringssituation: "brist", "stor brist", "liten brist", "mycket stor brist"
  → brist; "balans" → balans; "överskott", "litet/stort överskott" → overskott;
- prognos: "öka(r)", "ökande" → oka; "oförändrad", "oförändrat" → oforandrad;
  "minska(r)", "minskande" → minska; empty is allowed;
- jobbmojligheter: "stora", "medelstora", "små"; empty is allowed;
- omgang: "2025-1", "2025:2", "2025 1", "vår 2025" (→ 2025-1), "höst 2025" (→ 2025-2).

`fixtures/skills-yrkesbarometer-example.json` is a small file in this shape (made-up
values) to try the import with.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from brorebro.importing import (
    Importer,
    ImportError_,
    Row,
    Source,
    check_record_count,
    read_json_bytes,
    read_path,
    read_upload,
)
from skills.models import (
    REGION_COUNTY,
    REGION_NATIONAL,
    JobOpportunities,
    Occupation,
    Outlook,
    RecruitmentSituation,
    ShortageAssessment,
)

COLUMNS = (
    "yb_yrke",
    "ssyk",
    "ssyk_text",
    "lan",
    "rekryteringssituation",
    "jobbmojligheter",
    "prognos",
    "omgang",
)
KEPT_REGIONS = (REGION_COUNTY, REGION_NATIONAL)
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
}
OUTLOOK_WORDS = {
    "oka": Outlook.INCREASE,
    "okar": Outlook.INCREASE,
    "okande": Outlook.INCREASE,
    "okad": Outlook.INCREASE,
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
_PERIOD = re.compile(r"^(\d{4})\s*[-:/ ]\s*0?([12])$")
_PERIOD_SEASON = re.compile(r"^(var|host)\s*(\d{4})$")


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
class AssessmentItem:
    ssyk: str
    ssyk_text: str
    region_code: str
    period: str
    recruitment: str
    outlook: str
    job_opportunities: str
    yb_yrke: str


class YrkesbarometerImporter(Importer):
    """Creates or updates occupations (by SSYK) and assessments (by SSYK, region, period)."""

    required_columns = ()  # JSON objects have no header line; missing fields are reported per item
    row_noun = "item"
    key_column = "ssyk"

    def __init__(self, user=None, dry_run: bool = False):
        super().__init__(user=user, dry_run=dry_run)
        self.skipped = 0

    @staticmethod
    def _other_county(values: dict) -> bool:
        lan = str(values.get("lan", "")).strip()
        return (
            bool(re.fullmatch(r"\d{1,2}", lan)) and lan.zfill(2) not in KEPT_REGIONS and 1 <= int(lan) <= 25
        )

    def after_save(self, items, report) -> None:
        if report.skipped:
            self.skipped = report.skipped
            report.notes.append(_("%(n)d item(s) for other counties were left out.") % {"n": report.skipped})

    @staticmethod
    def _word(row: Row, column: str, table: dict, *, required: bool) -> str:
        raw = row.raw(column)
        if not raw:
            if required:
                row.error(column, _("a value is required"))
            return ""
        value = table.get(fold(raw))
        if value is None:
            known = sorted({k for k in table})
            row.error(
                column,
                _("unknown value “%(value)s”; use one of: %(keys)s")
                % {"value": raw, "keys": ", ".join(known)},
            )
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
        row.error("omgang", _("unknown period “%(value)s”; use e.g. 2025-1 or 2025-2") % {"value": raw})
        return ""

    def clean_row(self, row: Row) -> AssessmentItem | None:
        if "__not_object__" in row.values:
            row.error("", _("the item is not an object with the Yrkesbarometer fields"))
            return None
        if self._other_county(row.values):
            return None  # left out on purpose: counted, not an error
        ssyk = row.text("ssyk", required=True)
        if ssyk and not re.fullmatch(r"\d{4}", ssyk):
            row.error("ssyk", _("“%(value)s” is not a four-digit SSYK 2012 code") % {"value": ssyk})
        lan = row.text("lan", required=True)
        region = lan.zfill(2) if lan.isdigit() else lan
        if lan and region not in KEPT_REGIONS:
            row.error("lan", _("unknown county code “%(value)s”") % {"value": lan})
        item = AssessmentItem(
            ssyk=ssyk,
            ssyk_text=row.text("ssyk_text", max_length=200),
            region_code=region,
            period=self._period(row),
            recruitment=self._word(row, "rekryteringssituation", RECRUITMENT_WORDS, required=True),
            outlook=self._word(row, "prognos", OUTLOOK_WORDS, required=False),
            job_opportunities=self._word(row, "jobbmojligheter", OPPORTUNITY_WORDS, required=False),
            yb_yrke=row.text("yb_yrke", max_length=200),
        )
        if ssyk and not item.ssyk_text and not Occupation.objects.filter(ssyk=ssyk).exists():
            row.error(
                "ssyk_text", _("a name is required for a new occupation (SSYK %(ssyk)s)") % {"ssyk": ssyk}
            )
        return item

    def key(self, item: AssessmentItem) -> tuple[str, str, str]:
        return (item.ssyk, item.region_code, item.period)

    def describe_key(self, item: AssessmentItem) -> str:
        return f"SSYK {item.ssyk}, lan {item.region_code}, {item.period}"

    def save_item(self, item: AssessmentItem) -> str:
        occupation, created_occupation = Occupation.objects.get_or_create(
            ssyk=item.ssyk, defaults={"name_sv": item.ssyk_text}
        )
        if not created_occupation and item.ssyk_text and occupation.name_sv != item.ssyk_text:
            occupation.name_sv = item.ssyk_text
            occupation.save(update_fields=["name_sv"])
        note = _("Yrkesbarometer occupation: %(name)s") % {"name": item.yb_yrke} if item.yb_yrke else ""
        _assessment, created = ShortageAssessment.objects.update_or_create(
            occupation=occupation,
            region_code=item.region_code,
            period=item.period,
            defaults={
                "recruitment": item.recruitment,
                "outlook": item.outlook,
                "job_opportunities": item.job_opportunities,
                "source": SOURCE_LABEL,
                "note": note,
            },
        )
        return "created" if created else "updated"

    def describe(self, item: AssessmentItem) -> str:
        return f"{item.ssyk} {item.ssyk_text} ({item.region_code}, {item.period}): {item.recruitment}"
