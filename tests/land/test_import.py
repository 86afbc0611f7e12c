"""Importing plots from GIS files the tests write themselves, in several coordinate systems."""

import json
import math
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.utils import translation

from land.importing import LandPlotImporter, read_gis
from land.models import LandPlot

# GRS 80, the ellipsoid of SWEREF 99.
A_GRS80 = 6378137.0
F_GRS80 = 1 / 298.257222101


def meridian_northing(lat_deg: float, scale: float) -> float:
    """Northing on the central meridian of a SWEREF 99 projection (Helmert's series).

    Written out here, independent of PROJ, so that the tests check where an import
    lands against geodesy rather than against the library the code itself uses.
    """
    n = F_GRS80 / (2 - F_GRS80)
    a_hat = A_GRS80 / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    phi = math.radians(lat_deg)
    mu = (
        phi
        - (3 * n / 2 - 9 * n**3 / 16) * math.sin(2 * phi)
        + (15 * n**2 / 16 - 15 * n**4 / 32) * math.sin(4 * phi)
        - (35 * n**3 / 48) * math.sin(6 * phi)
        + (315 * n**4 / 512) * math.sin(8 * phi)
    )
    return scale * a_hat * mu


# (EPSG, central meridian, false easting, scale) of the systems municipalities deliver.
SWEREF_TM = (3006, 15.0, 500000.0, 0.9996)
SWEREF_1630 = (3010, 16.5, 150000.0, 1.0)


def square_at(system, lat: float, side: float = 100.0) -> list[list[float]]:
    """A square ring whose south-west corner lies on the system's central meridian at `lat`."""
    _epsg, _lon0, false_easting, scale = system
    e, n = false_easting, meridian_northing(lat, scale)
    return [[e, n], [e + side, n], [e + side, n + side], [e, n + side], [e, n]]


def feature(ring, **properties):
    props = {
        "municipality_code": "1880",
        "name": "Törsjö 6:12",
        "purposes": "industry,logistics",
        **properties,
    }
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def write_geojson(path: Path, features, epsg: int | None = None) -> Path:
    data = {"type": "FeatureCollection", "features": features}
    if epsg:
        data["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(path, layer=None, **kwargs):
    with translation.override("en"):
        return LandPlotImporter(**kwargs).run(read_gis(path, layer=layer))


def sw_corner_wgs84(plot) -> tuple[float, float]:
    """The first vertex of the stored boundary (the south-west corner the file gave), in WGS84."""
    east, north = plot.geom[0].exterior_ring[0]
    corner = Point(east, north, srid=3006).transform(4326, clone=True)
    return corner.x, corner.y


@pytest.mark.parametrize("system", [SWEREF_TM, SWEREF_1630], ids=["EPSG3006", "EPSG3010"])
def test_geojson_import_lands_in_the_right_place(tmp_path, orebro, system):
    path = write_geojson(
        tmp_path / "plots.geojson", [feature(square_at(system, 59.27), external_ref="T-1")], system[0]
    )
    report = run(path)
    assert report.ok, [str(e) for e in report.errors]
    plot = LandPlot.objects.get(external_ref="T-1")
    lon, lat = sw_corner_wgs84(plot)
    assert lon == pytest.approx(system[1], abs=1e-6)
    assert lat == pytest.approx(59.27, abs=1e-6)
    # 100 m in the file's system is 100 m (within the zone's scale distortion) in SWEREF 99 TM.
    assert plot.area_m2 == pytest.approx(10000, rel=0.002)
    assert plot.purposes == ["industry", "logistics"]
    assert plot.status == "draft"


def test_geojson_without_crs_is_wgs84(tmp_path, orebro):
    ring = [[15.2, 59.27], [15.202, 59.27], [15.202, 59.271], [15.2, 59.271], [15.2, 59.27]]
    report = run(write_geojson(tmp_path / "wgs.geojson", [feature(ring, external_ref="W-1")]))
    assert report.ok
    lon, lat = sw_corner_wgs84(LandPlot.objects.get())
    assert (lon, lat) == (pytest.approx(15.2, abs=1e-6), pytest.approx(59.27, abs=1e-6))


needs_ogr2ogr = pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs ogr2ogr (gdal-bin)")


def ogr2ogr(*args):
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True)


