"""Municipal GIS files as they really are (issue 11): Windows code pages, zips from Windows,
no .prj, Z coordinates, DBF names cut at 10 characters, Swedish words, codes stored as reals
and the file's own area. Each file goes through the command line and, where it matters, the
admin upload page; none ends in a traceback.

The Shapefiles are written by ogr2ogr the way desktop GIS writes them: attribute text in
Windows-1252 (`-lco ENCODING=CP1252`), with or without a .cpg.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from land.importing import LandPlotImporter, parse_mapping, read_gis
from land.models import LandPlot

pytestmark = pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs ogr2ogr (gdal-bin)")

IMPORT_URL = "/admin/land/landplot/import/"
E0, N0 = 510000, 6570000  # inside Örebro kommun, in SWEREF 99 TM


def square(n: int = 0, side: float = 100.0, z: float | None = None) -> list:
    e, n_ = E0 + 300 * n, N0

    def point(x, y):
        return [x, y] if z is None else [x, y, z]

    return [point(e, n_), point(e + side, n_), point(e + side, n_ + side), point(e, n_ + side), point(e, n_)]


def municipal_feature(n: int = 0, z: float | None = None, side: float = 100.0, **properties) -> dict:
    props = {
        "OBJ_ID": f"M-{n}",
        "KOMMUNKOD": 1880.0,
        "FASTIGHET": "Ödegården 1:2",
        "ANVANDNING": "Industri, lager",
    }
    props.update(properties)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [square(n, side, z)]},
    }


def geojson(tmp_path: Path, features: list, epsg: int | None = 3006, name: str = "source.geojson") -> Path:
    document: dict = {"type": "FeatureCollection", "features": features}
    if epsg:
        document["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def shapefile(
    tmp_path: Path, features: list, *, encoding: str = "CP1252", epsg: int | None = 3006, dim: str = ""
) -> Path:
    """A Shapefile folder written by ogr2ogr; returns the folder (parts named plots.*)."""
    folder = tmp_path / "shp"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    source = geojson(tmp_path, features, epsg)
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "ESRI Shapefile",
            "-lco",
            f"ENCODING={encoding}",
            str(folder / "plots.shp"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def zip_folder(
    folder: Path, *, inside: str = "", skip: tuple[str, ...] = (), extra: dict | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if inside:
            archive.writestr(inside + "/", b"")  # the folder entry Windows writes
        for part in sorted(folder.iterdir()):
            if part.suffix not in skip:
                archive.write(part, f"{inside}/{part.name}" if inside else part.name)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


MAPPING = {
    "external_ref": "OBJ_ID",
    "municipality_code": "KOMMUNKOD",
    "name": "FASTIGHET",
    "purposes": "ANVANDNING",
}


def run_file(tmp_path: Path, data: bytes, mapping: dict | None = None, name: str = "plots.zip", **kwargs):
    path = tmp_path / name
    path.write_bytes(data)
    with translation.override("en"):
        importer = LandPlotImporter(mapping=parse_mapping(json.dumps(mapping or MAPPING)))
        return importer.run(read_gis(path, **kwargs))


def command(tmp_path: Path, data: bytes, *args, mapping: dict | None = None, name: str = "plots.zip"):
    """import_land; returns (ok, everything it said)."""
    path = tmp_path / name
    path.write_bytes(data)
    mapping_path = tmp_path / "mapping.json"
    mapping_path.write_text(json.dumps(mapping or MAPPING), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        with translation.override("en"):
            call_command(
                "import_land", str(path), "--mapping", str(mapping_path), *args, stdout=out, stderr=err
            )
    except CommandError as exc:
        return False, f"{exc}\n{out.getvalue()}{err.getvalue()}"
    return True, out.getvalue() + err.getvalue()


# --- encodings -----------------------------------------------------------------------------------
def test_a_windows_1252_shapefile_with_its_cpg_reads_swedish_letters(tmp_path, orebro):
    folder = shapefile(tmp_path, [municipal_feature()])
    assert (folder / "plots.cpg").read_text().strip() == "CP1252"
    report = run_file(tmp_path, zip_folder(folder))
    assert report.ok, [str(e) for e in report.errors]
    assert LandPlot.objects.get().name == "Ödegården 1:2"


def test_a_windows_1252_shapefile_without_cpg_falls_back_to_windows_1252(tmp_path, orebro):
    folder = shapefile(tmp_path, [municipal_feature()])
    dbf = folder / "plots.dbf"
    assert dbf.read_bytes()[29] == 0  # no language driver id either: the fallback decides
    report = run_file(tmp_path, zip_folder(folder, skip=(".cpg",)))
    assert report.ok, [str(e) for e in report.errors]
    assert LandPlot.objects.get().name == "Ödegården 1:2"


def test_the_dbf_language_driver_id_decides_without_cpg(tmp_path, orebro):
    # The same bytes, read as code page 850 because byte 29 says so (0x02): Ö is 0x99 there.
    folder = shapefile(tmp_path, [municipal_feature(FASTIGHET="Ödegården")], encoding="CP850")
    dbf = folder / "plots.dbf"
    data = bytearray(dbf.read_bytes())
    data[29] = 0x02
    dbf.write_bytes(bytes(data))
    report = run_file(tmp_path, zip_folder(folder, skip=(".cpg",)))
    assert report.ok, [str(e) for e in report.errors]
    assert LandPlot.objects.get().name == "Ödegården"


def test_a_cpg_that_claims_utf8_over_windows_1252_warns_and_reads_1252(tmp_path, orebro):
    folder = shapefile(tmp_path, [municipal_feature()])
    (folder / "plots.cpg").write_text("UTF-8")
    report = run_file(tmp_path, zip_folder(folder))
    assert report.ok, [str(e) for e in report.errors]
    assert LandPlot.objects.get().name == "Ödegården 1:2"
    assert any("says UTF-8, but the attribute text is not UTF-8" in str(w) for w in report.warnings)
    # The warning reaches the command line's report of a successful import too.
    LandPlot.objects.all().delete()
    ok, said = command(tmp_path, zip_folder(folder))
    assert ok and "warning: The .cpg file says UTF-8" in said


def test_a_utf8_shapefile_reads_as_utf8(tmp_path, orebro):
    folder = shapefile(tmp_path, [municipal_feature()], encoding="UTF-8")
    report = run_file(tmp_path, zip_folder(folder))
    assert report.ok and not report.warnings
    assert LandPlot.objects.get().name == "Ödegården 1:2"


def test_the_admin_reads_a_windows_1252_shapefile_without_a_500(client, orebro_officer, tmp_path):
    client.force_login(orebro_officer)
    folder = shapefile(tmp_path, [municipal_feature()])
    (folder / "plots.cpg").write_text("UTF-8")
    response = client.post(
        IMPORT_URL,
        {
            "file": SimpleUploadedFile("plots.zip", zip_folder(folder)),
            "mapping": SimpleUploadedFile("m.json", json.dumps(MAPPING).encode()),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert LandPlot.objects.get().name == "Ödegården 1:2"
    assert "says UTF-8, but the attribute text is not UTF-8" in response.content.decode()


# --- zips from Windows, .prj ------------------------------------------------------------------------
def test_a_zip_with_the_parts_inside_a_folder_imports(tmp_path, orebro):
    folder = shapefile(tmp_path, [municipal_feature()])
    data = zip_folder(
        folder, inside="Ledig mark 2025", extra={"Ledig mark 2025/plots.shp.xml": b"<metadata/>"}
    )
    report = run_file(tmp_path, data)
    assert report.ok, [str(e) for e in report.errors]
    assert LandPlot.objects.count() == 1


def test_a_shapefile_without_prj_asks_for_the_srid(tmp_path, orebro, client, orebro_officer):
    folder = shapefile(tmp_path, [municipal_feature()])
    data = zip_folder(folder, skip=(".prj",))
    ok, said = command(tmp_path, data)
    assert not ok
    assert "does not say which coordinate system it uses" in said and "--srid" in said
    assert "OGR" not in said
    ok, said = command(tmp_path, data, "--srid", "3006")
    assert ok, said
    plot = LandPlot.objects.get()
    assert plot.area_m2 == 10000
    # The upload page has the same field.
    plot.delete()
    client.force_login(orebro_officer)
    fields = {"mapping": SimpleUploadedFile("m.json", json.dumps(MAPPING).encode())}
    page = client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("plots.zip", data), **fields}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "does not say which coordinate system it uses" in page
    fields = {"mapping": SimpleUploadedFile("m.json", json.dumps(MAPPING).encode()), "srid": "3006"}
    client.post(IMPORT_URL, {"file": SimpleUploadedFile("plots.zip", data), **fields})
    assert LandPlot.objects.get().area_m2 == 10000


def test_a_stated_srid_that_contradicts_the_file_is_refused(tmp_path, orebro):
    folder = shapefile(tmp_path, [municipal_feature()])
    ok, said = command(tmp_path, zip_folder(folder), "--srid", "3010")
    assert not ok and "The file says it uses EPSG:3006, but EPSG:3010 was stated" in said


# --- Z and M ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dim", ["XYZ", "XYM", "XYZM"])
def test_a_3d_or_measured_polygon_is_imported_in_2d_also_in_a_dry_run(tmp_path, orebro, dim):
    folder = shapefile(tmp_path, [municipal_feature(z=42.0)], dim=dim)
    ok, said = command(tmp_path, zip_folder(folder), "--dry-run")
    assert ok, said
    assert not LandPlot.objects.exists()
    ok, said = command(tmp_path, zip_folder(folder))
    assert ok, said
    plot = LandPlot.objects.get()
    assert not plot.geom.hasz
    assert plot.area_m2 == 10000


def test_a_3d_geojson_polygon_is_imported_in_2d(tmp_path, orebro):
    path = geojson(tmp_path, [municipal_feature(z=12.5)], name="plots.geojson")
    ok, said = command(tmp_path, path.read_bytes(), name="plots.geojson")
    assert ok, said
    assert not LandPlot.objects.get().geom.hasz


# --- attributes and values -----------------------------------------------------------------------------
def test_a_mapping_naming_a_missing_attribute_lists_the_file_s_attributes(tmp_path, orebro):
    folder = shapefile(tmp_path, [municipal_feature(BESKRIVNING="Nära E20")])
    mapping = {**MAPPING, "description_sv": "BESKRIVNING"}
    ok, said = command(tmp_path, zip_folder(folder), mapping=mapping)
    assert not ok
    assert "the mapping names the attribute “BESKRIVNING” (for description_sv), which the layer lacks" in said
    assert "did you mean “BESKRIVNIN”" in said
    assert "its attributes are: OBJ_ID, KOMMUNKOD, FASTIGHET, ANVANDNING, BESKRIVNIN" in said
    ok, said = command(tmp_path, zip_folder(folder), mapping={**MAPPING, "description_sv": "BESKRIVNIN"})
    assert ok, said
    assert LandPlot.objects.get().description_sv == "Nära E20"


def test_values_are_mapped_by_the_mapping_file(tmp_path, orebro):
    features = [
        municipal_feature(
            0, ANVANDNING="Verksamhetsmark", PLAN="Laga kraft", VA="Finns", FIBER="J", SPAR="Ja"
        ),
        municipal_feature(1, ANVANDNING="Industri, lager", PLAN="Pågår", VA="Saknas", FIBER="N", SPAR="Nej"),
    ]
    mapping = {
        **MAPPING,
        "purposes": {"attribute": "ANVANDNING", "values": {"Verksamhetsmark": ["industry", "logistics"]}},
        "plan_status": {"attribute": "PLAN", "values": {"laga  KRAFT": "in_force", "Pågår": "in_progress"}},
        "water_sewer": "VA",
        "fibre": "FIBER",
        "rail_siding_possible": "SPAR",
    }
    ok, said = command(tmp_path, zip_folder(shapefile(tmp_path, features)), mapping=mapping)
    assert ok, said
    first, second = LandPlot.objects.order_by("external_ref")
    assert (
        first.purposes,
        first.plan_status,
        first.water_sewer,
        first.fibre,
        first.rail_siding_possible,
    ) == (
        ["industry", "logistics"],
        "in_force",
        True,
        True,
        True,
    )
    assert (second.purposes, second.plan_status, second.water_sewer, second.fibre) == (
        ["industry", "logistics"],
        "in_progress",
        False,
        False,
    )


def test_common_swedish_words_are_understood_without_a_map(tmp_path, orebro):
    features = [
        municipal_feature(0, ANVANDNING="Industri, lager", PLAN="Laga kraft", STATUS="Publicerad"),
        municipal_feature(1, ANVANDNING="handel och kontor", PLAN="Pågående planarbete", STATUS="Utkast"),
        municipal_feature(2, ANVANDNING="Logistik", PLAN="Ingen detaljplan", STATUS="utkast"),
    ]
    mapping = {**MAPPING, "plan_status": "PLAN", "status": "STATUS"}
    ok, said = command(tmp_path, zip_folder(shapefile(tmp_path, features)), mapping=mapping)
    assert ok, said
    plots = {p.external_ref: p for p in LandPlot.objects.all()}
    assert (plots["M-0"].purposes, plots["M-0"].plan_status, plots["M-0"].status) == (
        ["industry", "logistics"],
        "in_force",
        "published",
    )
    assert (sorted(plots["M-1"].purposes), plots["M-1"].plan_status) == (["office", "retail"], "in_progress")
    assert (plots["M-2"].purposes, plots["M-2"].plan_status) == (["logistics"], "none")
    assert LandPlot.objects.visible().count() == 1


def test_an_unknown_word_says_it_can_be_mapped(tmp_path, orebro):
    features = [municipal_feature(0, ANVANDNING="Slott")]
    ok, said = command(tmp_path, zip_folder(shapefile(tmp_path, features)))
    assert not ok
    assert "feature 1, attribute ANVANDNING: unknown value “Slott”" in said
    assert "map the word in the mapping file" in said


def test_a_municipality_code_stored_as_a_real_number_is_accepted_when_whole(tmp_path, orebro):
    features = [municipal_feature(0, KOMMUNKOD=1880.0), municipal_feature(1, KOMMUNKOD=1880.5)]
    ok, said = command(tmp_path, zip_folder(shapefile(tmp_path, features)))
    assert not ok
    assert "feature 2, attribute KOMMUNKOD" in said and "feature 1" not in said
    ok, said = command(tmp_path, zip_folder(shapefile(tmp_path, features[:1])))
    assert ok, said
    assert LandPlot.objects.get().municipality.code == "1880"


# --- areas -----------------------------------------------------------------------------------------------
def test_an_own_area_attribute_that_differs_by_more_than_1_percent_is_a_warning(
    tmp_path, orebro, client, orebro_officer
):
    features = [
        municipal_feature(0, AREAL=10050.0),  # 0.5 %: fine
        municipal_feature(1, AREAL=12000.0),  # 20 %: a warning
    ]
    data = zip_folder(shapefile(tmp_path, features))
    ok, said = command(tmp_path, data)
    assert ok, said
    assert LandPlot.objects.count() == 2
    assert (
        "feature 2, attribute AREAL: the file gives an area of 12\u00a0000 m², but the boundary measures "
        "10\u00a0000 m² (planar, in SWEREF 99 TM)"
    ) in said
    assert "feature 1, attribute AREAL" not in said
    # The upload page shows it with the successful report.
    LandPlot.objects.all().delete()
    client.force_login(orebro_officer)
    page = client.post(
        IMPORT_URL,
        {
            "file": SimpleUploadedFile("plots.zip", data),
            "mapping": SimpleUploadedFile("m.json", json.dumps(MAPPING).encode()),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert LandPlot.objects.count() == 2
    assert "but the boundary measures" in page


def test_the_area_attribute_can_be_named_in_the_mapping(tmp_path, orebro):
    features = [municipal_feature(0, YTA_KVM=20000)]
    ok, said = command(
        tmp_path, zip_folder(shapefile(tmp_path, features)), mapping={**MAPPING, "area_m2": "YTA_KVM"}
    )
    assert ok and "the file gives an area of 20\u00a0000 m²" in said


def test_wgs84_coordinates_declared_as_sweref_are_refused_without_boundaries(tmp_path, orebro):
    # No boundary loaded: the plot still has to lie in Sweden, and be no larger than a plot can be.
    lonlat = [[15.2, 59.27], [15.21, 59.27], [15.21, 59.28], [15.2, 59.27]]
    huge = [[500000, 6500000], [520000, 6500000], [520000, 6520000], [500000, 6500000]]
    features = [
        {**municipal_feature(0), "geometry": {"type": "Polygon", "coordinates": [lonlat]}},
        {**municipal_feature(1), "geometry": {"type": "Polygon", "coordinates": [huge]}},
    ]
    path = geojson(tmp_path, features, name="plots.geojson")
    ok, said = command(tmp_path, path.read_bytes(), name="plots.geojson")
    assert not ok
    assert "feature 1, attribute geometry: “M-0”: the plot lies outside Sweden" in said
    assert "feature 2, attribute geometry: “M-1”: the plot measures 200 km², more than any plot" in said
    assert not LandPlot.objects.exists()


def test_a_damaged_cpg_or_prj_is_a_message(tmp_path, orebro):
    folder = shapefile(tmp_path, [municipal_feature()])
    (folder / "plots.cpg").write_bytes(b"UTF\x00-8")
    report = run_file(tmp_path, zip_folder(folder))
    assert report.ok
    assert any("names an unknown code page" in str(w) for w in report.warnings)
    (folder / "plots.prj").write_text('PROJCS["broken",GEOGCS[')
    ok, said = command(tmp_path, zip_folder(folder))
    assert not ok and "The coordinate system of the file cannot be read (a damaged .prj?)" in said


def test_the_same_files_through_the_upload_page(tmp_path, client, orebro_officer):
    """Each municipal file above, uploaded by an officer: a report or the form's errors, never a 500."""
    client.force_login(orebro_officer)

    def post(data: bytes, mapping: dict, **fields) -> str:
        response = client.post(
            IMPORT_URL,
            {
                "file": SimpleUploadedFile("plots.zip", data),
                "mapping": SimpleUploadedFile("m.json", json.dumps(mapping).encode()),
                **fields,
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 200
        return response.content.decode()

    # Windows-1252 without .cpg, inside a folder, Z values, a code stored as a real, Swedish words.
    features = [municipal_feature(0, z=7.0, PLAN="Laga kraft", VA="Finns")]
    folder = shapefile(tmp_path, features)
    mapping = {
        **MAPPING,
        "plan_status": "PLAN",
        "water_sewer": {"attribute": "VA", "values": {"finns": "yes"}},
    }
    post(zip_folder(folder, inside="Mark", skip=(".cpg",)), mapping)
    plot = LandPlot.objects.get()
    assert (plot.name, plot.plan_status, plot.water_sewer, plot.purposes) == (
        "Ödegården 1:2",
        "in_force",
        True,
        ["industry", "logistics"],
    )
    assert not plot.geom.hasz and plot.municipality.code == "1880"
    # A mapping that names an attribute the file lacks: the attributes are listed, nothing changes.
    page = post(zip_folder(folder), {**MAPPING, "description_sv": "BESKRIVNING"})
    assert "which the layer lacks" in page and "its attributes are: OBJ_ID, KOMMUNKOD" in page
    assert LandPlot.objects.get().description_sv == ""


def test_a_zip_with_two_layers_asks_which(tmp_path, orebro):
    first = shapefile(tmp_path, [municipal_feature(0)])
    data = zip_folder(
        first,
        extra={f"etapp2{part.suffix}": part.read_bytes() for part in first.iterdir()},
    )
    ok, said = command(tmp_path, data)
    assert not ok and "The zip has several layers (etapp2, plots); choose one." in said
    ok, said = command(tmp_path, data, "--layer", "etapp2")
    assert ok, said
    assert LandPlot.objects.count() == 1


def test_a_geopackage_table_without_geometry_is_named(tmp_path, orebro):
    gpkg = tmp_path / "plots.gpkg"
    csv = tmp_path / "list.csv"
    csv.write_text("external_ref,municipality_code\nX-1,1880\n")
    subprocess.run(
        ["ogr2ogr", "-f", "GPKG", "-nln", "lista", str(gpkg), str(csv)], check=True, capture_output=True
    )
    ok, said = command(tmp_path, gpkg.read_bytes(), name="plots.gpkg")
    assert not ok and "The GeoPackage layer “lista” is not a table of features with geometries." in said
