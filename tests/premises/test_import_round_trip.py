"""The spreadsheet round trip (issue 11): an officer exports their own listings from the
admin, edits them, and imports the file again."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from premises.models import Premises, PremisesStatus
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

EXPORT = "/admin/premises/premises/export/"
IMPORT = "/admin/premises/premises/import/"
CHANGELIST = "/admin/premises/premises/"
LAXA = (14.6210, 58.9855)
LONG_AGO = timedelta(days=200)


@pytest.fixture
def listings(laxa, orebro):
    old = timezone.now() - LONG_AGO
    own = [
        PremisesFactory(
            municipality=laxa,
            external_ref=ref,
            title=title,
            locality="Laxå",
            lon_lat=LAXA,
            published_at=old,
            confirmed_at=old,
        )
        for ref, title in [("X1", "Butik vid torget"), ("X2", "=1+1 verkstad")]
    ]
    foreign = PremisesFactory(municipality=orebro, external_ref="O1", title="Kontor i Örebro")
    return {"own": own, "foreign": foreign}


def exported(client) -> list[dict[str, str]]:
    """The officer's export, X1 first."""
    response = client.get(EXPORT)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return sorted(csv.DictReader(io.StringIO(text)), key=lambda row: row["external_ref"])


def as_file(rows: list[dict[str, str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("mina.csv", buffer.getvalue().encode("utf-8-sig"))


def post(client, rows, **switches):
    data = {"file": as_file(rows), "dry_run": "", **{k: "on" for k, v in switches.items() if v}}
    response = client.post(IMPORT, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def report_of(client, rows, **switches):
    data = {"file": as_file(rows), "dry_run": "", **{k: "on" for k, v in switches.items() if v}}
    return client.post(IMPORT, data).context["report"]


def test_the_changelist_offers_import_and_export(client, listings, laxa_officer):
    client.force_login(laxa_officer)
    html = client.get(CHANGELIST).content.decode()
    assert f'href="{IMPORT}"' in html and f'href="{EXPORT}"' in html


def test_an_officer_exports_only_their_own_listings(client, listings, laxa_officer):
    client.force_login(laxa_officer)
    rows = exported(client)
    assert sorted(row["external_ref"] for row in rows) == ["X1", "X2"]


def test_the_export_action_downloads_the_selected_listings(client, listings, laxa_officer):
    client.force_login(laxa_officer)
    chosen = listings["own"][0]
    response = client.post(
        CHANGELIST, {"action": "export_selected_for_import", "_selected_action": [chosen.pk]}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [row["external_ref"] for row in csv.DictReader(io.StringIO(text))] == ["X1"]


def test_reimporting_an_unchanged_export_changes_and_confirms_nothing(client, listings, laxa_officer):
    client.force_login(laxa_officer)
    before = {p.pk: p.confirmed_at for p in Premises.objects.all()}
    html = post(client, exported(client))
    assert "0 created and 0 updated. 2 unchanged." in html
    assert {p.pk: p.confirmed_at for p in Premises.objects.all()} == before
    # The formula-like title came back as it was, not with the export's apostrophe.
    assert Premises.objects.get(external_ref="X2").title == "=1+1 verkstad"


def test_a_changed_row_is_saved_and_confirmed(client, listings, laxa_officer):
    client.force_login(laxa_officer)
    rows = exported(client)
    rows[0]["rent_sek_per_m2_year"] = "999"
    html = post(client, rows)
    assert "0 created and 1 updated. 1 unchanged." in html
    changed, unchanged = Premises.objects.get(external_ref="X1"), Premises.objects.get(external_ref="X2")
    assert changed.rent_sek_per_m2_year == 999
    assert changed.confirmed_at > timezone.now() - timedelta(minutes=1)
    assert unchanged.confirmed_at < timezone.now() - timedelta(days=100)


def test_the_confirm_checkbox_confirms_unchanged_rows(client, listings, laxa_officer):
    client.force_login(laxa_officer)
    post(client, exported(client), confirm=True)
    assert all(
        p.confirmed_at > timezone.now() - timedelta(minutes=1)
        for p in Premises.objects.filter(municipality__code="1860")
    )


def test_conflicting_positions_name_the_columns_to_clear(client, listings, laxa_officer):
    client.force_login(laxa_officer)
    rows = exported(client)
    rows[0]["lat"] = f"{float(rows[0]['lat']) + 0.01:.6f}"  # about 1.1 km north
    html = post(client, rows)
    assert "apart; clear the pair you did not edit (either lat and lon, or sweref_n and sweref_e)" in html
    assert Premises.objects.get(external_ref="X1").location.distance(listings["own"][0].location) < 0.01

    rows[0]["sweref_n"] = rows[0]["sweref_e"] = ""
    report = report_of(client, rows)
    assert report.ok, [str(e) for e in report.errors]
    moved = Premises.objects.get(external_ref="X1").location.distance(listings["own"][0].location)
    assert 1000 < moved < 1200


def test_listings_left_out_of_the_file_are_named_and_kept(client, listings, laxa_officer):
    client.force_login(laxa_officer)
    rows = [row for row in exported(client) if row["external_ref"] == "X1"]
    html = post(client, rows)
    assert "1 of your published listings were not in the file; they are unchanged" in html
    assert "1860 X2" in html
    assert Premises.objects.get(external_ref="X2").status == PremisesStatus.PUBLISHED
    assert Premises.objects.get(external_ref="O1").status == PremisesStatus.PUBLISHED


def test_archive_missing_archives_them_through_the_life_cycle(client, listings, laxa_officer):
    client.force_login(laxa_officer)
    rows = [row for row in exported(client) if row["external_ref"] == "X1"]
    html = post(client, rows, archive_missing=True)
    assert "were not in the file and were archived" in html
    archived = Premises.objects.get(external_ref="X2")
    assert archived.status == PremisesStatus.ARCHIVED
    assert archived.history.first().history_user == laxa_officer
    assert Premises.objects.get(external_ref="O1").status == PremisesStatus.PUBLISHED


def test_publishing_an_archived_listing_by_import_makes_it_visible(client, listings, laxa_officer):
    client.force_login(laxa_officer)
    rows = exported(client)
    Premises.objects.filter(external_ref="X1").update(
        status=PremisesStatus.ARCHIVED, confirmed_at=timezone.now() - timedelta(days=300)
    )
    post(client, rows)  # the file says "published"
    assert Premises.objects.visible().filter(external_ref="X1").exists()


def test_the_command_has_the_same_switches(listings, tmp_path, capsys):
    path = tmp_path / "x.csv"
    header = (
        "external_ref,municipality_code,title,kind,locality,lat,lon,area_min_m2,area_max_m2,tenure,status"
    )
    path.write_text(
        f"{header}\nX1,1860,Butik vid torget,office,Laxå,58.9855,14.6210,100,100,rent,published\n"
    )
    call_command("import_premises", str(path), "--archive-missing", "--confirm")
    out = capsys.readouterr().out
    assert "were archived" in out
    assert Premises.objects.get(external_ref="X2").status == PremisesStatus.ARCHIVED
    assert Premises.objects.get(external_ref="X1").confirmed_at > timezone.now() - timedelta(minutes=1)
    path.write_text(f"{header}\nX1,1860,Butik,office,Laxå,58.9855,14.6210,100,100,rent,publicerad\n")
    with pytest.raises(CommandError):
        call_command("import_premises", str(path))
