"""`manage.py import_yrkesbarometer` and the admin upload: all or nothing, every problem reported."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from skills.importing import YrkesbarometerImporter, read_yrkesbarometer_bytes
from skills.models import Occupation, ShortageAssessment
from tests.skills.factories import AssessmentFactory, OccupationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The default language is Swedish; the messages are asserted in English (the msgids).
    with translation.override("en"):
        yield


def item(**overrides):
    base = {
        "yb_yrke": "Motorfordonsmekaniker",
        "ssyk": "7231",
        "ssyk_text": "Motorfordonsmekaniker och fordonsreparatörer",
        "lan": "18",
        "rekryteringssituation": "brist",
        "jobbmojligheter": "stora",
        "prognos": "öka",
        "omgang": "2025-2",
    }
    return {**base, **overrides}


GOOD = [
    item(),
    item(
        ssyk=2512,
        ssyk_text="Mjukvaru- och systemutvecklare m.fl.",
        rekryteringssituation="Stor brist",
        prognos="Oförändrad",
        jobbmojligheter="medelstora",
    ),
    item(
        ssyk="5131",
        ssyk_text="Hovmästare och servitörer",
        rekryteringssituation="BALANS",
        prognos="minska",
        jobbmojligheter="små",
    ),
    item(
        ssyk="4222",
        ssyk_text="Kundtjänstpersonal",
        rekryteringssituation="Överskott",
        prognos="",
        jobbmojligheter="",
    ),
    item(lan="00", rekryteringssituation="liten brist"),  # the national reference is kept
    item(lan="01", rekryteringssituation="balans"),  # Stockholm: skipped
    item(lan=3, ssyk="2512"),  # Uppsala, as a number: skipped
]


@pytest.fixture
def write(tmp_path):
    def write(items, name="yb.json"):
        path = tmp_path / name
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


def test_good_file_creates_occupations_and_assessments(write, capsys):
    call_command("import_yrkesbarometer", write(GOOD))
    assert set(Occupation.objects.values_list("ssyk", flat=True)) == {"7231", "2512", "5131", "4222"}
    got = {
        (a.occupation.ssyk, a.region_code): (a.period, a.recruitment, a.outlook, a.job_opportunities)
        for a in ShortageAssessment.objects.select_related("occupation")
    }
    assert got == {
        ("7231", "18"): ("2025-2", "brist", "oka", "stora"),
        ("2512", "18"): ("2025-2", "brist", "oforandrad", "medelstora"),
        ("5131", "18"): ("2025-2", "balans", "minska", "sma"),
        ("4222", "18"): ("2025-2", "overskott", "", ""),
        ("7231", "00"): ("2025-2", "brist", "oka", "stora"),
    }
    out = capsys.readouterr().out
    assert "5 created and 0 updated." in out
    assert "2 item(s) for other counties were left out." in out


def test_reimport_updates_instead_of_duplicating(write, capsys):
    OccupationFactory(ssyk="7231", name_sv="Gammalt namn")
    AssessmentFactory(occupation=Occupation.objects.get(ssyk="7231"), period="2025-2", recruitment="balans")
    call_command("import_yrkesbarometer", write(GOOD))
    call_command("import_yrkesbarometer", write(GOOD))
    assert ShortageAssessment.objects.count() == 5
    assert ShortageAssessment.objects.get(occupation__ssyk="7231", region_code="18").recruitment == "brist"
    assert Occupation.objects.get(ssyk="7231").name_sv == "Motorfordonsmekaniker och fordonsreparatörer"
    assert "0 created and 5 updated." in capsys.readouterr().out


def test_periods_are_read_liberally(write):
    call_command(
        "import_yrkesbarometer",
        write(
            [
                item(omgang="vår 2026"),
                item(ssyk="2512", ssyk_text="Utvecklare", omgang="Höst 2025"),
                item(ssyk="5131", ssyk_text="Servitörer", omgang="2024:1"),
            ]
        ),
    )
    assert sorted(ShortageAssessment.objects.values_list("period", flat=True)) == [
        "2024-1",
        "2025-2",
        "2026-1",
    ]


BAD = [
    item(),  # 1: fine
    item(ssyk="72", rekryteringssituation="brist"),  # 2: bad code
    item(ssyk="5120", ssyk_text="Kockar", rekryteringssituation="jättebrist"),  # 3: unknown situation
    item(ssyk="5131", ssyk_text="Servitörer", prognos="kanske"),  # 4: unknown outlook
    item(ssyk="2512", ssyk_text="Utvecklare", omgang="förra året"),  # 5: unknown period
    item(ssyk="2511", ssyk_text="", lan="18"),  # 6: a new occupation needs a name
    item(ssyk="8332", ssyk_text="Lastbilsförare", lan="Örebro"),  # 7: unknown county
    "not an object",  # 8
    item(),  # 9: the same as item 1
    item(
        ssyk="4321", ssyk_text="Lager", jobbmojligheter="enorma", rekryteringssituation=""
    ),  # 10: two problems
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
        "item 6, field ssyk_text: a name is required for a new occupation (SSYK 2511)",
        "item 7, field lan: unknown county code “Örebro”",
        "item 8: the item is not an object",
        "item 9, field ssyk: “SSYK 7231, lan 18, 2025-2” is already given on item 1",
        "item 10, field rekryteringssituation: a value is required",
        "item 10, field jobbmojligheter: unknown value “enorma”",
    ]
    for message in expected:
        assert message in err
    assert Occupation.objects.count() == 0
    assert ShortageAssessment.objects.count() == 0


def test_a_failing_save_rolls_back_the_whole_file(write, monkeypatch):
    calls = []
    original = YrkesbarometerImporter.save_item

    def fail_on_third(self, item_):
        calls.append(item_)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(self, item_)

    monkeypatch.setattr(YrkesbarometerImporter, "save_item", fail_on_third)
    with pytest.raises(RuntimeError):
        call_command("import_yrkesbarometer", write(GOOD))
    assert ShortageAssessment.objects.count() == 0
    assert Occupation.objects.count() == 0


def test_dry_run_saves_nothing(write, capsys):
    call_command("import_yrkesbarometer", write(GOOD), dry_run=True)
    assert ShortageAssessment.objects.count() == 0
    assert "Dry run: 5 would be created" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "not valid JSON"),
        (b'{"a": 1}', "must hold a JSON list"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_file_is_refused_with_a_message(tmp_path, content, message):
    path = tmp_path / "yb.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_yrkesbarometer", str(path))


def test_a_wrapped_list_is_read():
    source = read_yrkesbarometer_bytes(json.dumps({"data": [item()]}).encode())
    assert [values["ssyk"] for _n, values in source.rows] == ["7231"]


def test_file_with_only_other_counties_reports_no_rows(write):
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_yrkesbarometer", write([item(lan="01")]))


# --- the admin upload ---------------------------------------------------------------------------
def upload(items):
    return SimpleUploadedFile("yb.json", json.dumps(items).encode(), content_type="application/json")


def test_regional_admin_imports_through_the_admin(client, regional_admin):
    client.force_login(regional_admin)
    response = client.post(
        "/admin/skills/shortageassessment/import/", {"file": upload(GOOD), "dry_run": ""}, follow=True
    )
    assert response.status_code == 200
    assert ShortageAssessment.objects.count() == 5


def test_admin_upload_shows_every_problem(client, regional_admin):
    client.force_login(regional_admin)
    response = client.post("/admin/skills/shortageassessment/import/", {"file": upload(BAD)})
    html = response.content.decode()
    assert "item 10, field jobbmojligheter" in html or "rad 10, kolumn jobbmojligheter" in html
    assert ShortageAssessment.objects.count() == 0


def test_officer_cannot_import_assessments(client, laxa_officer):
    client.force_login(laxa_officer)
    response = client.post("/admin/skills/shortageassessment/import/", {"file": upload(GOOD)})
    assert response.status_code == 403
    assert ShortageAssessment.objects.count() == 0


def test_the_example_file_in_fixtures_imports(settings, capsys):
    path = settings.BASE_DIR / "fixtures" / "skills-yrkesbarometer-example.json"
    call_command("import_yrkesbarometer", str(path))
    assert ShortageAssessment.objects.filter(region_code="18").count() == 7
    assert ShortageAssessment.objects.filter(region_code="00").count() == 1
    assert "1 item(s) for other counties were left out." in capsys.readouterr().out
