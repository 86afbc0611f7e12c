"""The three areas municipalities may measure from 2024 (issue 11): imported, shown, exported, not in the total."""

from __future__ import annotations

import csv
import io

from django.core.management import call_command
from django.urls import reverse

from surveys.models import AuthorityArea, Response
from surveys.nki import REGION, TOTAL, compute
from tests.surveys.factories import make_round, respond, same

NEW = {
    "receptfria_lakemedel": "Non-prescription medicines control",
    "lantmateri": "Cadastral matters",
    "folkol_tobak": "Low-alcohol beer and tobacco supervision",
}


def test_the_new_areas_exist_in_both_languages(db):
    areas = {a.slug: a for a in AuthorityArea.objects.filter(slug__in=NEW)}
    assert {slug: a.name_en for slug, a in areas.items()} == NEW
    assert areas["lantmateri"].name_sv == "Lantmäteriförrättningar"
    assert areas["folkol_tobak"].name_sv == "Tillsyn av folköl och tobak"


def test_responses_for_them_can_be_imported(orebro, tmp_path):
    make_round(2025)
    path = tmp_path / "svar-2025.csv"
    header = "year,municipality_code,authority_area,q_total,q_expectations,q_ideal,information,"
    header += "tillganglighet,bemotande,kompetens,rattssakerhet,effektivitet"
    lines = [header] + [f"2025,1880,{slug},5,5,5,4,,,,," for slug in NEW for _ in range(7)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_survey_responses", str(path), verbosity=0)
    assert Response.objects.filter(area__slug__in=NEW).count() == 21


def test_they_do_not_count_toward_the_total(orebro, round2025):
    respond(round2025, orebro, "bygglov", *same(5, 8))  # 80
    respond(round2025, orebro, "lantmateri", *same(2, 8))  # 20
    results = compute()
    assert results.get(2025, "1880", "lantmateri").estimate.value == 20
    assert results.get(2025, "1880", TOTAL).estimate.value == 80
    assert results.get(2025, REGION, TOTAL).estimate.n == 8
    assert not round2025.counted_areas.filter(slug__in=NEW).exists()


def test_they_are_shown_and_exported(client, orebro, round2025):
    respond(round2025, orebro, "bygglov", *same(5, 8))
    respond(round2025, orebro, "folkol_tobak", *same(6, 9))
    html = client.get("/en/nki/1880/").content.decode()
    row = html[html.index("Low-alcohol beer and tobacco supervision") :][:400]
    assert "not in the total" in row and "100.0" in row
    html = client.get("/en/nki/?area=folkol_tobak").content.decode()
    assert "Business Region Örebro: 100.0 in 2025." in html
    content = client.get(reverse("surveys:export") + "?authority_area=folkol_tobak").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert {(r["area_code"], r["nki"]) for r in rows} == {("1880", "100.0"), ("region", "100.0")}


def test_the_method_names_the_areas_counted_each_round(client, orebro):
    make_round(2023)
    make_round(2025)
    respond(make_round(2021), orebro, "bygglov", *same(5, 8))
    html = client.get("/en/nki/").content.decode()
    method = html[html.index('id="method-heading"') :]
    assert "Areas counted toward the total" in method
    line_2025 = method[method.index("<strong>2025:</strong>") :].split("</li>")[0]
    assert "Building permits" in line_2025 and "Alcohol licences" in line_2025
    assert "Fire protection" not in line_2025 and "Cadastral matters" not in line_2025
    line_2023 = method[method.index("<strong>2023:</strong>") :].split("</li>")[0]
    assert "Fire protection" in line_2023 and "Use of public land" in line_2023
