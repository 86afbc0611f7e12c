"""`manage.py import_premises` and the admin upload: formats, every kind of bad row, all-or-nothing, scoping."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from brorebro.importing import read_csv_bytes, read_xlsx_bytes
from premises.importing import PremisesImporter
from premises.models import Premises, PremisesStatus
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "external_ref,municipality_code,title,kind,street,postal_code,locality,lat,lon,area_min_m2,area_max_m2,"
    "tenure,rent_sek_per_m2_year,price_sek,available_from,description_sv,description_en,contact_name,"
    "contact_email,contact_phone,status"
)
ORE_1 = "L1,1880,Kontor vid Svartån,office,Storgatan 1,702 10,Örebro,59.2741,15.2066,120,300,rent,1400,,2027-01-01,Ljust.,Bright.,Anna,anna@example.se,019-10 10 10,published"
ORE_2 = "L2,1880,Lager i Törsjö,warehouse,,,Örebro,59.2265,15.1550,5000,5000,rent,650,,,,,,,,draft"
LAXA_1 = "X1,1860,Butik i Laxå,retail,,,Laxå,58.9855,14.6210,150,,sale,,1500000,,,,,,,published"


def csv_bytes(*rows: str, header: str = HEADER, sep: str = ",") -> bytes:
    text = "\n".join([header, *rows]) + "\n"
    if sep != ",":
        text = text.replace(",", sep)
    return text.encode("utf-8")


def run(data: bytes, name: str = "file.csv", user=None, dry_run: bool = False):
    source = read_xlsx_bytes(data, name) if name.endswith(".xlsx") else read_csv_bytes(data, name)
    return PremisesImporter(user=user, dry_run=dry_run).run(source)


def messages(report) -> list[str]:
    return [str(error) for error in report.errors]


@pytest.fixture
def places(orebro, laxa, hallsberg):
    return {"orebro": orebro, "laxa": laxa, "hallsberg": hallsberg}


# --- formats -----------------------------------------------------------------------------
def test_comma_separated_file_creates_premises(places):
    report = run(csv_bytes(ORE_1, ORE_2, LAXA_1))
    assert report.ok, messages(report)
    assert len(report.created) == 3
    office = Premises.objects.get(external_ref="L1")
    assert office.municipality == places["orebro"]
    assert (office.area_min_m2, office.area_max_m2, office.rent_sek_per_m2_year) == (120, 300, 1400)
    assert office.status == PremisesStatus.PUBLISHED and office.published_at and office.confirmed_at
    assert office.available_from.isoformat() == "2027-01-01"
    wgs = office.location.transform(4326, clone=True)
    assert (wgs.x, wgs.y) == (pytest.approx(15.2066, abs=1e-6), pytest.approx(59.2741, abs=1e-6))
    assert office.location.srid == 3006
    shop = Premises.objects.get(external_ref="X1")
    assert shop.area_max_m2 == 150  # empty largest area: not divisible
    assert shop.price_sek == 1_500_000 and shop.rent_sek_per_m2_year is None
    assert Premises.objects.get(external_ref="L2").status == PremisesStatus.DRAFT


def test_semicolon_file_with_bom_and_decimal_commas(places):
    header = HEADER.replace(",", ";")
    row = "L1;1880;Kontor;office;;;Örebro;59,2741;15,2066;120,0;300;rent;1 400,00;;;;;;;;published"
    data = "\ufeff".encode() + ("\n".join([header, row]) + "\n").encode("utf-8")
    report = run(data)
    assert report.ok, messages(report)
    office = Premises.objects.get(external_ref="L1")
    assert (office.area_min_m2, office.area_max_m2, office.rent_sek_per_m2_year) == (120, 300, 1400)
    assert float(office.location.transform(4326, clone=True).y) == pytest.approx(59.2741, abs=1e-6)


def test_a_fractional_whole_number_is_an_error_not_rounded(places):
    row = ORE_1.replace(",120,300,", ",120.4,300,")
    report = run(csv_bytes(row))
    assert not report.ok
    assert messages(report) == [
        "line 2, column area_min_m2: “120.4” is not a whole number (a fraction is not allowed)"
    ]
    assert not Premises.objects.exists()


def test_sweref_coordinates_are_accepted(places):
    header = HEADER.replace("lat,lon", "sweref_n,sweref_e")
    row = "S1,1880,Kontor,office,,,Örebro,6572100,513600,100,100,rent,,,,,,,,,draft"
    report = run(csv_bytes(row, header=header))
    assert report.ok, messages(report)
    location = Premises.objects.get(external_ref="S1").location
    assert (location.x, location.y) == (513600, 6572100)


def test_xlsx_workbook_is_imported(places):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    import datetime as dt

    sheet.append(
        [
            "W1",
            1880,
            "Kontor",
            "office",
            "",
            "",
            "Örebro",
            59.2741,
            15.2066,
            100,
            200,
            "rent",
            1250.0,
            None,
            dt.datetime(2027, 3, 1),
            "Text",
            "",
            "",
            "",
            "",
            "published",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(buffer.getvalue(), "lokaler.xlsx")
    assert report.ok, messages(report)
    premises = Premises.objects.get(external_ref="W1")
    assert premises.rent_sek_per_m2_year == 1250 and premises.available_from.isoformat() == "2027-03-01"


def test_amenities_and_organisation_columns_are_optional(places):
    header = HEADER + ",amenities,contact_organisation"
    report = run(csv_bytes(ORE_1 + ',"parking,fibre",Fastighets AB', header=header))
    assert report.ok, messages(report)
    office = Premises.objects.get(external_ref="L1")
    assert office.amenities == ["parking", "fibre"] and office.contact_organisation == "Fastighets AB"


# --- upsert ---------------------------------------------------------------------------------
def test_rows_are_matched_by_municipality_and_reference(places):
    existing = PremisesFactory(
        municipality=places["orebro"], external_ref="L1", title="Old title", has_lift=True
    )
    same_ref_elsewhere = PremisesFactory(municipality=places["laxa"], external_ref="L1", title="Laxå's L1")
    report = run(csv_bytes(ORE_1, ORE_2))
    assert report.ok, messages(report)
    assert len(report.updated) == 1 and len(report.created) == 1
    existing.refresh_from_db()
    same_ref_elsewhere.refresh_from_db()
    assert existing.title == "Kontor vid Svartån"
    assert existing.has_lift is True  # no amenities column: left as it was
    assert same_ref_elsewhere.title == "Laxå's L1"
    assert existing.history.first().history_type == "~"


def test_a_row_without_status_keeps_the_status_of_an_update(places):
    PremisesFactory(municipality=places["orebro"], external_ref="L2", status=PremisesStatus.PUBLISHED)
    report = run(csv_bytes(ORE_2.rsplit(",", 1)[0] + ","))
    assert report.ok, messages(report)
    assert Premises.objects.get(external_ref="L2").status == PremisesStatus.PUBLISHED


# --- every problem, reported by line and column -------------------------------------------------
BAD_ROWS = [
    (ORE_1.replace(",1880,", ",1999,"), "municipality_code", "1999"),
    (ORE_1.replace(",office,", ",castle,"), "kind", "castle"),
    (ORE_1.replace(",120,300,", ",400,300,"), "area_max_m2", "400"),
    (ORE_1.replace(",120,300,", ",12o,300,"), "area_min_m2", "12o"),
    (ORE_1.replace(",120,300,", ",-5,300,"), "area_min_m2", "0"),
    (ORE_1.replace(",1400,", ",fourteen hundred,"), "rent_sek_per_m2_year", "fourteen"),
    (ORE_1.replace(",2027-01-01,", ",1/1/2027,"), "available_from", "1/1/2027"),
    (ORE_1.replace(",rent,", ",lease,"), "tenure", "lease"),
    (ORE_1.replace(",published", ",reserved"), "status", "reserved"),
    (ORE_1.replace("59.2741,15.2066", "15.2066,59.2741"), "lat", "utanför Sverige"),  # swapped
    (ORE_1.replace("59.2741,15.2066", "48.85,2.35"), "lat", "utanför Sverige"),  # Paris
    (ORE_1.replace("59.2741,15.2066", "59.27,"), "lon", ""),
    (ORE_1.replace("59.2741,15.2066", ","), "lat", "läget krävs"),
    (ORE_1.replace(",702 10,", ",7021,"), "postal_code", "7021"),
    (ORE_1.replace("anna@example.se", "anna(at)example"), "contact_email", "anna(at)example"),
    (ORE_1.replace("Kontor vid Svartån", ""), "title", ""),
    (ORE_1.replace("L1,", ","), "external_ref", ""),
]


@pytest.mark.parametrize("row,column,text", BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_saved(places, row, column, text, settings):
    settings.LANGUAGE_CODE = "sv"
    report = run(csv_bytes(ORE_2, row, LAXA_1))
    assert not report.ok
    assert Premises.objects.count() == 0
    line_3 = [e for e in report.errors if e.line == 3]
    assert line_3, messages(report)
    assert column in {e.column for e in line_3}, messages(report)
    assert any(text in e.message for e in line_3 if e.column == column), messages(report)
    assert all(e.line == 3 for e in report.errors)  # the good rows have no problems


def test_location_outside_the_municipality_is_reported(county_with_boundaries):
    # Central Örebro, declared as Laxå.
    report = run(csv_bytes(ORE_1.replace(",1880,", ",1860,")))
    assert [(e.line, e.column) for e in report.errors] == [(2, "lat")]
    assert "Laxå" in report.errors[0].message
    assert run(csv_bytes(ORE_1)).ok


def test_the_same_key_twice_in_a_file_is_reported(places):
    report = run(csv_bytes(ORE_1, ORE_2, ORE_1.replace("Kontor vid Svartån", "Kontor igen")))
    assert [(e.line, e.column) for e in report.errors] == [(4, "external_ref")]
    assert "2" in report.errors[0].message  # points at the first line with it
    assert Premises.objects.count() == 0


def test_every_bad_row_is_reported_at_once(places):
    report = run(csv_bytes(ORE_1.replace(",office,", ",castle,"), ORE_2, LAXA_1.replace(",1860,", ",0000,")))
    assert sorted((e.line, e.column) for e in report.errors) == [(2, "kind"), (4, "municipality_code")]


def test_missing_and_unknown_columns_are_reported(places):
    header = HEADER.replace("kind,", "").replace("lat,lon,", "") + ",colour"
    report = run(csv_bytes("L1,1880,Kontor,,,Örebro,100,100,rent,,,,,,,,,draft,red", header=header))
    text = " ".join(messages(report))
    assert "kind" in text and "sweref_n" in text and "colour" in text
    assert Premises.objects.count() == 0


def test_an_empty_file_is_reported(places):
    assert not run(csv_bytes()).ok


def test_a_failed_import_leaves_existing_premises_unchanged(places):
    existing = PremisesFactory(municipality=places["orebro"], external_ref="L1", title="Before")
    report = run(csv_bytes(ORE_1, ORE_2.replace(",warehouse,", ",hangar,")))
    assert not report.ok
    existing.refresh_from_db()
    assert existing.title == "Before"
    assert Premises.objects.count() == 1


# --- dry run --------------------------------------------------------------------------------------
def test_dry_run_lists_creates_and_updates_and_saves_nothing(places):
    PremisesFactory(municipality=places["orebro"], external_ref="L1", title="Before")
    report = run(csv_bytes(ORE_1, ORE_2), dry_run=True)
    assert report.ok and report.dry_run
    assert [line.split(": ", 1)[1] for line in report.created] == ["1880 L2 – Lager i Törsjö"]
    assert [line.split(": ", 1)[1] for line in report.updated] == ["1880 L1 – Kontor vid Svartån"]
    assert Premises.objects.count() == 1
    assert Premises.objects.get().title == "Before"


# --- the command ------------------------------------------------------------------------------------
def write(tmp_path, data: bytes, name: str = "lokaler.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_command_imports_and_reports(places, tmp_path, capsys):
    call_command("import_premises", write(tmp_path, csv_bytes(ORE_1, LAXA_1)))
    assert Premises.objects.count() == 2
    assert "2" in capsys.readouterr().out


def test_command_dry_run_prints_what_would_change(places, tmp_path, capsys):
    call_command("import_premises", write(tmp_path, csv_bytes(ORE_1)), "--dry-run")
    out = capsys.readouterr().out
    assert "create  " in out and "1880 L1" in out
    assert Premises.objects.count() == 0


def test_command_fails_with_every_problem(places, tmp_path, capsys):
    path = write(
        tmp_path, csv_bytes(ORE_1.replace(",120,300,", ",400,300,"), ORE_2.replace("59.2265", "9.2265"))
    )
    with pytest.raises(CommandError):
        call_command("import_premises", path)
    err = capsys.readouterr().err
    assert "2" in err and "area_max_m2" in err
    assert "3" in err and "lat" in err
    assert Premises.objects.count() == 0


def test_command_rejects_an_unknown_file_type(places, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_premises", write(tmp_path, b"{}", "lokaler.json"))


# --- scoping --------------------------------------------------------------------------------------
def test_an_officer_imports_only_for_their_municipality(places, laxa_officer, tmp_path, capsys):
    path = write(tmp_path, csv_bytes(LAXA_1, ORE_1))
    with pytest.raises(CommandError):
        call_command("import_premises", path, "--user", laxa_officer.username)
    err = capsys.readouterr().err
    assert "1880" in err
    assert Premises.objects.count() == 0
    call_command("import_premises", write(tmp_path, csv_bytes(LAXA_1)), "--user", laxa_officer.username)
    premises = Premises.objects.get()
    assert premises.municipality == places["laxa"]
    assert premises.created_by == laxa_officer
    assert premises.history.first().history_user == laxa_officer


def test_admin_upload_imports_for_the_officer(client, places, laxa_officer):
    client.force_login(laxa_officer)
    url = "/admin/premises/premises/import/"
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("lokaler.csv", csv_bytes(LAXA_1), content_type="text/csv")
    response = client.post(url, {"file": upload, "dry_run": ""})
    assert response.status_code == 200
    assert Premises.objects.filter(municipality=places["laxa"]).count() == 1

    upload = SimpleUploadedFile("lokaler.csv", csv_bytes(ORE_1), content_type="text/csv")
    response = client.post(url, {"file": upload, "dry_run": ""})
    assert "1880" in response.content.decode()
    assert not Premises.objects.filter(municipality=places["orebro"]).exists()


def test_admin_upload_dry_run_shows_the_plan(client, places, laxa_officer):
    client.force_login(laxa_officer)
    upload = SimpleUploadedFile("lokaler.csv", csv_bytes(LAXA_1), content_type="text/csv")
    response = client.post("/admin/premises/premises/import/", {"file": upload, "dry_run": "on"})
    assert "1860 X1" in response.content.decode()
    assert not Premises.objects.exists()


def test_a_line_break_in_a_title_is_refused(places):
    # A newline in a title broke every inquiry e-mail about the listing (issue 10, Medium 5).
    row = ORE_1.replace("Kontor vid Svartån", '"Kontor\nBcc: x@example.com"')
    report = run(csv_bytes(row))
    assert [str(e) for e in report.errors] == [
        "line 2, column title: a line break is not allowed in this field"
    ]
    assert not Premises.objects.exists()


def test_a_description_may_have_line_breaks(places):
    report = run(csv_bytes(ORE_1.replace("Ljust.", '"Ljust.\nNära centrum."')))
    assert report.ok, messages(report)
    assert Premises.objects.get().description_sv == "Ljust.\nNära centrum."
