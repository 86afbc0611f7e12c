"""Every import answers a bad file with a report, on the command line (CommandError, which
manage.py turns into exit status 1) and in the admin (status 200 with the problem on the
page), never a traceback, and saves nothing (issue 11, "Everywhere").

Land's GIS import has its own hostile-file tests (tests/land/)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from premises.models import Premises
from skills.models import ShortageAssessment
from surveys.models import PublishedResult, Response
from tests.brorebro.test_importer_base import huge_dimension_xlsx, zip_bomb_xlsx

DOORS = {
    "premises": ("import_premises", "/admin/premises/premises/import/", Premises),
    "survey responses": ("import_survey_responses", "/admin/surveys/response/import/", Response),
    "yrkesbarometer": (
        "import_yrkesbarometer",
        "/admin/skills/shortageassessment/import/",
        ShortageAssessment,
    ),
    "kolada": ("import_kolada", "/admin/surveys/publishedresult/import/", PublishedResult),
}
BAD_FILES = {
    "binary junk": ("junk.csv", lambda: bytes(range(256)) * 4),
    "an empty file": ("empty.csv", lambda: b""),
    "a workbook declaring a million rows": ("huge.xlsx", huge_dimension_xlsx),
    "a zip bomb": ("bomb.xlsx", zip_bomb_xlsx),
    "half a JSON document": ("cut.json", lambda: b'[{"yb_yrke": "Kockar", "lan": "18"'),
    "UTF-16 text": ("utf16.csv", lambda: "year;municipality_code\n2025;1880\n".encode("utf-16")),
}


@pytest.fixture
def small_unpacked_cap(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * 2**20


@pytest.mark.django_db
@pytest.mark.parametrize("door", list(DOORS))
@pytest.mark.parametrize("bad", list(BAD_FILES))
def test_the_command_answers_with_a_message(door, bad, tmp_path, small_unpacked_cap, orebro):
    command, _url, model = DOORS[door]
    name, build = BAD_FILES[bad]
    path = tmp_path / name
    path.write_bytes(build())
    with pytest.raises(CommandError) as raised:
        call_command(command, str(path))
    assert str(raised.value).strip()
    assert not model.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("door", list(DOORS))
@pytest.mark.parametrize("bad", list(BAD_FILES))
def test_the_admin_answers_with_the_form_or_the_report(door, bad, client, regional_admin, small_unpacked_cap):
    _command, url, model = DOORS[door]
    name, build = BAD_FILES[bad]
    client.force_login(regional_admin)
    response = client.post(url, {"file": SimpleUploadedFile(name, build()), "dry_run": ""})
    assert response.status_code == 200
    form_errors = response.context["form"].errors.get("file")
    report = response.context["report"]
    assert form_errors or (report is not None and not report.ok)
    assert not model.objects.exists()
