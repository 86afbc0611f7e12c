"""Importing survey responses: good and bad files, atomicity, scale, scoping."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from brorebro.importing import read_csv_bytes
from surveys.importing import RESPONSE_COLUMNS, ResponseImporter
from surveys.models import Response, SurveyRound

HEADER = ",".join(RESPONSE_COLUMNS)


def csv_file(tmp_path, *lines, name="responses.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def test_good_file_is_imported_with_empty_cells_as_unanswered(tmp_path, orebro, laxa, round2023):
    path = csv_file(
        tmp_path,
        "2023,1880,bygglov,5,4,6,5,,4,6,5,3",
        "2023,1860,livsmedelskontroll,6,6,,,,,,,",
    )
    call_command("import_survey_responses", path)
    assert Response.objects.count() == 2
    full = Response.objects.get(municipality=orebro)
    assert (full.q_total, full.q_expectations, full.q_ideal, full.information, full.tillganglighet) == (
        5,
        4,
        6,
        5,
        None,
    )
    assert full.area.slug == "bygglov"
    partial = Response.objects.get(municipality=laxa)
    assert partial.q_ideal is None and not partial.is_complete


def test_every_bad_row_is_reported_and_nothing_is_saved(tmp_path, orebro, round2023):
    path = csv_file(
        tmp_path,
        "2023,1880,bygglov,5,4,6,,,,,,",
        "2023,1880,bygglov,7,4,6,,,,,,",  # 7 is off the 1..6 scale
        "2023,9999,bygglov,5,4,6,,,,,,",  # unknown municipality
        "2023,1880,parkering,5,4,6,,,,,,",  # unknown area
        "2023,1880,bygglov,4.5,0,x,,,,,,",  # not whole numbers / below 1
    )
    importer = ResponseImporter()
    report = importer.run(read_csv_bytes(open(path, "rb").read()))
    with translation.override("en"):
        messages = [str(e) for e in report.errors]
    assert not report.ok
    assert any("line 3" in m and "q_total" in m for m in messages)
    assert any("line 4" in m and "municipality_code" in m for m in messages)
    assert any("line 5" in m and "authority_area" in m for m in messages)
    assert sum("line 6" in m for m in messages) == 3
    assert Response.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("import_survey_responses", path)
    assert Response.objects.count() == 0


def test_unknown_year_without_scale_is_an_error(tmp_path, orebro):
    path = csv_file(tmp_path, "2027,1880,bygglov,5,4,6,,,,,,")
    with pytest.raises(CommandError):
        call_command("import_survey_responses", path)
    assert not SurveyRound.objects.filter(year=2027).exists()
    assert Response.objects.count() == 0


def test_scale_creates_the_round_and_checks_answers_against_it(tmp_path, orebro):
    path = csv_file(tmp_path, "2009,1880,bygglov,10,9,8,,,,,,", "2009,1880,bygglov,7,7,7,,,,,,")
    call_command("import_survey_responses", path, scale=10)
    survey_round = SurveyRound.objects.get(year=2009)
    assert survey_round.scale_max == 10
    assert survey_round.responses.count() == 2
    assert survey_round.counted_areas.count() == 6


def test_dry_run_saves_nothing(tmp_path, orebro, round2023):
    path = csv_file(tmp_path, "2023,1880,bygglov,5,4,6,,,,,,")
    call_command("import_survey_responses", path, dry_run=True)
    assert Response.objects.count() == 0


def test_wrong_header_is_refused(tmp_path, orebro, round2023):
    path = tmp_path / "bad.csv"
    path.write_text("year,municipality_code,authority_area,q_total,nöjdhet\n2023,1880,bygglov,5,5\n")
    with pytest.raises(CommandError):
        call_command("import_survey_responses", str(path))
    assert Response.objects.count() == 0


def test_officer_imports_only_for_own_municipality(tmp_path, laxa_officer, laxa, orebro, round2023):
    path = csv_file(tmp_path, "2023,1860,bygglov,5,4,6,,,,,,", "2023,1880,bygglov,5,4,6,,,,,,")
    with pytest.raises(CommandError):
        call_command("import_survey_responses", path, user="laxa_officer")
    assert Response.objects.count() == 0
    call_command(
        "import_survey_responses",
        csv_file(tmp_path, "2023,1860,bygglov,5,4,6,,,,,,", name="own.csv"),
        user="laxa_officer",
    )
    assert list(Response.objects.values_list("municipality__code", flat=True)) == ["1860"]


def test_officer_cannot_create_a_round(tmp_path, laxa_officer, laxa):
    path = csv_file(tmp_path, "2027,1860,bygglov,5,4,6,,,,,,")
    with pytest.raises(CommandError):
        call_command("import_survey_responses", path, scale=6, user="laxa_officer")
    assert not SurveyRound.objects.filter(year=2027).exists()


def test_admin_upload_imports_for_the_officer(client, regional_admin, orebro, round2023):
    client.force_login(regional_admin)
    data = (HEADER + "\n2023,1880,bygglov,5,4,6,,,,,,\n").encode()
    response = client.post(
        reverse("admin:surveys_response_import"),
        {"file": SimpleUploadedFile("r.csv", data, content_type="text/csv"), "dry_run": ""},
    )
    assert response.status_code == 200
    assert Response.objects.count() == 1


def test_admin_upload_reports_bad_rows(client, regional_admin, orebro, round2023):
    client.force_login(regional_admin)
    data = (HEADER + "\n2023,1880,bygglov,9,4,6,,,,,,\n").encode()
    response = client.post(
        reverse("admin:surveys_response_import"),
        {"file": SimpleUploadedFile("r.csv", data, content_type="text/csv"), "dry_run": ""},
    )
    assert response.status_code == 200
    assert "q_total" in response.content.decode()
    assert Response.objects.count() == 0


def test_many_rows_are_saved_in_batches(tmp_path, orebro, round2023):
    rows = [f"2023,1880,bygglov,{1 + i % 6},{1 + (i + 1) % 6},{1 + (i + 2) % 6},,,,,," for i in range(12_001)]
    call_command("import_survey_responses", csv_file(tmp_path, *rows))
    assert Response.objects.count() == 12_001


def test_the_list_has_the_shared_import_button_for_those_who_may_import(client, regional_admin, laxa_officer):
    client.force_login(regional_admin)
    html = client.get(reverse("admin:surveys_response_changelist")).content.decode()
    assert f'href="{reverse("admin:surveys_response_import")}"' in html
