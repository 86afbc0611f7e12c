"""A GIS upload can read nothing but itself (issue 10, critical; and the feature cap of Medium 1).

The hostile files are the ones a tester used: a GDAL VRT whose SQL reads the inquiry table
(as .vrt, renamed .gpkg or .geojson, inside a zip), VRTs that read a local file through
`CSV:` or fetch a URL through `/vsicurl/`, a GeoJSON "crs" link, zips with path traversal,
symbolic links or foreign members, and GeoPackages with views or triggers. Each goes
through the command line and the admin upload page: each is refused with a message, the
secret never appears, no request leaves the server and nothing is saved.
"""

from __future__ import annotations

import http.server
import io
import json
import shutil
import sqlite3
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from brorebro.models import Municipality
from land.models import LandPlot

SECRET_NAME = "Hemlig Person"
SECRET_EMAIL = "hemlig.person@example.com"
IMPORT_URL = "/admin/land/landplot/import/"
SQUARE = "POLYGON((510000 6570000,510100 6570000,510100 6570100,510000 6570000))"

needs_ogr2ogr = pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs ogr2ogr (gdal-bin)")


@pytest.fixture
def inquiry_database(tmp_path) -> Path:
    """A database with another municipality's inquiry in it, as the portal's own would hold."""
    path = tmp_path / "portal.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE brorebro_inquiry (name TEXT, email TEXT)")
        connection.execute("INSERT INTO brorebro_inquiry VALUES (?, ?)", (SECRET_NAME, SECRET_EMAIL))
    return path


def leaking_vrt(source: str, sql: str | None = None) -> bytes:
    """A VRT whose values would land in the import's error list (external_ref, municipality_code)."""
    sql_xml = f"<SrcSQL>{sql}</SrcSQL>" if sql else ""
    return f"""<OGRVRTDataSource>
  <OGRVRTLayer name="plots">
    <SrcDataSource>{source}</SrcDataSource>{sql_xml}
    <GeometryType>wkbPolygon</GeometryType>
    <LayerSRS>EPSG:3006</LayerSRS>
    <GeometryField encoding="WKT" field="wkt"/>
  </OGRVRTLayer>
</OGRVRTDataSource>""".encode()


def inquiry_vrt(database: Path) -> bytes:
    return leaking_vrt(
        str(database),
        f"SELECT email AS external_ref, name AS municipality_code, '{SQUARE}' AS wkt FROM brorebro_inquiry",  # noqa: S608 (the attack itself)
    )


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"external_ref,municipality_code\nfrom-the-network,1880\n")

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A local server that counts requests: a /vsicurl/ or crs link must not reach it."""
    CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run_command(tmp_path, name: str, data: bytes, *args) -> str:
    """import_land on a file; the CommandError's message and everything printed, together."""
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        call_command("import_land", str(path), *args, stdout=out, stderr=err)
    return f"{excinfo.value}\n{out.getvalue()}\n{err.getvalue()}"


