"""The importer base: field parsers, the one duplicate check, warnings, and hostile files.

Hostile files (issue 10, Medium 1) go through both doors: the command line (a report
and exit status 1, no traceback) and the admin upload page (a form error, status 200,
nothing saved).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from brorebro.importing import (
    CREATED,
    FieldError,
    Importer,
    Row,
    Source,
    excerpt,
    parse_municipality_code,
    parse_text,
    parse_whole,
    parse_yes_no,
    read_csv_bytes,
    read_table,
    unescape_formula,
)
from premises.models import Premises

ROOT = Path(__file__).resolve().parents[2]
EN = {
    "HTTP_ACCEPT_LANGUAGE": "en"
}  # the admin answers in Swedish by default; messages are asserted in English
HEADER = "external_ref,municipality_code,title,kind,locality,lat,lon,area_min_m2,area_max_m2,tenure,status"
ROW = "X{n},1860,Butik {n},retail,Laxå,58.9855,14.6210,150,150,rent,draft"
ADMIN_IMPORT = "/admin/premises/premises/import/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- field parsers: the same cell means the same thing everywhere -------------------------------
@pytest.mark.parametrize(
    ("value", "expected"), [("1880", 1880), ("1880.0", 1880), ("1 400,00", 1400), ("-3", -3)]
)
def test_whole_numbers_accept_integral_decimals(value, expected):
    assert parse_whole(value) == expected


@pytest.mark.parametrize("value", ["120.4", "0,5", "12a", "", "1.2.3"])
def test_a_fraction_or_text_is_not_a_whole_number(value):
    with pytest.raises(FieldError):
        parse_whole(value)


@pytest.mark.parametrize("value", ["ja", "J", "Yes", "y", "1", "true", "Finns", "SANT"])
def test_yes_in_swedish_and_english(value):
    assert parse_yes_no(value) is True


@pytest.mark.parametrize("value", ["nej", "N", "no", "0", "false", "saknas", "Finns ej"])
def test_no_in_swedish_and_english(value):
    assert parse_yes_no(value) is False


def test_an_unclear_yes_no_is_an_error():
    with pytest.raises(FieldError, match="not yes or no"):
        parse_yes_no("kanske")


@pytest.mark.parametrize(("value", "code"), [("1880", "1880"), ("1880.0", "1880"), ("180", "0180")])
def test_municipality_codes_stored_as_numbers_are_read(value, code):
    assert parse_municipality_code(value) == code


@pytest.mark.parametrize("value", ["18800", "18.5", "Örebro", "0"])
def test_a_bad_municipality_code_is_an_error(value):
    with pytest.raises(FieldError):
        parse_municipality_code(value)


def test_one_line_text_refuses_line_breaks_and_control_characters():
    with pytest.raises(FieldError, match="line break"):
        parse_text("Kontor\nBcc: x@example.com")
    with pytest.raises(FieldError, match="control character"):
        parse_text("Kontor\x00")
    assert parse_text("Rad ett\nrad två", multiline=True) == "Rad ett\nrad två"
    with pytest.raises(FieldError):
        parse_text("Text\x1b[31m", multiline=True)


@pytest.mark.parametrize(
    ("cell", "value"),
    [("'=SUM(A1)", "=SUM(A1)"), ("'+46 19", "+46 19"), ("'-5", "-5"), ("'@x", "@x"), ("'ok", "'ok")],
)
def test_the_exports_formula_neutralisation_is_undone(cell, value):
    assert unescape_formula(cell) == value


def test_messages_echo_only_a_short_escaped_excerpt():
    shown = excerpt("A" * 100 + "\n")
    assert shown == "A" * 40 + "…"
    assert excerpt("a\nb\x00") == "a\\nb\\x00"


# --- the run: duplicate keys once, no rows structurally, warnings ---------------------------------
class _Things(Importer):
    """A minimal importer to test the base on its own."""

    required_columns = ("ref",)
    row_noun = "item"
    key_column = "ref"

    def clean_row(self, row: Row):
        ref = row.text("ref", required=True)
        if ref == "skip":
            return None
        if ref == "odd":
            row.warn("ref", "an odd one")
        return ref

    def key(self, item):
        return item

    def save_all(self, items):
        return [CREATED] * len(items)


def _source(*refs: str) -> Source:
    return Source("t", ["ref"], [(n, {"ref": ref}) for n, ref in enumerate(refs, start=1)])


@pytest.mark.django_db
def test_a_key_given_twice_is_reported_with_the_row_noun():
    report = _Things().run(_source("a", "b", "a"))
    assert [str(e) for e in report.errors] == ["item 3, field ref: “a” is already given on item 1"]


@pytest.mark.django_db
def test_no_rows_is_found_by_counting_not_by_message_text():
    report = _Things().run(_source())
    assert [e.line for e in report.errors] == [0]
    everything_left_out = _Things().run(_source("skip", "skip"))
    assert not everything_left_out.ok and everything_left_out.skipped == 2


@pytest.mark.django_db
def test_warnings_are_in_the_report_of_a_successful_import():
    report = _Things().run(_source("odd", "b", "skip"))
    assert report.ok
    assert [str(w) for w in report.warnings] == ["item 1, field ref: an odd one"]
    assert report.skipped == 1 and len(report.created) == 2
    assert "1 warning(s)." in report.summary()


def test_a_windows_1252_csv_is_read_with_a_warning():
    source = read_csv_bytes("ref\nLaxå\n".encode("cp1252"))
    assert [values["ref"] for _n, values in source.rows] == ["Laxå"]
    assert "Windows-1252" in source.warnings[0]


@pytest.mark.django_db
def test_the_encoding_warning_reaches_the_admin_report(client, laxa, laxa_officer):
    client.force_login(laxa_officer)
    data = (HEADER + "\n" + ROW.format(n=1).replace("Butik", "Butik på torget") + "\n").encode("cp1252")
    response = client.post(ADMIN_IMPORT, {"file": SimpleUploadedFile("b.csv", data), "dry_run": ""}, **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Windows-1252" in html
    assert Premises.objects.get().title == "Butik på torget 1"


# --- hostile files ---------------------------------------------------------------------------------
def huge_dimension_xlsx() -> bytes:
    """A tiny workbook that declares 1,048,576 rows (a cell in the last row)."""
    workbook = Workbook()
    sheet = workbook.active
    for column, name in enumerate(HEADER.split(","), start=1):
        sheet.cell(row=1, column=column, value=name)
    sheet["A1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb_xlsx() -> bytes:
    """A valid-looking workbook whose shared strings unpack to far more than they weigh."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(small_workbook(), "r") as original,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in original.infolist():
            bomb.writestr(item, original.read(item.filename))
        bomb.writestr("xl/padding.xml", b" " * (3 * 2**20))
    return buffer.getvalue()