@needs_ogr2ogr
def test_geopackage_in_a_local_sweref_zone(tmp_path, orebro):
    source = write_geojson(
        tmp_path / "in.geojson", [feature(square_at(SWEREF_1630, 59.3), external_ref="G-1")], 3010
    )
    gpkg = tmp_path / "plots.gpkg"
    ogr2ogr("-f", "GPKG", "-nln", "ledig_mark", str(gpkg), str(source))
    call_command("import_land", str(gpkg), verbosity=0)
    lon, lat = sw_corner_wgs84(LandPlot.objects.get(external_ref="G-1"))
    assert lon == pytest.approx(16.5, abs=1e-6) and lat == pytest.approx(59.3, abs=1e-6)


@needs_ogr2ogr
def test_geopackage_with_several_layers_needs_a_layer_name(tmp_path, orebro):
    gpkg = tmp_path / "two.gpkg"
    a = write_geojson(tmp_path / "a.geojson", [feature(square_at(SWEREF_TM, 59.3), external_ref="A-1")], 3006)
    b = write_geojson(tmp_path / "b.geojson", [feature(square_at(SWEREF_TM, 59.4), external_ref="B-1")], 3006)
    ogr2ogr("-f", "GPKG", "-nln", "etapp_1", str(gpkg), str(a))
    ogr2ogr("-f", "GPKG", "-update", "-nln", "etapp_2", str(gpkg), str(b))
    with pytest.raises(CommandError, match="etapp_1, etapp_2"):
        call_command("import_land", str(gpkg), verbosity=0)
    call_command("import_land", str(gpkg), "--layer", "etapp_2", verbosity=0)
    assert list(LandPlot.objects.values_list("external_ref", flat=True)) == ["B-1"]


@needs_ogr2ogr
def test_zipped_shapefile_with_a_mapping_file(tmp_path, orebro):
    # Shapefile attribute names are at most 10 characters: the mapping file bridges them.
    features = [
        {
            "type": "Feature",
            "properties": {
                "OBJ_ID": "S-1",
                "KOMMUNKOD": "1880",
                "FASTIGHET": "Bista 4:7",
                "ANVANDNING": "logistics",
                "PRIS": 300.0,
                "VA": 1,
                "ELKW": 1600.0,
            },
            "geometry": {"type": "Polygon", "coordinates": [square_at(SWEREF_TM, 59.26)]},
        },
    ]
    source = write_geojson(tmp_path / "in.geojson", features, 3006)
    folder = tmp_path / "shp"
    folder.mkdir()
    ogr2ogr("-f", "ESRI Shapefile", str(folder / "mark.shp"), str(source))
    archive = tmp_path / "mark.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "external_ref": "OBJ_ID",
                "municipality_code": "KOMMUNKOD",
                "name": "FASTIGHET",
                "purposes": "ANVANDNING",
                "price_sek_per_m2": "PRIS",
                "water_sewer": "VA",
                "electricity_kw": "ELKW",
            }
        )
    )
    call_command("import_land", str(archive), "--mapping", str(mapping), verbosity=0)
    plot = LandPlot.objects.get(external_ref="S-1")
    assert (plot.name, plot.purposes, plot.price_sek_per_m2, plot.water_sewer, plot.electricity_kw) == (
        "Bista 4:7",
        ["logistics"],
        300,
        True,
        1600,
    )
    lon, lat = sw_corner_wgs84(plot)
    assert lon == pytest.approx(15.0, abs=1e-5) and lat == pytest.approx(59.26, abs=1e-5)


def test_mapping_naming_an_unknown_field_is_refused(tmp_path, orebro):
    path = write_geojson(
        tmp_path / "p.geojson", [feature(square_at(SWEREF_TM, 59.3), external_ref="X")], 3006
    )
    mapping = tmp_path / "m.json"
    mapping.write_text('{"colour": "FARG"}')
    with pytest.raises(CommandError, match="colour"):
        call_command("import_land", str(path), "--mapping", str(mapping), verbosity=0)


def test_all_default_attributes_are_read(tmp_path, orebro):
    props = {
        "external_ref": "D-1",
        "area_name": "Logistikcentrum etapp 3",
        "plan_id": "1880-P920",
        "plan_status": "in_progress",
        "price_sek_per_m2": "425,50",
        "status": "published",
    }
    report = run(write_geojson(tmp_path / "p.geojson", [feature(square_at(SWEREF_TM, 59.3), **props)], 3006))
    assert report.ok, [str(e) for e in report.errors]
    plot = LandPlot.objects.get()
    assert (plot.area_name, plot.plan_id, plot.plan_status, str(plot.price_sek_per_m2), plot.status) == (
        "Logistikcentrum etapp 3",
        "1880-P920",
        "in_progress",
        "425.50",
        "published",
    )
    assert plot.confirmed_at is not None
    assert LandPlot.objects.visible().count() == 1