def upload(client, name: str, data: bytes, **fields) -> str:
    response = client.post(
        IMPORT_URL, {"file": SimpleUploadedFile(name, data), **fields}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def officer_client(client, orebro_officer):
    client.force_login(orebro_officer)
    return client


# --- the VRT that read the inquiries ------------------------------------------------------------
VRT_DISGUISES = ["plots.vrt", "plots.gpkg", "plots.geojson", "plots.json", "plots.zip"]


@pytest.mark.parametrize("name", VRT_DISGUISES)
def test_a_vrt_reading_the_inquiries_is_refused_on_the_command_line(tmp_path, orebro, inquiry_database, name):
    output = run_command(tmp_path, name, inquiry_vrt(inquiry_database))
    assert f"{name} is not a GeoJSON file, a GeoPackage or a zipped Shapefile" in output
    assert SECRET_NAME not in output and SECRET_EMAIL not in output
    assert not LandPlot.objects.exists()


@pytest.mark.parametrize("name", VRT_DISGUISES)
def test_a_vrt_reading_the_inquiries_is_refused_on_the_upload_page(officer_client, inquiry_database, name):
    page = upload(officer_client, name, inquiry_vrt(inquiry_database))
    assert "is not a GeoJSON file, a GeoPackage or a zipped Shapefile" in page
    assert SECRET_NAME not in page and SECRET_EMAIL not in page
    assert not LandPlot.objects.exists()


@pytest.mark.parametrize("member", ["plots.vrt", "plots.shp", "data/plots.vrt"])
def test_a_vrt_inside_a_zip_is_refused(tmp_path, officer_client, inquiry_database, member):
    data = zipped({member: inquiry_vrt(inquiry_database)})
    for output in (run_command(tmp_path, "plots.zip", data), upload(officer_client, "plots.zip", data)):
        assert SECRET_NAME not in output and SECRET_EMAIL not in output
        if member.endswith(".vrt"):
            assert "which is not part of a Shapefile" in output
        else:
            assert "lacks its .shx and .dbf file(s)" in output
    assert not LandPlot.objects.exists()


def test_a_vrt_named_shp_with_all_parts_is_not_opened(tmp_path, orebro, inquiry_database):
    # Even with a .shx and .dbf next to it, only the Shapefile driver may open the .shp.
    vrt = inquiry_vrt(inquiry_database)
    data = zipped({"plots.shp": vrt, "plots.shx": vrt, "plots.dbf": vrt})
    output = run_command(tmp_path, "plots.zip", data)
    assert "The .shp file in the zip is not a Shapefile part." in output
    assert SECRET_NAME not in output and SECRET_EMAIL not in output


def test_a_vrt_reading_a_local_file_through_csv_is_refused(tmp_path, orebro):
    secret = tmp_path / "secret.csv"
    secret.write_text(f'external_ref,municipality_code,wkt\n{SECRET_EMAIL},{SECRET_NAME},"{SQUARE}"\n')
    for source in (f"CSV:{secret}", str(secret)):
        output = run_command(tmp_path, "plots.geojson", leaking_vrt(source))
        assert "is not a GeoJSON file" in output
        assert SECRET_EMAIL not in output


def test_gdal_prefixes_given_as_a_file_name_are_not_opened(tmp_path, orebro, http_server):
    for name in ("CSV:/etc/passwd", f"/vsicurl/{http_server}/plots.csv", "/vsizip//etc/passwd"):
        with translation.override("en"), pytest.raises(CommandError, match="No such file") as excinfo:
            call_command("import_land", name)
        assert "root:" not in str(excinfo.value)
    assert CountingHandler.requests == []


def test_an_upload_named_like_a_gdal_prefix_is_only_its_content(officer_client, http_server):
    for name in ("CSV:/etc/passwd", f"/vsicurl/{http_server}/x.csv"):
        page = upload(officer_client, name, b"external_ref,municipality_code\n")
        assert "is not a GeoJSON file" in page
        assert "root:x:0" not in page
    assert CountingHandler.requests == []


def test_a_vrt_fetching_a_url_sends_no_request(tmp_path, orebro, officer_client, http_server):
    vrt = leaking_vrt(f"/vsicurl/{http_server}/plots.csv")
    for name in ("plots.vrt", "plots.gpkg", "plots.geojson"):
        assert "is not a GeoJSON file" in run_command(tmp_path, name, vrt)
        assert "is not a GeoJSON file" in upload(officer_client, name, vrt)
    assert CountingHandler.requests == []


def test_a_geojson_crs_link_is_refused_without_a_request(tmp_path, orebro, http_server):
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "link", "properties": {"href": f"{http_server}/crs.wkt", "type": "ogcwkt"}},
        "features": [],
    }
    output = run_command(tmp_path, "plots.geojson", json.dumps(document).encode())
    assert "must name an EPSG code" in output
    assert CountingHandler.requests == []


def test_a_crs_inside_a_geometry_is_not_passed_to_gdal(tmp_path, orebro, http_server):
    ring = [[510000, 6570000], [510100, 6570000], [510100, 6570100], [510000, 6570000]]
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"external_ref": "C-1", "municipality_code": "1880", "purposes": "industry"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [ring],
                    "crs": {"type": "link", "properties": {"href": f"{http_server}/crs.wkt"}},
                },
            }
        ],
    }
    path = tmp_path / "plots.geojson"
    path.write_text(json.dumps(document))
    call_command("import_land", str(path), verbosity=0)
    assert LandPlot.objects.get().area_m2 == 5000
    assert CountingHandler.requests == []


# --- zips ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "member",
    ["../plots.shp", "../../tmp/plots.shp", "/etc/plots.shp", "C:/plots.shp", "a\\..\\..\\plots.shp"],
)
def test_a_zip_with_path_traversal_is_refused(tmp_path, orebro, member):
    output = run_command(tmp_path, "plots.zip", zipped({member: b"x"}))
    assert "The zip holds a file with an unsafe path" in output
    assert not (tmp_path.parent / "plots.shp").exists()