def small_workbook() -> io.BytesIO:
    workbook = Workbook()
    workbook.active["A1"] = "external_ref"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def csv_over_the_row_cap(rows: int) -> bytes:
    return (HEADER + "\n" + "\n".join(ROW.format(n=n) for n in range(rows)) + "\n").encode()


def not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.vrt", "<OGRVRTDataSource/>")
    return buffer.getvalue()


HOSTILE = {
    "declares 1,048,576 rows": ("huge.xlsx", huge_dimension_xlsx, "1048575 rows; the limit is 20000"),
    "a CSV over the row cap": ("many.csv", lambda: csv_over_the_row_cap(20_001), "the limit is 20000"),
    "a zip that is not a workbook": ("evil.xlsx", not_a_workbook, "not an Excel workbook"),
    "a binary file named .csv": ("image.csv", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not"),
    "an old .xls": ("old.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old Excel"),
    "a zip bomb": ("bomb.xlsx", zip_bomb_xlsx, "unpacks to"),
}


@pytest.fixture
def small_unpacked_cap(settings):
    # The real default (100 MB) would make the test file 100 MB too; the rule is the same.
    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * 2**20


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(HOSTILE))
def test_the_command_refuses_a_hostile_file_quickly(case, laxa, tmp_path, capsys, small_unpacked_cap):
    name, build, message = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(build())
    started = time.monotonic()
    with pytest.raises(CommandError, match=message):
        call_command("import_premises", str(path))
    assert time.monotonic() - started < 1.0
    assert not Premises.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(HOSTILE))
def test_the_admin_refuses_a_hostile_file_with_a_form_error(
    case, client, laxa, laxa_officer, small_unpacked_cap
):
    name, build, message = HOSTILE[case]
    client.force_login(laxa_officer)
    started = time.monotonic()
    response = client.post(ADMIN_IMPORT, {"file": SimpleUploadedFile(name, build()), "dry_run": ""}, **EN)
    assert time.monotonic() - started < 2.0
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors["file"]
    assert not Premises.objects.exists()


@pytest.mark.django_db
def test_an_upload_over_the_byte_cap_is_refused_before_it_is_read(client, laxa, laxa_officer, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(laxa_officer)
    response = client.post(
        ADMIN_IMPORT, {"file": SimpleUploadedFile("big.csv", csv_over_the_row_cap(50)), "dry_run": ""}, **EN
    )
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    assert not Premises.objects.exists()


def test_content_decides_not_the_name():
    with pytest.raises(Exception, match="zip archive"):
        read_table(huge_dimension_xlsx(), "innocent.csv")


def test_the_real_command_exits_1_with_a_message_and_no_traceback(tmp_path):
    path = tmp_path / "huge.xlsx"
    path.write_bytes(huge_dimension_xlsx())
    result = subprocess.run(
        [sys.executable, "manage.py", "import_premises", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "test")},
        timeout=60,
    )
    assert result.returncode == 1
    assert "1048575" in result.stderr and "20000" in result.stderr  # in the default language, Swedish
    assert "Traceback" not in result.stderr
