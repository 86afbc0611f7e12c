"""Who may edit what in the skills admin.

Programmes: officers edit those that include one of their municipalities, pick only
their own municipalities, and keep the ones they cannot see. Occupations, industries,
partners and assessments: officers only look; the region edits.
"""

import pytest

from skills.models import Industry, Occupation, Partner, Programme, ShortageAssessment
from tests.skills.factories import (
    AssessmentFactory,
    IndustryFactory,
    IntakeFactory,
    OccupationFactory,
    PartnerFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/skills/programme/"


def change_url(programme):
    return f"/admin/skills/programme/{programme.pk}/change/"


def form_data(programme=None, **overrides):
    """A complete change-form POST, as the browser sends it, with an empty intake inline."""
    data = {
        "name_sv": "Lastbilsförare",
        "name_en": "",
        "kind": "amu",
        "status": "open",
        "provider": "AMU",
        "study_pace": "100",
        "seats": "16",
        "start_date": "",
        "application_deadline": "",
        "length_weeks": "",
        "application_url": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "description_sv": "",
        "description_en": "",
        "intakes-TOTAL_FORMS": "0",
        "intakes-INITIAL_FORMS": "0",
        "intakes-MIN_NUM_FORMS": "0",
        "intakes-MAX_NUM_FORMS": "1000",
    }
    if programme is not None:
        existing = list(programme.intakes.all())
        data["intakes-TOTAL_FORMS"] = data["intakes-INITIAL_FORMS"] = str(len(existing))
        for i, intake in enumerate(existing):
            data.update(
                {
                    f"intakes-{i}-id": str(intake.pk),
                    f"intakes-{i}-programme": str(programme.pk),
                    f"intakes-{i}-term": intake.term,
                    f"intakes-{i}-applicants": str(intake.applicants or ""),
                    f"intakes-{i}-enrolled": str(intake.enrolled or ""),
                    f"intakes-{i}-completed": str(intake.completed or ""),
                    f"intakes-{i}-employed_within_6_months": str(intake.employed_within_6_months or ""),
                }
            )
    data.update(overrides)
    return data


@pytest.fixture
def shared(laxa, orebro):
    """A programme given in Laxå and Örebro."""
    return ProgrammeFactory(name_sv="Delad utbildning", municipalities=[laxa, orebro])


@pytest.fixture
def orebro_only(orebro):
    return ProgrammeFactory(name_sv="Bara Örebro", municipalities=[orebro])


def test_officer_lists_only_programmes_of_their_municipalities(client, laxa_officer, shared, orebro_only):
    client.force_login(laxa_officer)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert [p.name_sv for p in response.context["cl"].result_list] == ["Delad utbildning"]


def test_officer_cannot_open_another_municipalitys_programme(client, laxa_officer, orebro_only):
    client.force_login(laxa_officer)
    assert client.get(change_url(orebro_only)).status_code == 404
    response = client.post(
        change_url(orebro_only), form_data(municipalities=[str(orebro_only.municipalities.get().pk)])
    )
    assert response.status_code == 404
    orebro_only.refresh_from_db()
    assert orebro_only.name_sv == "Bara Örebro"


def test_officer_is_offered_only_their_municipalities(client, laxa_officer, shared, laxa):
    client.force_login(laxa_officer)
    form = client.get(change_url(shared), HTTP_ACCEPT_LANGUAGE="en").context["adminform"].form
    assert list(form.fields["municipalities"].queryset) == [laxa]
    assert "Also given in Örebro" in str(form.fields["municipalities"].help_text)


def test_officer_creates_a_programme_in_their_municipality(client, laxa_officer, laxa):
    client.force_login(laxa_officer)
    response = client.post("/admin/skills/programme/add/", form_data(municipalities=[str(laxa.pk)]))
    assert response.status_code == 302
    programme = Programme.objects.get(name_sv="Lastbilsförare")
    assert list(programme.municipalities.all()) == [laxa]
    assert programme.created_by == laxa_officer


def test_officer_cannot_forge_another_municipality(client, laxa_officer, laxa, orebro):
    client.force_login(laxa_officer)
    response = client.post(
        "/admin/skills/programme/add/", form_data(municipalities=[str(laxa.pk), str(orebro.pk)])
    )
    assert response.status_code == 200  # the form comes back with an error
    assert response.context["adminform"].form.errors["municipalities"]
    assert not Programme.objects.filter(name_sv="Lastbilsförare").exists()


def test_officer_edit_keeps_the_municipalities_they_cannot_see(client, laxa_officer, shared, laxa, orebro):
    IntakeFactory(programme=shared, term="HT2023")
    client.force_login(laxa_officer)
    response = client.post(
        change_url(shared), form_data(shared, name_sv="Nytt namn", municipalities=[str(laxa.pk)])
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.name_sv == "Nytt namn"
    assert set(shared.municipalities.all()) == {laxa, orebro}
    assert shared.updated_by == laxa_officer


def test_officer_edits_intakes_inline_and_impossible_numbers_are_refused(client, laxa_officer, laxa):
    programme = ProgrammeFactory(municipalities=[laxa])
    intake = IntakeFactory(
        programme=programme, term="HT2023", enrolled=20, completed=16, employed_within_6_months=12
    )
    client.force_login(laxa_officer)
    data = form_data(programme, name_sv=programme.name_sv, municipalities=[str(laxa.pk)])
    data["intakes-0-completed"] = "25"
    response = client.post(change_url(programme), data)
    assert response.status_code == 200
    intake.refresh_from_db()
    assert intake.completed == 16
    data["intakes-0-completed"] = "18"
    assert client.post(change_url(programme), data).status_code == 302
    intake.refresh_from_db()
    assert intake.completed == 18


def test_regional_admin_sees_and_edits_every_programme(
    client, regional_admin, shared, orebro_only, laxa, orebro
):
    client.force_login(regional_admin)
    assert {p.name_sv for p in client.get(CHANGELIST).context["cl"].result_list} == {
        "Delad utbildning",
        "Bara Örebro",
    }
    response = client.post(
        change_url(shared), form_data(shared, name_sv="Delad", municipalities=[str(laxa.pk)])
    )
    assert response.status_code == 302
    assert list(Programme.objects.get(pk=shared.pk).municipalities.all()) == [laxa]


# --- region-wide records ----------------------------------------------------------------------------
REGIONAL_MODELS = [
    (
        "occupation",
        lambda: OccupationFactory(ssyk="7231", name_sv="Mekaniker"),
        {"ssyk": "7231", "name_sv": "Ändrat", "name_en": "", "jobtech_concept_id": ""},
        Occupation,
        "name_sv",
    ),
    (
        "industry",
        lambda: IndustryFactory(sni_code="49.41", name_sv="Vägtransport"),
        {
            "sni_code": "49.41",
            "sni_version": "2007",
            "name_sv": "Ändrat",
            "name_en": "",
            "sector": "logistics",
        },
        Industry,
        "name_sv",
    ),
    (
        "partner",
        lambda: PartnerFactory(name="Åkeri", kind="company"),
        {"name": "Ändrat", "kind": "company", "url": ""},
        Partner,
        "name",
    ),
    ("shortageassessment", lambda: AssessmentFactory(note="gammal"), None, ShortageAssessment, "note"),
]


def assessment_data(obj):
    return {
        "occupation": str(obj.occupation_id),
        "region_code": "18",
        "period": "2025-2",
        "recruitment": "brist",
        "outlook": "oka",
        "job_opportunities": "",
        "source": "",
        "note": "Ändrat",
    }


@pytest.mark.parametrize("model, make, data, cls, field", REGIONAL_MODELS)
def test_officer_views_but_cannot_change_region_wide_records(
    client, laxa_officer, model, make, data, cls, field
):
    obj = make()
    before = getattr(obj, field)
    client.force_login(laxa_officer)
    assert client.get(f"/admin/skills/{model}/").status_code == 200
    page = client.get(f"/admin/skills/{model}/{obj.pk}/change/")
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    payload = data or assessment_data(obj)
    assert client.post(f"/admin/skills/{model}/{obj.pk}/change/", payload).status_code == 403
    assert client.get(f"/admin/skills/{model}/add/").status_code == 403
    assert client.post(f"/admin/skills/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    obj.refresh_from_db()
    assert getattr(obj, field) == before


@pytest.mark.parametrize("model, make, data, cls, field", REGIONAL_MODELS)
def test_regional_admin_changes_region_wide_records(client, regional_admin, model, make, data, cls, field):
    obj = make()
    client.force_login(regional_admin)
    payload = data or assessment_data(obj)
    response = client.post(f"/admin/skills/{model}/{obj.pk}/change/", payload)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else None
    )
    obj.refresh_from_db()
    assert getattr(obj, field) == "Ändrat"


def test_assessment_region_must_be_county_country_or_a_known_municipality(client, regional_admin, laxa):
    obj = AssessmentFactory()
    client.force_login(regional_admin)
    for code, ok in [("1860", True), ("00", True), ("9999", False), ("17", False)]:
        payload = {**assessment_data(obj), "region_code": code}
        response = client.post(f"/admin/skills/shortageassessment/{obj.pk}/change/", payload)
        assert (response.status_code == 302) is ok, code


def test_officer_cannot_delete_a_shared_programme(client, laxa_officer, shared):
    client.force_login(laxa_officer)
    assert client.post(f"/admin/skills/programme/{shared.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [shared.pk], "post": "yes"}
    )
    assert response.status_code == 403
    assert Programme.objects.filter(pk=shared.pk).exists()


def test_officer_deletes_a_programme_only_of_their_own(client, laxa_officer, laxa):
    own = ProgrammeFactory(municipalities=[laxa])
    client.force_login(laxa_officer)
    response = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Programme.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("username", ["regional", "officer"])
def test_every_skills_admin_page_renders_with_the_demo_data(client, county, username):
    from django.core.management import call_command

    from tests.factories import make_officer

    call_command("demo_skills", verbosity=0)
    user = (
        make_officer(username="regional", regional=True)
        if username == "regional"
        else make_officer(county["1861"], username="hallsberg_officer")
    )
    client.force_login(user)
    for model, objects in [
        ("programme", Programme.objects.filter(municipalities=county["1861"])),
        ("occupation", Occupation.objects.all()),
        ("industry", Industry.objects.all()),
        ("partner", Partner.objects.all()),
        ("shortageassessment", ShortageAssessment.objects.all()),
    ]:
        assert client.get(f"/admin/skills/{model}/").status_code == 200, model
        assert client.get(f"/admin/skills/{model}/{objects.first().pk}/change/").status_code == 200, model
    assert client.get("/admin/skills/programme/add/").status_code == 200
    status = client.get("/admin/skills/shortageassessment/import/").status_code
    assert status == (200 if username == "regional" else 403)


def test_an_all_of_policy_hides_shared_programmes(rf, laxa_officer, shared, laxa):
    """The sharing rule is a declared policy: the same admin with ALL_OF shows only programmes
    given in the officer's municipalities alone, and refuses to change a shared one."""
    from django.contrib import admin

    from brorebro.admin import ALL_OF, ANY_OF
    from skills.admin import ProgrammeAdmin

    own = ProgrammeFactory(name_sv="Bara Laxå", municipalities=[laxa])

    class AllOfProgrammeAdmin(ProgrammeAdmin):
        shared_policy = ALL_OF

    request = rf.get(CHANGELIST)
    request.user = laxa_officer
    any_of, all_of = ProgrammeAdmin(Programme, admin.site), AllOfProgrammeAdmin(Programme, admin.site)
    assert any_of.shared_policy == ANY_OF
    assert set(any_of.get_queryset(request)) == {shared, own}
    assert list(all_of.get_queryset(request)) == [own]
    assert any_of.has_change_permission(request, shared)
    assert not all_of.has_change_permission(request, shared)
    assert not any_of.has_delete_permission(request, shared)
    assert any_of.has_delete_permission(request, own)
