import json

import pytest
from django.core.management import CommandError, call_command

from brorebro.models import Municipality


def write_geojson(path, features, crs=None):
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs}"}}
    path.write_text(json.dumps(doc))
    return path


def feature(code, coords):
    return {
        "type": "Feature",
        "properties": {"id": code},
        "geometry": {"type": "Polygon", "coordinates": [coords]},
    }


SQUARE_WGS84 = [[15.1, 59.2], [15.3, 59.2], [15.3, 59.3], [15.1, 59.3], [15.1, 59.2]]


def test_imports_real_county_boundaries(county_with_boundaries):
    orebro = Municipality.objects.get(code="1880")
    assert orebro.boundary is not None
    assert orebro.boundary.srid == 3006
    # Örebro kommun covers about 1 620 km² of land and water (SCB); measured in SWEREF 99 TM.
    assert 1_500e6 < orebro.boundary.area < 1_750e6
    assert Municipality.objects.filter(boundary__isnull=True).count() == 0


def test_boundary_contains_a_point_in_the_town(county_with_boundaries):
    from brorebro.spatial import wgs84_point

    orebro = Municipality.objects.get(code="1880")
    laxa = Municipality.objects.get(code="1860")
    city = wgs84_point(15.2134, 59.2741)  # Örebro castle
    assert orebro.contains(city) is True
    assert laxa.contains(city) is False


def test_crs_is_taken_from_the_file(tmp_path, orebro):
    square_3006 = [
        [510000, 6570000],
        [512000, 6570000],
        [512000, 6572000],
        [510000, 6572000],
        [510000, 6570000],
    ]
    path = write_geojson(tmp_path / "b.geojson", [feature("1880", square_3006)], crs=3006)
    call_command("import_municipality_boundaries", str(path))
    orebro.refresh_from_db()
    assert orebro.boundary.area == pytest.approx(4_000_000, rel=1e-6)


def test_unknown_code_missing_code_and_invalid_geometry_are_reported_and_change_nothing(tmp_path, orebro):
    bowtie = [[15.1, 59.2], [15.3, 59.3], [15.3, 59.2], [15.1, 59.3], [15.1, 59.2]]
    path = write_geojson(
        tmp_path / "bad.geojson",
        [
            feature("1880", SQUARE_WGS84),
            feature("9999", SQUARE_WGS84),
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [SQUARE_WGS84]},
            },
            feature("1880", bowtie),
        ],
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("import_municipality_boundaries", str(path))
    assert "no boundary was changed" in str(excinfo.value)
    orebro.refresh_from_db()
    assert orebro.boundary is None


def test_unknown_codes_can_be_skipped_for_national_files(tmp_path, orebro):
    path = write_geojson(
        tmp_path / "nat.geojson", [feature("1880", SQUARE_WGS84), feature("0180", SQUARE_WGS84)]
    )
    call_command("import_municipality_boundaries", str(path), skip_unknown=True)
    orebro.refresh_from_db()
    assert orebro.boundary is not None


def test_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_municipality_boundaries", "/nonexistent/file.geojson")


def _zipped_shapefile(tmp_path, features, crs=3006):
    """Boundaries as a municipal GIS exports them: a zipped Shapefile, codes stored as reals."""
    import io
    import subprocess
    import zipfile

    source = write_geojson(tmp_path / "src.geojson", features, crs=crs)
    folder = tmp_path / "shp"
    folder.mkdir()
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "ESRI Shapefile",
            "-lco",
            "ENCODING=CP1252",
            str(folder / "kommuner.shp"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.iterdir():
            if part.suffix != ".prj":
                archive.write(part, f"Kommuner/{part.name}")
    path = tmp_path / "kommuner.zip"
    path.write_bytes(buffer.getvalue())
    return path


def test_a_zipped_shapefile_without_prj_needs_srid_and_reads_real_codes_and_z(tmp_path, orebro):
    square_3d = [
        [510000, 6570000, 55.0],
        [512000, 6570000, 55.0],
        [512000, 6572000, 60.0],
        [510000, 6570000, 55.0],
    ]
    feature_real = {
        "type": "Feature",
        "properties": {"id": 1880.0},
        "geometry": {"type": "Polygon", "coordinates": [square_3d]},
    }
    path = _zipped_shapefile(tmp_path, [feature_real])
    with pytest.raises(CommandError, match="does not say which coordinate system"):
        call_command("import_municipality_boundaries", str(path))
    call_command("import_municipality_boundaries", str(path), srid=3006, verbosity=0)
    orebro.refresh_from_db()
    assert orebro.boundary.area == pytest.approx(2_000_000, rel=1e-6)
    assert not orebro.boundary.hasz


def test_a_code_field_the_file_lacks_lists_its_attributes(tmp_path, orebro):
    path = write_geojson(tmp_path / "b.geojson", [feature("1880", SQUARE_WGS84)])
    with pytest.raises(CommandError, match="no attribute 'KOMMUNKOD'; its attributes are: id"):
        call_command("import_municipality_boundaries", str(path), code_field="KOMMUNKOD")