def test_reimport_updates_and_keeps_fields_absent_from_the_file(tmp_path, orebro):
    first = [feature(square_at(SWEREF_TM, 59.3), external_ref="U-1", price_sek_per_m2=200)]
    assert run(write_geojson(tmp_path / "a.geojson", first, 3006)).ok
    second = [{**feature(square_at(SWEREF_TM, 59.3, side=200), external_ref="U-1")}]
    del second[0]["properties"]["purposes"]
    report = run(write_geojson(tmp_path / "b.geojson", second, 3006))
    assert report.ok
    assert len(report.updated) == 1 and report.updated[0].startswith("feature 1:")
    plot = LandPlot.objects.get()
    assert plot.area_m2 == pytest.approx(40000, rel=0.001)
    assert plot.price_sek_per_m2 == 200
    assert plot.purposes == ["industry", "logistics"]


def ring_offset(points, system=SWEREF_TM, lat=59.3):
    e0, n0 = square_at(system, lat)[0]
    return [[e0 + x, n0 + y] for x, y in points]


def test_slightly_invalid_geometry_is_repaired(tmp_path, orebro):
    # A twisted corner: self-intersecting, but repairing it changes the area by 0.02 %.
    twisted = ring_offset([(0, 0), (100, 0), (100, 100), (0, 99), (2, 100), (0, 0)])
    report = run(write_geojson(tmp_path / "p.geojson", [feature(twisted, external_ref="R-1")], 3006))
    assert report.ok, [str(e) for e in report.errors]
    plot = LandPlot.objects.get()
    assert plot.geom.valid
    assert plot.area_m2 == pytest.approx(9853, abs=2)
    assert "repaired" in report.created[0]


def test_bow_tie_geometry_is_rejected_with_a_clear_message(tmp_path, orebro):
    good = feature(square_at(SWEREF_TM, 59.3), external_ref="OK-1")
    bow_tie = feature(
        ring_offset([(0, 0), (100, 100), (100, 0), (0, 150), (0, 0)], lat=59.31), external_ref="BAD-7"
    )
    report = run(write_geojson(tmp_path / "p.geojson", [good, bow_tie], 3006))
    assert not report.ok
    messages = [str(e) for e in report.errors]
    assert len(messages) == 1
    assert messages[0].startswith(
        "feature 2, attribute geometry: “BAD-7”: the boundary is not a valid polygon"
    )
    assert "Self-intersection" in messages[0]
    assert "160.0 %" in messages[0]
    # All or nothing: the good feature was not saved either.
    assert not LandPlot.objects.exists()


def test_every_bad_feature_is_reported_and_nothing_is_saved(tmp_path, orebro):
    features = [
        feature(square_at(SWEREF_TM, 59.30), external_ref="F-1"),
        feature(square_at(SWEREF_TM, 59.31), external_ref="F-2", municipality_code="9999"),
        feature(square_at(SWEREF_TM, 59.32), external_ref="F-3", purposes="industry,castle"),
        feature(square_at(SWEREF_TM, 59.33), external_ref="F-1"),
        {
            "type": "Feature",
            "properties": {"external_ref": "F-5", "municipality_code": "1880"},
            "geometry": {"type": "Point", "coordinates": [500000, 6570000]},
        },
        feature(
            square_at(SWEREF_TM, 59.34), external_ref="F-6", price_sek_per_m2="gratis", plan_status="soon"
        ),
    ]
    with pytest.raises(CommandError):
        call_command("import_land", str(write_geojson(tmp_path / "p.geojson", features, 3006)), verbosity=0)
    report = run(tmp_path / "p.geojson")
    messages = [str(e) for e in report.errors]
    assert [m.split(",")[0].split(":")[0] for m in messages] == [
        "feature 2",
        "feature 3",
        "feature 4",
        "feature 5",
        "feature 5",
        "feature 6",
        "feature 6",
    ]
    assert "unknown municipality code “9999”" in messages[0]
    assert "castle" in messages[1]
    assert "“F-1” is already given on feature 1" in messages[2]
    assert "a plot must be a polygon" in messages[3]
    assert "give at least one purpose" in messages[4]
    assert "soon" in messages[5]
    assert "“gratis” is not a number" in messages[6]
    assert not LandPlot.objects.exists()


def test_dry_run_saves_nothing(tmp_path, orebro):
    path = write_geojson(
        tmp_path / "p.geojson", [feature(square_at(SWEREF_TM, 59.3), external_ref="DRY")], 3006
    )
    call_command("import_land", str(path), "--dry-run", verbosity=0)
    assert not LandPlot.objects.exists()


