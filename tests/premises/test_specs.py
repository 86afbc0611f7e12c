"""Structured specs of industrial and warehouse premises (issue 16): clear height, doors,
floor load, main fuse, office share and year built, on the detail page, in the search,
the import, the export and the demo data."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from brorebro.importing import read_csv_bytes
from premises.importing import PremisesImporter
from premises.models import Kind, Premises
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "external_ref,municipality_code,title,kind,locality,lat,lon,area_min_m2,area_max_m2,tenure,"
    "clear_height_m,dock_doors,ground_doors,floor_load_kn_m2,power_a,office_m2,year_built"
)


def _import(*rows: str, header: str = HEADER):
    data = ("\n".join([header, *rows]) + "\n").encode("utf-8")
    return PremisesImporter().run(read_csv_bytes(data, "specs.csv"))


@pytest.fixture
def halls(orebro):
    return {
        "big": PremisesFactory(
            municipality=orebro,
            title="Stor lagerhall",
            kind=Kind.WAREHOUSE,
            area_min_m2=5000,
            clear_height_m=Decimal("12.0"),
            dock_doors=14,
            ground_doors=2,
            floor_load_kn_m2=Decimal("50.0"),
            power_a=400,
            office_m2=250,
            year_built=2021,
        ),
        "small": PremisesFactory(
            municipality=orebro,
            title="Liten verkstad",
            kind=Kind.WORKSHOP,
            area_min_m2=300,
            clear_height_m=Decimal("5.5"),
            dock_doors=0,
            power_a=63,
        ),
        "office": PremisesFactory(municipality=orebro, title="Kontor utan specifikation"),
    }


def titles(response) -> set[str]:
    return {p.title for p in response.context["page"].object_list}


def test_detail_page_lists_the_specs_as_a_definition_list(client, halls):
    html = client.get(halls["big"].get_absolute_url().replace("/en/", "/sv/")).content.decode()
    specs = re.search(r'<dl class="figures spec-list">(.*?)</dl>', html, re.S).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", specs)
    assert pairs == [
        ("Fri takhöjd", "12 m"),
        ("Lastportar med brygga", "14"),
        ("Portar i marknivå", "2"),
        ("Golvbelastning", "50 kN/m²"),
        ("Elkapacitet (huvudsäkring)", "400 A"),
        ("Kontorsyta", "250 m²"),
        ("Byggår", "2021"),  # a year, not "2 021"
    ]


def test_detail_page_in_english_formats_decimals_the_english_way(client, halls):
    html = client.get(f"/en/premises/{halls['small'].pk}/").content.decode()
    assert "<dt>Clear height</dt><dd>5.5 m</dd>" in html
    assert "<dt>Electrical capacity (main fuse)</dt><dd>63 A</dd>" in html
    assert "<dt>Year built</dt>" not in html  # not given, not shown


def test_premises_without_specs_show_no_empty_list(client, halls):
    html = client.get(f"/sv/premises/{halls['office'].pk}/").content.decode()
    assert "spec-list" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"clear_height_min": "10"}, {"Stor lagerhall"}),
        ({"clear_height_min": "5,5"}, {"Stor lagerhall", "Liten verkstad"}),  # decimal comma
        ({"dock_doors_min": "1"}, {"Stor lagerhall"}),
        ({"power_min": "63"}, {"Stor lagerhall", "Liten verkstad"}),
        ({"power_min": "100"}, {"Stor lagerhall"}),
    ],
)
def test_min_spec_filters_leave_out_premises_below_or_without_the_figure(client, halls, query, expected):
    assert titles(client.get("/sv/premises/", query)) == expected


def test_spec_filters_apply_to_geojson_and_csv_too(client, halls):
    geojson = client.get("/api/premises.geojson", {"dock_doors_min": "5"}).json()
    assert [f["properties"]["title"] for f in geojson["features"]] == ["Stor lagerhall"]
    body = b"".join(client.get("/sv/premises/export.csv", {"power_min": "100"}).streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["Stor lagerhall"]
    assert (rows[0]["clear_height_m"], rows[0]["dock_doors"], rows[0]["power_a"], rows[0]["year_built"]) == (
        "12.0",
        "14",
        "400",
        "2021",
    )


def test_an_invalid_spec_filter_is_a_message_not_a_500(client, halls):
    response = client.get("/en/premises/", {"dock_doors_min": "2.5", "power_min": "-1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the number of dock doors as a whole number, e.g. 2." in html
    assert "The electrical capacity cannot be negative." in html
    assert response.context["page"] is None
    assert client.get("/api/premises.geojson", {"clear_height_min": "abc"}).status_code == 400


def test_import_reads_the_spec_columns(orebro):
    report = _import(
        'S1,1880,Lagerhall,warehouse,Örebro,59.2265,15.1550,5000,5000,rent,"12,5",14,2,50,400,250,2021'
    )
    assert report.ok, [str(e) for e in report.errors]
    hall = Premises.objects.get(external_ref="S1")
    assert (hall.clear_height_m, hall.dock_doors, hall.ground_doors, hall.floor_load_kn_m2) == (
        Decimal("12.5"),
        14,
        2,
        Decimal("50"),
    )
    assert (hall.power_a, hall.office_m2, hall.year_built) == (400, 250, 2021)


def test_a_file_without_the_spec_columns_leaves_the_specs_as_they_are(orebro):
    hall = PremisesFactory(municipality=orebro, external_ref="S1", dock_doors=6, kind=Kind.WAREHOUSE)
    header = "external_ref,municipality_code,title,kind,locality,lat,lon,area_min_m2,area_max_m2,tenure"
    report = _import("S1,1880,Lagerhall,warehouse,Örebro,59.2265,15.1550,5000,5000,rent", header=header)
    assert report.ok, [str(e) for e in report.errors]
    hall.refresh_from_db()
    assert hall.dock_doors == 6 and hall.title == "Lagerhall"


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ("12.55,,,,,,", "clear_height_m"),  # two decimals would be rounded in the database
        (",2.5,,,,,", "dock_doors"),
        (",,,,-10,,", "power_a"),
        (",,,,,,21", "year_built"),  # a two-digit year
        (",,,,,,2200", "year_built"),
    ],
)
def test_a_bad_spec_refuses_the_file(orebro, values, column):
    report = _import(f"S1,1880,Lagerhall,warehouse,Örebro,59.2265,15.1550,5000,5000,rent,{values}")
    assert not report.ok
    assert any(column in str(error) for error in report.errors), [str(e) for e in report.errors]
    assert not Premises.objects.exists()


def test_office_share_cannot_exceed_the_area(orebro):
    hall = PremisesFactory.build(municipality=orebro, area_min_m2=300, area_max_m2=300, office_m2=400)
    with pytest.raises(ValidationError) as caught:
        hall.full_clean()
    assert "office_m2" in caught.value.message_dict


def test_demo_data_gives_specs_instead_of_prose(county):
    call_command("demo_premises", verbosity=0)
    hall = Premises.objects.get(external_ref="ORE-103")
    assert (hall.clear_height_m, hall.dock_doors) == (Decimal("12.0"), 14)
    assert "14 lastportar" not in hall.description_sv and "12 meter" not in hall.description_sv
    assert "dock doors" not in hall.description_en and "clear height" not in hall.description_en
    with_specs = Premises.objects.filter(
        kind__in=[Kind.WAREHOUSE, Kind.INDUSTRIAL], clear_height_m__isnull=False
    )
    assert with_specs.count() == Premises.objects.filter(kind__in=[Kind.WAREHOUSE, Kind.INDUSTRIAL]).count()


def test_the_admin_edit_page_has_the_specs(admin_client, halls):
    html = admin_client.get(f"/admin/premises/premises/{halls['big'].pk}/change/").content.decode()
    for name in ("clear_height_m", "dock_doors", "ground_doors", "floor_load_kn_m2", "power_a", "office_m2"):
        assert f'name="{name}"' in html
    assert 'name="year_built" value="2021"' in html
