"""`manage.py import_yrkesbarometer` and the admin upload, with records in the published shape
(see tests/skills/yb_records.py): all or nothing, every problem reported, nothing dropped silently."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from skills.importing import read_yrkesbarometer_bytes
from skills.models import Occupation, ShortageAssessment
from tests.skills.factories import OccupationFactory, ProgrammeFactory
from tests.skills.yb_records import NO_BASIS, not_assessed, record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The default language is Swedish; the messages are asserted in English (the msgids).
    with translation.override("en"):
        yield


IT = {
    "yb_yrke": "Mjukvaru- och systemutvecklare m.fl.",
    "yb_concept_id": "Xmpl_IT_2512",
    "yrkesomrade": "Data/IT",
    "ssyk": "2511, 2512, 2513, 2514, 2515, 2519",
    "antal_ssyk": 6,
}
GOOD = [
    record(),  # 1: county, shortage
    record(lan="00", rekryteringssituation="balans", prognos="vara oförändrad"),  # 2: Sweden
    record(**IT, rekryteringssituation="paradox", paradox=["Sökande saknar efterfrågad erfarenhet."]),  # 3
    record(**IT, lan="00", jobbmojligheter="medelstora", prognos="minska", delvis_helt="helt"),  # 4
    not_assessed(yb_yrke="Kockar", yb_concept_id="Xmpl_Kock_5120", ssyk="5120"),  # 5: no assessment
    record(lan="01", rekryteringssituation="överskott"),  # 6: Stockholm, left out
    record(lan=3),  # 7: Uppsala, as a number, left out
]


@pytest.fixture
def write(tmp_path):
    def write(items, name="yb.json"):
        path = tmp_path / name
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


def test_the_published_shape_imports(write, capsys):
    call_command("import_yrkesbarometer", write(GOOD))
    got = {
        (a.occupation.yb_concept_id, a.region_code): (a.recruitment, a.outlook, a.job_opportunities)
        for a in ShortageAssessment.objects.select_related("occupation")
    }
    assert got == {
        ("Xmpl_Mek_7231", "18"): ("brist", "oka", "stora"),
        ("Xmpl_Mek_7231", "00"): ("balans", "oforandrad", "stora"),
        ("Xmpl_IT_2512", "18"): ("paradox", "oka", "stora"),
        ("Xmpl_IT_2512", "00"): ("brist", "minska", "medelstora"),
        ("Xmpl_Kock_5120", "18"): ("none", "", ""),
    }
    it = Occupation.objects.get(yb_concept_id="Xmpl_IT_2512")
    assert it.ssyk_list == ["2511", "2512", "2513", "2514", "2515", "2519"]
    assert (it.name_sv, it.occupational_area) == ("Mjukvaru- och systemutvecklare m.fl.", "Data/IT")
    paradox = it.assessments.get(region_code="18")
    assert paradox.paradox_reason_list == ["Sökande saknar efterfrågad erfarenhet."]
    assert (paradox.basis_level, paradox.basis_extent, paradox.taxonomy_version) == ("national", "partly", 27)
    none = ShortageAssessment.objects.get(occupation__yb_concept_id="Xmpl_Kock_5120")
    assert none.text_recruitment == NO_BASIS and not none.is_assessed
    out = capsys.readouterr().out
    assert "5 created and 0 updated." in out
    assert "2 item(s) for other counties were left out." in out
    assert "1 item(s) have no assessment" in out


def test_importing_the_same_file_again_changes_nothing(write, capsys):
    path = write(GOOD)
    call_command("import_yrkesbarometer", path)
    before = list(ShortageAssessment.objects.order_by("pk").values_list("pk", "updated_at"))
    call_command("import_yrkesbarometer", path)
    assert "0 created and 0 updated. 5 unchanged." in capsys.readouterr().out
    assert list(ShortageAssessment.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_a_new_round_updates_only_what_changed(write, capsys):
    call_command("import_yrkesbarometer", write(GOOD))
    changed = [dict(r) for r in GOOD]
    changed[0]["rekryteringssituation"] = "balans"
    call_command("import_yrkesbarometer", write(changed))
    assert "0 created and 1 updated. 4 unchanged." in capsys.readouterr().out
    county = ShortageAssessment.objects.get(occupation__yb_concept_id="Xmpl_Mek_7231", region_code="18")
    assert county.recruitment == "balans"


def test_an_occupation_made_before_is_adopted_with_its_programmes(write):
    made_by_hand = OccupationFactory(ssyk="7231", name_sv="Fordonsmekaniker")
    programme = ProgrammeFactory()
    programme.occupations.add(made_by_hand)
    call_command("import_yrkesbarometer", write(GOOD))
    made_by_hand.refresh_from_db()
    assert made_by_hand.yb_concept_id == "Xmpl_Mek_7231"
    assert made_by_hand.name_sv == "Motorfordonsmekaniker och fordonsreparatörer"
    assert Occupation.objects.filter(ssyk="7231").count() == 1
    assert made_by_hand.assessments.count() == 2
    assert list(programme.occupations.all()) == [made_by_hand]


def test_warnings_are_reported_with_a_successful_import(write, capsys):
    call_command(
        "import_yrkesbarometer",
        write([record(antal_ssyk=2, hogsta_bedomningsniva="kommunalt"), record(lan="00")]),
    )
    err = capsys.readouterr().err
    assert "warning: item 1, field antal_ssyk: antal_ssyk says 2, but ssyk lists 1 codes" in err
    assert "warning: item 1, field hogsta_bedomningsniva: unknown value “kommunalt”" in err
    assert ShortageAssessment.objects.count() == 2


BAD = [
    record(),  # 1: fine
    record(ssyk="72, 7231", yb_concept_id="Xmpl_A"),  # 2: bad code
    record(rekryteringssituation="jättebrist", yb_concept_id="Xmpl_B"),  # 3: unknown situation
    record(prognos="kanske", yb_concept_id="Xmpl_C"),  # 4: unknown outlook
    record(omgang="förra året", yb_concept_id="Xmpl_D"),  # 5: unknown period
    record(yb_concept_id=None),  # 6: no identity
    record(lan="Örebro", yb_concept_id="Xmpl_E"),  # 7: unknown county
    "not an object",  # 8
    record(),  # 9: the same as item 1
    record(yb_concept_id="Xmpl_F", jobbmojligheter="enorma", yb_yrke="Rad\nbrytning"),  # 10: two problems
]


def test_bad_file_reports_every_problem_with_its_item_number_and_saves_nothing(write, capsys):
    with pytest.raises(CommandError, match="10 problem"):
        call_command("import_yrkesbarometer", write(BAD))
    err = capsys.readouterr().err
    expected = [
        "item 2, field ssyk: “72” is not a four-digit SSYK 2012 code",
        "item 3, field rekryteringssituation: unknown value “jättebrist”",
        "item 4, field prognos: unknown value “kanske”",
        "item 5, field omgang: unknown period “förra året”",
        "item 6, field yb_concept_id: a value is required",
        "item 7, field lan: unknown county code “Örebro”",
        "item 8: the item is not an object",
        "item 9, field yb_concept_id: “Xmpl_Mek_7231, lan 18, 2025-2” is already given on item 1",
        "item 10, field yb_yrke: a line break is not allowed in this field",
        "item 10, field jobbmojligheter: unknown value “enorma”",
    ]
    for message in expected:
        assert message in err
    assert Occupation.objects.count() == 0
    assert ShortageAssessment.objects.count() == 0


def test_a_failing_save_rolls_back_the_whole_file(write, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ShortageAssessment.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        call_command("import_yrkesbarometer", write(GOOD))
    assert Occupation.objects.count() == 0


def test_dry_run_saves_nothing(write, capsys):
    call_command("import_yrkesbarometer", write(GOOD), dry_run=True)
    assert ShortageAssessment.objects.count() == 0 and Occupation.objects.count() == 0
    assert "Dry run: 5 would be created" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "not valid JSON"),
        (b'{"a": 1}', "must hold a JSON list"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]", "nested too deeply"),
    ],
)
def test_unreadable_file_is_refused_with_a_message(tmp_path, content, message):
    path = tmp_path / "yb.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_yrkesbarometer", str(path))


def test_a_file_over_the_record_cap_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    path = tmp_path / "yb.json"
    path.write_text(json.dumps([record()] * 4))
    with pytest.raises(CommandError, match="4 rows; the limit is 3"):
        call_command("import_yrkesbarometer", str(path))


def test_a_wrapped_list_is_read():
    source = read_yrkesbarometer_bytes(json.dumps({"data": [record()]}).encode())
    assert [values["ssyk"] for _n, values in source.rows] == ["7231"]


def test_file_with_only_other_counties_is_refused(write):
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_yrkesbarometer", write([record(lan="01")]))


# --- the admin upload ---------------------------------------------------------------------------
def upload(items):
    return SimpleUploadedFile("yb.json", json.dumps(items).encode(), content_type="application/json")


def test_regional_admin_imports_through_the_admin(client, regional_admin):
    client.force_login(regional_admin)
    response = client.post(
        "/admin/skills/shortageassessment/import/",
        {"file": upload(GOOD), "dry_run": ""},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert ShortageAssessment.objects.count() == 5
    report = response.context["report"]
    assert "2 item(s) for other counties were left out." in report.notes


def test_the_changelist_has_the_import_button(client, regional_admin):
    client.force_login(regional_admin)
    html = client.get("/admin/skills/shortageassessment/").content.decode()
    assert 'href="/admin/skills/shortageassessment/import/"' in html


def test_admin_upload_shows_every_problem(client, regional_admin):
    client.force_login(regional_admin)
    response = client.post(
        "/admin/skills/shortageassessment/import/", {"file": upload(BAD)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "item 10, field jobbmojligheter" in response.content.decode()
    assert ShortageAssessment.objects.count() == 0


def test_admin_refuses_a_file_that_is_not_json_with_a_form_error(client, regional_admin):
    client.force_login(regional_admin)
    bad = SimpleUploadedFile("yb.json", b"\x89PNG\r\n\x1a\n")
    response = client.post("/admin/skills/shortageassessment/import/", {"file": bad})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_officer_cannot_import_assessments(client, laxa_officer):
    client.force_login(laxa_officer)
    response = client.post("/admin/skills/shortageassessment/import/", {"file": upload(GOOD)})
    assert response.status_code == 403
    assert ShortageAssessment.objects.count() == 0


def test_the_example_file_in_fixtures_imports(settings, capsys):
    path = settings.BASE_DIR / "fixtures" / "skills-yrkesbarometer-example.json"
    call_command("import_yrkesbarometer", str(path))
    assert ShortageAssessment.objects.filter(region_code="18").count() == 7
    assert ShortageAssessment.objects.filter(region_code="00").count() == 2
    assert "1 item(s) for other counties were left out." in capsys.readouterr().out


# --- the occupation's page ------------------------------------------------------------------------
def test_the_occupation_page_shows_texts_basis_paradox_and_no_assessment(write, client):
    call_command("import_yrkesbarometer", write(GOOD))
    it = Occupation.objects.get(yb_concept_id="Xmpl_IT_2512")
    html = client.get(f"/en{it.get_absolute_url()[3:]}").content.decode()
    assert "SSYK 2511, SSYK 2512" in html
    assert "Paradox" in html and "Sökande saknar efterfrågad erfarenhet." in html
    assert "Assessed partly for the whole country" in html
    assert "Möjligheterna till arbete bedöms vara stora (illustrativ text)." in html
    cook = Occupation.objects.get(yb_concept_id="Xmpl_Kock_5120")
    html = client.get(f"/en{cook.get_absolute_url()[3:]}").content.decode()
    assert "No assessment" in html and NO_BASIS in html