def test_officer_imports_only_for_their_own_municipality(tmp_path, orebro, laxa, laxa_officer):
    features = [
        feature(square_at(SWEREF_TM, 59.0), external_ref="L-1", municipality_code="1860"),
        feature(square_at(SWEREF_TM, 59.3), external_ref="O-1", municipality_code="1880"),
    ]
    path = write_geojson(tmp_path / "p.geojson", features, 3006)
    with pytest.raises(CommandError):
        call_command("import_land", str(path), "--user", "laxa_officer", verbosity=0)
    report = run(path, user=laxa_officer)
    assert [str(e) for e in report.errors] == [
        "feature 2, attribute municipality_code: you may not import for Örebro (1880)"
    ]
    assert not LandPlot.objects.exists()


def test_wrong_crs_is_caught_by_the_municipality_boundary(tmp_path, county_with_boundaries):
    # Coordinates in SWEREF 99 16 30 but declared as SWEREF 99 TM land 350 km west, in Norway;
    # a plot placed in Sweden but in another municipality is caught by the boundary.
    ring = square_at(SWEREF_1630, 59.27)
    path = write_geojson(tmp_path / "p.geojson", [feature(ring, external_ref="CRS-1")], 3006)
    assert "the plot lies outside Sweden" in str(run(path).errors[0])
    ring = square_at(SWEREF_TM, 58.8)  # Askersund, not Örebro
    path = write_geojson(tmp_path / "p.geojson", [feature(ring, external_ref="CRS-2")], 3006)
    assert "lies outside Örebro" in str(run(path).errors[0])


def test_unsupported_crs_and_file_types_are_refused(tmp_path, orebro):
    path = write_geojson(
        tmp_path / "p.geojson", [feature(square_at(SWEREF_TM, 59.3), external_ref="X")], 3857
    )
    with pytest.raises(CommandError, match="EPSG:3857"):
        call_command("import_land", str(path), verbosity=0)
    (tmp_path / "plots.csv").write_text("a,b\n1,2\n")
    with pytest.raises(
        CommandError, match="plots.csv is not a GeoJSON file, a GeoPackage or a zipped Shapefile"
    ):
        call_command("import_land", str(tmp_path / "plots.csv"), verbosity=0)
    (tmp_path / "broken.geojson").write_text("{not json")
    with pytest.raises(CommandError, match="broken.geojson is not a GeoJSON file"):
        call_command("import_land", str(tmp_path / "broken.geojson"), verbosity=0)


def test_missing_required_attributes_are_named(tmp_path, orebro):
    props_missing = {
        "type": "Feature",
        "properties": {"name": "x"},
        "geometry": {"type": "Polygon", "coordinates": [square_at(SWEREF_TM, 59.3)]},
    }
    report = run(write_geojson(tmp_path / "p.geojson", [props_missing], 3006))
    assert "external_ref, municipality_code" in str(report.errors[0])
    assert not str(report.errors[0]).startswith("feature")


def test_the_example_files_in_the_repository_import(county_with_boundaries, settings):
    fixtures = Path(settings.BASE_DIR) / "fixtures"
    call_command(
        "import_land",
        str(fixtures / "land_example.geojson"),
        "--mapping",
        str(fixtures / "land_mapping_example.json"),
        verbosity=0,
    )
    plots = {p.external_ref: p for p in LandPlot.objects.all()}
    assert set(plots) == {"EX-1", "EX-2"}
    assert plots["EX-1"].area_m2 == 120000
    assert plots["EX-1"].rail_siding_possible and not plots["EX-2"].fibre
    assert plots["EX-2"].price_sek_per_m2 is None


def test_an_archived_plot_published_again_by_import_is_visible(tmp_path, orebro, plot_factory):
    # The listing life cycle (Listing.save) stamps the dates: the import has no rule of its own.
    from datetime import timedelta

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(days=300)
    plot = plot_factory(
        municipality=orebro,
        external_ref="A-1",
        status="archived",
        published_at=long_ago,
        confirmed_at=long_ago,
    )
    assert not LandPlot.objects.visible().exists()
    features = [feature(square_at(SWEREF_TM, 59.3), external_ref="A-1", status="Publicerad")]
    report = run(write_geojson(tmp_path / "p.geojson", features, 3006))
    assert report.ok, [str(e) for e in report.errors]
    plot.refresh_from_db()
    assert plot.status == "published"
    assert plot.published_at == long_ago  # the first publication is kept
    assert plot.confirmed_at > long_ago
    assert list(LandPlot.objects.visible()) == [plot]
