"""Importing official figures from Kolada JSON."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from surveys.models import AuthorityArea, KoladaKpiMapping, PublishedResult


@pytest.fixture
def mappings(db):
    KoladaKpiMapping.objects.create(kpi="U07402", authority_area=None, description="NKI total")
    KoladaKpiMapping.objects.create(kpi="U07451", authority_area=AuthorityArea.objects.get(slug="bygglov"))


def entry(kpi, municipality, period, value, gender="T"):
    return {
        "kpi": kpi,
        "municipality": municipality,
        "period": period,
        "values": [{"count": 1, "gender": gender, "status": "", "value": value}],
    }


def write(tmp_path, document, name="kolada.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_periods_as_numbers_or_strings_and_null_values(tmp_path, mappings):
    path = write(
        tmp_path,
        {
            "values": [
                entry("U07402", "0000", 2023, 70.4),
                entry("U07402", "0000", "2021", 69.0),
                entry("U07451", "1880", 2023, None),  # not reported: skipped
                entry("U07451", "0018", "2023", 66.25),
            ]
        },
    )
    call_command("import_kolada", path)
    national = PublishedResult.objects.filter(area_code="0000", authority_area__isnull=True)
    assert {(r.year, r.value) for r in national} == {(2023, Decimal("70.40")), (2021, Decimal("69.00"))}
    county = PublishedResult.objects.get(area_code="0018")
    assert county.authority_area.slug == "bygglov" and county.value == Decimal("66.25")
    assert "U07451" in county.source
    assert not PublishedResult.objects.filter(area_code="1880").exists()


def test_a_list_of_pages_is_accepted(tmp_path, mappings):
    path = write(
        tmp_path,
        [
            {"values": [entry("U07402", "0000", 2019, 68.1)], "next_page": "…"},
            {"values": [entry("U07402", "1880", 2019, 71.0)]},
        ],
    )
    call_command("import_kolada", path)
    assert PublishedResult.objects.count() == 2


def test_unknown_kpi_is_reported_and_nothing_is_saved(tmp_path, mappings, capsys):
    path = write(
        tmp_path, {"values": [entry("U07402", "0000", 2023, 70.0), entry("N99999", "0000", 2023, 50.0)]}
    )
    with pytest.raises(CommandError):
        call_command("import_kolada", path)
    assert "N99999" in capsys.readouterr().err
    assert PublishedResult.objects.count() == 0


def test_reimport_updates_instead_of_duplicating(tmp_path, mappings):
    call_command("import_kolada", write(tmp_path, {"values": [entry("U07402", "0000", 2023, 70.0)]}))
    call_command(
        "import_kolada", write(tmp_path, {"values": [entry("U07402", "0000", 2023, 70.2)]}, "b.json")
    )
    assert PublishedResult.objects.get().value == Decimal("70.20")


def test_broken_json_and_bad_entries_are_errors(tmp_path, mappings):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("import_kolada", str(path))
    with pytest.raises(CommandError):
        call_command(
            "import_kolada", write(tmp_path, {"values": [entry("U07402", "Sverige", "år", 170)]}, "c.json")
        )
    assert PublishedResult.objects.count() == 0


def test_officers_cannot_import_official_figures(tmp_path, mappings, laxa_officer):
    with pytest.raises(CommandError):
        call_command(
            "import_kolada",
            write(tmp_path, {"values": [entry("U07402", "0000", 2023, 70.0)]}),
            user="laxa_officer",
        )
    assert PublishedResult.objects.count() == 0
