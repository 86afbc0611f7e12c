"""Importing official figures from Kolada as the API returns them (v2 and v3 pages).

U07455 is Kolada's "Företagsklimat Insikt – Livsmedelskontroll – Index" (food control);
"TEST-TOTAL" stands for a total-NKI KPI whose real id must be checked on kolada.se.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from surveys.models import AuthorityArea, KoladaKpiMapping, PublishedResult

FOOD = "U07455"
TOTAL = "TEST-TOTAL"
ADMIN_IMPORT = "/admin/surveys/publishedresult/import/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def mappings(db):
    food = AuthorityArea.objects.get(slug="livsmedelskontroll")
    KoladaKpiMapping.objects.create(kpi=FOOD, authority_area=food, description="Livsmedelskontroll")
    # The total NKI changed what it covers in 2024: one KPI id, two mappings.
    KoladaKpiMapping.objects.create(kpi=TOTAL, last_year=2023, description="NKI total, six areas")
    KoladaKpiMapping.objects.create(kpi=TOTAL, first_year=2024, description="NKI total, four areas")


def entry(kpi, municipality, period, value, gender="T", status=""):
    return {
        "kpi": kpi,
        "municipality": municipality,
        "period": period,
        "values": [{"count": 1, "gender": gender, "status": status, "value": value}],
    }


def write(tmp_path, document, name="kolada.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_periods_as_numbers_or_strings(tmp_path, mappings):
    path = write(
        tmp_path,
        {
            "values": [
                entry(TOTAL, "0000", 2023, 70.4),
                entry(TOTAL, "0000", "2021", 69.0),
                entry(FOOD, "0018", "2023", 66.25),
            ]
        },
    )
    call_command("import_kolada", path)
    national = PublishedResult.objects.filter(area_code="0000", authority_area__isnull=True)
    assert {(r.year, r.value) for r in national} == {(2023, Decimal("70.40")), (2021, Decimal("69.00"))}
    county = PublishedResult.objects.get(area_code="0018")
    assert county.authority_area.slug == "livsmedelskontroll" and county.value == Decimal("66.25")
    assert FOOD in county.source


def test_null_values_are_counted_and_named_as_warnings(tmp_path, mappings, capsys):
    path = write(
        tmp_path,
        {
            "values": [
                entry(FOOD, "1880", 2023, 71.0),
                entry(FOOD, "1860", 2023, None, status="Missing"),
                entry(FOOD, "1814", 2023, 55.0, gender="K"),  # no total
            ]
        },
    )
    call_command("import_kolada", path)
    err = capsys.readouterr().err
    assert "warning: 2 entries have no value and were left out (they are not errors)" in err
    assert f"{FOOD} 1860 2023: no value (status “Missing”)" in err
    assert f"{FOOD} 1814 2023: no value for both genders (T)" in err
    assert PublishedResult.objects.count() == 1


def test_the_2024_break_uses_the_mapping_of_each_year(tmp_path, mappings):
    call_command(
        "import_kolada",
        write(tmp_path, {"values": [entry(TOTAL, "0000", 2023, 70.0), entry(TOTAL, "0000", 2024, 72.0)]}),
    )
    assert PublishedResult.objects.filter(authority_area__isnull=True).count() == 2
    assert {m.years_label for m in KoladaKpiMapping.objects.filter(kpi=TOTAL)} == {"until 2023", "from 2024"}


def test_a_year_outside_every_mapping_is_an_error(tmp_path, mappings, capsys):
    KoladaKpiMapping.objects.filter(kpi=FOOD).update(first_year=2020)
    with pytest.raises(CommandError):
        call_command("import_kolada", write(tmp_path, {"values": [entry(FOOD, "1880", 2019, 70.0)]}))
    assert f"KPI {FOOD} is mapped for the survey years from 2020, not for 2019" in capsys.readouterr().err


def test_overlapping_mappings_are_refused(mappings):
    overlapping = KoladaKpiMapping(kpi=TOTAL, first_year=2020, last_year=2025)
    with pytest.raises(ValidationError, match="already mapped"):
        overlapping.full_clean()


@pytest.mark.parametrize("next_key", ["next_page", "next_url"])
def test_a_complete_list_of_pages_is_accepted(tmp_path, mappings, next_key):
    path = write(
        tmp_path,
        [
            {
                "count": 1,
                "values": [entry(TOTAL, "0000", 2019, 68.1)],
                next_key: "https://api.kolada.se/…?page=2",
            },
            {"count": 1, "values": [entry(TOTAL, "1880", 2019, 71.0)], next_key: None},
        ],
    )
    call_command("import_kolada", path)
    assert PublishedResult.objects.count() == 2


@pytest.mark.parametrize("next_key", ["next_page", "next_url"])
def test_a_truncated_download_is_refused_unless_partial_is_allowed(tmp_path, mappings, capsys, next_key):
    document = {
        "count": 1,
        "values": [entry(TOTAL, "0000", 2019, 68.1)],
        next_key: "https://api.kolada.se/p2",
    }
    path = write(tmp_path, document)
    with pytest.raises(CommandError):
        call_command("import_kolada", path)
    assert "The download is incomplete" in capsys.readouterr().err
    assert PublishedResult.objects.count() == 0
    call_command("import_kolada", path, "--allow-partial")
    assert "warning: The download is incomplete" in capsys.readouterr().err
    assert PublishedResult.objects.count() == 1


def test_unknown_kpi_is_reported_and_nothing_is_saved(tmp_path, mappings, capsys):
    path = write(
        tmp_path, {"values": [entry(TOTAL, "0000", 2023, 70.0), entry("N99999", "0000", 2023, 50.0)]}
    )
    with pytest.raises(CommandError):
        call_command("import_kolada", path)
    assert "N99999" in capsys.readouterr().err
    assert PublishedResult.objects.count() == 0


def test_reimport_updates_and_an_unchanged_figure_is_left_alone(tmp_path, mappings, capsys):
    call_command("import_kolada", write(tmp_path, {"values": [entry(TOTAL, "0000", 2023, 70.0)]}))
    call_command("import_kolada", write(tmp_path, {"values": [entry(TOTAL, "0000", 2023, 70.2)]}, "b.json"))
    assert PublishedResult.objects.get().value == Decimal("70.20")
    call_command("import_kolada", write(tmp_path, {"values": [entry(TOTAL, "0000", 2023, 70.2)]}, "c.json"))
    assert "1 unchanged." in capsys.readouterr().out


def test_broken_json_and_bad_entries_are_errors(tmp_path, mappings):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_kolada", str(path))
    with pytest.raises(CommandError):
        call_command(
            "import_kolada", write(tmp_path, {"values": [entry(TOTAL, "Sverige", "år", 170)]}, "c.json")
        )
    assert PublishedResult.objects.count() == 0


def test_officers_cannot_import_official_figures(tmp_path, mappings, laxa_officer):
    with pytest.raises(CommandError):
        call_command(
            "import_kolada",
            write(tmp_path, {"values": [entry(TOTAL, "0000", 2023, 70.0)]}),
            user="laxa_officer",
        )
    assert PublishedResult.objects.count() == 0


# --- the admin upload page ----------------------------------------------------------------------
def upload(document) -> SimpleUploadedFile:
    return SimpleUploadedFile("kolada.json", json.dumps(document).encode(), content_type="application/json")


def test_kolada_has_an_upload_page_in_the_admin(client, mappings, regional_admin):
    client.force_login(regional_admin)
    assert (
        'href="/admin/surveys/publishedresult/import/"'
        in client.get("/admin/surveys/publishedresult/").content.decode()
    )
    document = {
        "values": [entry(FOOD, "1880", 2023, 71.0), entry(FOOD, "1860", 2023, None, status="Missing")]
    }
    response = client.post(ADMIN_IMPORT, {"file": upload(document), "dry_run": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and len(report.created) == 1
    assert "1 entries have no value" in str(report.warnings[0])
    assert PublishedResult.objects.count() == 1


def test_the_upload_page_has_the_partial_checkbox(client, mappings, regional_admin):
    client.force_login(regional_admin)
    document = {"values": [entry(FOOD, "1880", 2023, 71.0)], "next_url": "https://api.kolada.se/p2"}
    response = client.post(ADMIN_IMPORT, {"file": upload(document), "dry_run": ""})
    assert not response.context["report"].ok and PublishedResult.objects.count() == 0
    response = client.post(ADMIN_IMPORT, {"file": upload(document), "dry_run": "", "allow_partial": "on"})
    assert response.context["report"].ok and PublishedResult.objects.count() == 1


def test_a_file_that_is_not_json_is_a_form_error(client, mappings, regional_admin):
    client.force_login(regional_admin)
    response = client.post(ADMIN_IMPORT, {"file": SimpleUploadedFile("k.json", b"\x00\x01PK"), "dry_run": ""})
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_the_mapping_admin_shows_the_years(client, mappings, regional_admin):
    client.force_login(regional_admin)
    html = client.get("/admin/surveys/koladakpimapping/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "until 2023" in html and "from 2024" in html


def test_officers_have_no_kolada_upload_page(client, mappings, laxa_officer):
    client.force_login(laxa_officer)
    assert client.get(ADMIN_IMPORT).status_code in (403, 302)
