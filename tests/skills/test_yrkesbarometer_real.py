"""The whole published Yrkesbarometer file: 219 occupations × 22 lan = 4,818 records.

Source of the shape: Arbetsförmedlingen, Yrkesbarometer (yrkesbarometer.json, open data,
CC0). The file here is generated in that shape (tests/skills/yb_records.py) with
illustrative values; it has the published size, its share of records without an
assessment, occupations with several SSYK codes and paradox assessments.
"""

from __future__ import annotations

import json
import time

import pytest
from django.core.management import call_command

from skills.models import Occupation, RecruitmentSituation, ShortageAssessment
from tests.skills.yb_records import published_file

pytestmark = pytest.mark.django_db

LIMIT_SECONDS = 10


RECORDS = published_file()
KEPT = [r for r in RECORDS if r["lan"] in ("00", "18")]


@pytest.fixture
def whole_file(tmp_path):
    assert len(RECORDS) == 4818 and len(KEPT) == 438
    path = tmp_path / "yrkesbarometer.json"
    path.write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_whole_file_imports_in_under_ten_seconds_and_again_changes_nothing(whole_file, capsys):
    started = time.monotonic()
    call_command("import_yrkesbarometer", whole_file)
    first = time.monotonic() - started
    assert first < LIMIT_SECONDS, f"the first import took {first:.1f} s"
    out = capsys.readouterr().out
    assert "438 created and 0 updated." in out
    assert "4380 item(s) for other counties were left out." in out
    # Every record for Sweden and the county is kept, "no assessment" included.
    assert ShortageAssessment.objects.count() == 438
    not_assessed = sum(1 for r in KEPT if r["rekryteringssituation"] is None)
    paradox = sum(1 for r in KEPT if r["rekryteringssituation"] == "paradox")
    assert not_assessed > 50 and paradox > 20
    assert (
        ShortageAssessment.objects.filter(recruitment=RecruitmentSituation.NOT_ASSESSED).count()
        == not_assessed
    )
    assert ShortageAssessment.objects.filter(recruitment=RecruitmentSituation.PARADOX).count() == paradox
    assert Occupation.objects.count() == 219
    several = {r["yb_concept_id"] for r in RECORDS if r["antal_ssyk"] > 1}
    assert set(Occupation.objects.exclude(ssyk_codes="").values_list("yb_concept_id", flat=True)) == several

    stored = list(ShortageAssessment.objects.order_by("pk").values_list("pk", "updated_at"))
    started = time.monotonic()
    call_command("import_yrkesbarometer", whole_file)
    again = time.monotonic() - started
    assert again < LIMIT_SECONDS, f"the second import took {again:.1f} s"
    assert "0 created and 0 updated. 438 unchanged." in capsys.readouterr().out
    assert list(ShortageAssessment.objects.order_by("pk").values_list("pk", "updated_at")) == stored