def test_a_zip_with_a_symbolic_link_is_refused(tmp_path, orebro):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("plots.dbf")
        link.external_attr = (0o120777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("plots.shp", b"x")
    output = run_command(tmp_path, "plots.zip", buffer.getvalue())
    assert "The zip holds a symbolic link (plots.dbf)." in output


@pytest.mark.parametrize("member", ["readme.txt", "plots.csv", "plots.gpkg", "plots.sqlite", "inner.zip"])
def test_a_zip_with_a_member_that_is_no_shapefile_part_is_refused(tmp_path, officer_client, member):
    data = zipped({"plots.shp": b"x", member: b"x"})
    message = f"The zip holds {member}, which is not part of a Shapefile."
    assert message in run_command(tmp_path, "plots.zip", data)
    assert message in upload(officer_client, "plots.zip", data)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, orebro, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("plots.shp", b"\0" * (3 * 1024 * 1024))
        archive.writestr("plots.shx", b"\0" * 100)
        archive.writestr("plots.dbf", b"\0" * 100)
    assert len(buffer.getvalue()) < 20_000
    output = run_command(tmp_path, "plots.zip", buffer.getvalue())
    assert "too large when unpacked (the limit is 1 MB)" in output


# --- GeoPackages ---------------------------------------------------------------------------------
def ogr2ogr(*args):
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True)


def geojson_plots(tmp_path, count: int = 1) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"external_ref": f"P-{n}", "municipality_code": "1880", "purposes": "industry"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [510000, 6570000 + 200 * n],
                        [510100, 6570000 + 200 * n],
                        [510100, 6570100 + 200 * n],
                        [510000, 6570000 + 200 * n],
                    ]
                ],
            },
        }
        for n in range(count)
    ]
    path = tmp_path / "plots-source.geojson"
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": features,
    }
    path.write_text(json.dumps(document))
    return path


@needs_ogr2ogr
def test_a_geopackage_with_a_view_is_refused(tmp_path, orebro, officer_client, inquiry_database):
    gpkg = tmp_path / "plots.gpkg"
    ogr2ogr("-f", "GPKG", "-nln", "plots", str(gpkg), str(geojson_plots(tmp_path)))
    with sqlite3.connect(gpkg) as connection:
        connection.execute(
            "CREATE VIEW leak AS SELECT fid, geom, 'x' AS external_ref, '1880' AS municipality_code FROM plots"
        )
        connection.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('leak', 'features', 'leak', 3006)"
        )
        connection.execute("INSERT INTO gpkg_geometry_columns VALUES ('leak', 'geom', 'POLYGON', 3006, 0, 0)")
    data = gpkg.read_bytes()
    message = "The GeoPackage holds the view “leak”. Only plain feature tables can be imported"
    assert message in run_command(tmp_path, "plots.gpkg", data, "--layer", "leak")
    assert message in upload(officer_client, "plots.gpkg", data, layer="plots")
    assert not LandPlot.objects.exists()


@needs_ogr2ogr
def test_a_geopackage_with_a_foreign_trigger_or_virtual_table_is_refused(tmp_path, orebro):
    gpkg = tmp_path / "plots.gpkg"
    ogr2ogr("-f", "GPKG", "-nln", "plots", str(gpkg), str(geojson_plots(tmp_path)))
    with sqlite3.connect(gpkg) as connection:
        connection.execute("CREATE TRIGGER wipe AFTER UPDATE ON plots BEGIN DELETE FROM plots; END")
        connection.execute("CREATE VIRTUAL TABLE search USING fts4(body)")
    output = run_command(tmp_path, "plots.gpkg", gpkg.read_bytes())
    assert "the trigger “wipe”" in output and "the virtual table “search”" in output


@needs_ogr2ogr
def test_a_geopackage_with_a_generated_column_is_refused(tmp_path, orebro):
    gpkg = tmp_path / "plots.gpkg"
    ogr2ogr("-f", "GPKG", "-nln", "plots", str(gpkg), str(geojson_plots(tmp_path)))
    with sqlite3.connect(gpkg) as connection:
        connection.execute(
            "ALTER TABLE plots ADD COLUMN leak TEXT GENERATED ALWAYS AS (upper(external_ref)) VIRTUAL"
        )
    output = run_command(tmp_path, "plots.gpkg", gpkg.read_bytes())
    assert "The GeoPackage table “plots” has generated columns" in output


@needs_ogr2ogr
def test_a_plain_geopackage_with_its_spatial_index_imports(tmp_path, orebro):
    gpkg = tmp_path / "plots.gpkg"
    ogr2ogr("-f", "GPKG", "-nln", "plots", str(gpkg), str(geojson_plots(tmp_path, 2)))
    call_command("import_land", str(gpkg), verbosity=0)
    assert LandPlot.objects.count() == 2


def test_an_sqlite_database_that_is_not_a_geopackage_is_refused(tmp_path, orebro, inquiry_database):
    output = run_command(tmp_path, "plots.gpkg", inquiry_database.read_bytes())
    assert "an SQLite database but not a GeoPackage" in output
    assert SECRET_NAME not in output


# --- caps --------------------------------------------------------------------------------------------
def test_a_geojson_with_too_many_features_is_refused_before_reading(tmp_path, orebro, settings):
    settings.IMPORT_MAX_FEATURES = 3
    output = run_command(tmp_path, "plots.geojson", geojson_plots(tmp_path, 4).read_bytes())
    assert "The file has 4 features or more; at most 3 can be imported at once." in output
    assert not LandPlot.objects.exists()


@needs_ogr2ogr
def test_a_shapefile_and_a_geopackage_with_too_many_features_are_refused(tmp_path, orebro, settings):
    source = geojson_plots(tmp_path, 4)
    folder = tmp_path / "shp"
    folder.mkdir()
    ogr2ogr("-f", "ESRI Shapefile", str(folder / "plots.shp"), str(source))
    data = zipped({part.name: part.read_bytes() for part in folder.iterdir()})
    gpkg = tmp_path / "plots.gpkg"
    ogr2ogr("-f", "GPKG", str(gpkg), str(source))
    settings.IMPORT_MAX_FEATURES = 3
    assert "at most 3 can be imported" in run_command(tmp_path, "plots.zip", data)
    assert "at most 3 can be imported" in run_command(tmp_path, "plots.gpkg", gpkg.read_bytes())
    settings.IMPORT_MAX_FEATURES = 4
    mapping = tmp_path / "mapping.json"  # Shapefile attribute names stop at 10 characters
    mapping.write_text('{"external_ref": "external_r", "municipality_code": "municipali"}')
    call_command("import_land", str(tmp_path / "plots.zip"), "--mapping", str(mapping), verbosity=0)
    assert LandPlot.objects.count() == 4


def test_the_feature_cap_holds_while_reading_too(tmp_path, orebro, settings):
    # A count the file misstates does not get past the cap: reading stops at it.
    from brorebro import gisfiles

    data = geojson_plots(tmp_path, 3).read_bytes()
    with gisfiles.open_gis(data, "plots.geojson") as gis:
        settings.IMPORT_MAX_FEATURES = 2
        with pytest.raises(gisfiles.GisFileError, match="at most 2"):
            list(gis.features())


# --- municipality boundaries: the same whitelist ------------------------------------------------
def test_boundaries_refuse_a_vrt_in_any_disguise(tmp_path, orebro, inquiry_database):
    vrt = leaking_vrt(
        str(inquiry_database),
        f"SELECT name AS id, '{SQUARE}' AS wkt FROM brorebro_inquiry",  # noqa: S608 (the attack itself)
    )
    for name in ("b.vrt", "b.gpkg", "b.geojson"):
        path = tmp_path / name
        path.write_bytes(vrt)
        with pytest.raises(CommandError) as excinfo:
            call_command("import_municipality_boundaries", str(path), skip_unknown=True)
        assert "is not a GeoJSON file" in str(excinfo.value)
        assert SECRET_NAME not in str(excinfo.value)
    assert Municipality.objects.get(code="1880").boundary is None


def test_boundaries_refuse_a_zip_with_traversal(tmp_path, orebro):
    path = tmp_path / "b.zip"
    path.write_bytes(zipped({"../b.shp": b"x"}))
    with pytest.raises(CommandError, match="unsafe path"):
        call_command("import_municipality_boundaries", str(path))


def test_names_from_the_file_are_quoted_only_as_short_excerpts(tmp_path, orebro):
    long_name = "x" * 500 + "\nInjected: line"
    document = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {long_name: 1}, "geometry": None}],
    }
    output = run_command(tmp_path, "plots.geojson", json.dumps(document).encode())
    assert (
        "the layer lacks the attribute(s) external_ref, municipality_code; its attributes are: xxx" in output
    )
    assert "x" * 41 not in output
    assert "Injected" not in output


@pytest.mark.parametrize(
    "crs",
    [
        {"type": "name", "properties": {"name": "EPSG:3006"}},
        {"type": "name", "properties": {"name": "http://www.opengis.net/def/crs/EPSG/0/3006"}},
        {"type": "EPSG", "properties": {"code": 3006}},
    ],
)
def test_the_usual_ways_of_naming_an_epsg_crs_are_accepted(tmp_path, orebro, crs):
    document = json.loads(geojson_plots(tmp_path).read_text())
    document["crs"] = crs
    path = tmp_path / "plots.geojson"
    path.write_text(json.dumps(document))
    call_command("import_land", str(path), verbosity=0)
    assert LandPlot.objects.get().area_m2 == 5000
