"""The case admin: an Örebro officer cannot see a Laxå-only case by any path; the workflow and the proposal."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from establishment.models import CaseNote, CaseStatus, EstablishmentRequest, ProposalItem
from premises.models import Kind

CHANGELIST = "/admin/establishment/establishmentrequest/"


@pytest.fixture(autouse=True)
def _admin_in_english(client):
    # The admin follows the browser's language; these tests read its English messages.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def change_url(case) -> str:
    return f"{CHANGELIST}{case.pk}/change/"


@pytest.fixture
def laxa_case(request_factory, laxa):
    return request_factory(
        company_name="Hemligt Lager AB", contact_email="vd@hemligt.example", concerned=[laxa]
    )


@pytest.fixture
def orebro_case(request_factory, orebro):
    return request_factory(company_name="Öppen Logistik AB", concerned=[orebro])


def form_data(case, **changes) -> dict:
    data = {
        "status": case.status,
        "assigned_officer": "",
        "established_municipality": "",
        "established_where": "",
        "established_jobs": "",
        "established_on": "",
        "proposal_items-TOTAL_FORMS": "0",
        "proposal_items-INITIAL_FORMS": "0",
        "notes-TOTAL_FORMS": "0",
        "notes-INITIAL_FORMS": "0",
        "recruitments-TOTAL_FORMS": "0",
        "recruitments-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_orebro_officer_does_not_see_a_laxa_case_in_the_changelist(
    client, orebro_officer, laxa_case, orebro_case
):
    client.force_login(orebro_officer)
    html = client.get(CHANGELIST).content.decode()
    assert "Öppen Logistik AB" in html
    assert "Hemligt Lager AB" not in html
    assert "Hemligt Lager AB" not in client.get(f"{CHANGELIST}?q=Hemligt").content.decode()


@pytest.mark.parametrize("suffix", ["change/", "history/", "delete/", "publish/"])
def test_orebro_officer_gets_404_on_every_url_of_a_laxa_case(client, orebro_officer, laxa_case, suffix):
    client.force_login(orebro_officer)
    response = client.get(f"{CHANGELIST}{laxa_case.pk}/{suffix}")
    assert response.status_code == 404
    assert "vd@hemligt.example" not in response.content.decode()


def test_a_forged_post_to_a_laxa_case_changes_nothing(client, orebro_officer, laxa_case):
    client.force_login(orebro_officer)
    response = client.post(change_url(laxa_case), form_data(laxa_case, status=CaseStatus.IN_PROGRESS))
    assert response.status_code == 404
    response = client.post(f"{CHANGELIST}{laxa_case.pk}/publish/")
    assert response.status_code == 404
    laxa_case.refresh_from_db()
    assert laxa_case.status == CaseStatus.NEW and laxa_case.proposal_published_at is None


def test_the_export_leaves_out_a_forged_laxa_case(client, orebro_officer, laxa_case, orebro_case):
    client.force_login(orebro_officer)
    response = client.post(
        CHANGELIST, {"action": "export_cases", "_selected_action": [laxa_case.pk, orebro_case.pk]}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Öppen Logistik AB" in text
    assert "Hemligt" not in text and "vd@hemligt.example" not in text


def test_a_laxa_officer_and_the_regional_admin_see_the_case(client, laxa_officer, regional_admin, laxa_case):
    for user in (laxa_officer, regional_admin):
        client.force_login(user)
        response = client.get(change_url(laxa_case))
        assert response.status_code == 200
        assert "vd@hemligt.example" in response.content.decode()


def test_a_case_shared_by_two_municipalities_is_seen_by_both(
    client, orebro_officer, request_factory, orebro, laxa
):
    case = request_factory(company_name="Delat AB", concerned=[orebro, laxa])
    client.force_login(orebro_officer)
    assert client.get(change_url(case)).status_code == 200
    response = client.post(change_url(case), form_data(case, status=CaseStatus.IN_PROGRESS))
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert set(case.concerned_municipalities.all()) == {orebro, laxa}  # Laxå kept


def test_the_status_follows_the_workflow(client, laxa_officer, laxa_case):
    client.force_login(laxa_officer)
    response = client.post(change_url(laxa_case), form_data(laxa_case, status=CaseStatus.SITE_VISIT))
    assert response.status_code == 200
    assert "cannot go from" in response.content.decode()
    laxa_case.refresh_from_db()
    assert laxa_case.status == CaseStatus.NEW


def test_an_established_case_needs_its_outcome(client, laxa_officer, laxa_case, laxa):
    laxa_case.status = CaseStatus.SITE_VISIT
    laxa_case.save()
    client.force_login(laxa_officer)
    response = client.post(change_url(laxa_case), form_data(laxa_case, status=CaseStatus.ESTABLISHED))
    assert response.status_code == 200
    assert "Record this when the case ends as established." in response.content.decode()
    response = client.post(
        change_url(laxa_case),
        form_data(
            laxa_case,
            status=CaseStatus.ESTABLISHED,
            established_municipality=laxa.pk,
            established_where="Logistiklager vid E20",
            established_jobs="40",
            established_on="2027-03-01",
        ),
    )
    assert response.status_code == 302
    laxa_case.refresh_from_db()
    assert laxa_case.status == CaseStatus.ESTABLISHED and laxa_case.established_jobs == 40
    assert laxa_case.closed_at is not None


def test_notes_are_added_with_their_author(client, laxa_officer, laxa_case):
    client.force_login(laxa_officer)
    response = client.post(
        change_url(laxa_case),
        form_data(laxa_case, **{"notes-TOTAL_FORMS": "1", "notes-0-text": "Ringde VD:n."}),
    )
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert note.author == laxa_officer and note.text == "Ringde VD:n."


def test_an_officer_proposes_own_listings_only(
    client, laxa_officer, laxa_case, premises_factory, laxa, orebro
):
    own = premises_factory(municipality=laxa, title="Laxå lager", kind=Kind.WAREHOUSE)
    foreign = premises_factory(municipality=orebro, title="Örebro lager", kind=Kind.WAREHOUSE)
    client.force_login(laxa_officer)
    html = client.get(change_url(laxa_case)).content.decode()
    assert "Laxå lager" in html and "Örebro lager" not in html
    items = {"proposal_items-TOTAL_FORMS": "1", "proposal_items-0-note": "Nära E20."}
    response = client.post(
        change_url(laxa_case), form_data(laxa_case, **items, **{"proposal_items-0-premises": foreign.pk})
    )
    assert response.status_code == 200 and not ProposalItem.objects.exists()
    response = client.post(
        change_url(laxa_case), form_data(laxa_case, **items, **{"proposal_items-0-premises": own.pk})
    )
    assert response.status_code == 302
    item = ProposalItem.objects.get()
    assert item.premises == own and item.municipality == laxa and item.added_by == laxa_officer


def test_only_the_coordinator_publishes_and_the_company_is_told(
    client,
    laxa_officer,
    regional_admin,
    laxa_case,
    premises_factory,
    laxa,
    django_capture_on_commit_callbacks,
):
    listing = premises_factory(municipality=laxa, title="Laxå lager")
    ProposalItem.objects.create(case=laxa_case, premises=listing, note="Bra läge.")
    client.force_login(laxa_officer)
    assert "Publish the proposal" not in client.get(change_url(laxa_case)).content.decode()
    assert client.post(f"{CHANGELIST}{laxa_case.pk}/publish/").status_code == 403
    client.force_login(regional_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{CHANGELIST}{laxa_case.pk}/publish/")
    assert response.status_code == 302
    laxa_case.refresh_from_db()
    assert laxa_case.proposal_published_at is not None and laxa_case.status == CaseStatus.PROPOSAL_SENT
    assert len(mail.outbox) == 1 and laxa_case.token in mail.outbox[0].body
    page = client.get(f"/en/establish/r/{laxa_case.token}/").content.decode()
    assert "Our proposal" in page and "Laxå lager" in page and "Bra läge." in page


def test_personal_data_is_anonymised_after_the_retention(request_factory, laxa, settings):
    from django.core.management import call_command

    old = request_factory(status=CaseStatus.WITHDRAWN, free_text="Hemlig plan", concerned=[laxa])
    EstablishmentRequest.objects.filter(pk=old.pk).update(
        closed_at=timezone.now() - timezone.timedelta(days=800)
    )
    recent = request_factory(status=CaseStatus.WITHDRAWN, concerned=[laxa])
    open_case = request_factory(concerned=[laxa])
    CaseNote.objects.create(case=old, text="Personlig anteckning")
    call_command("purge_establishment_requests", verbosity=0)
    old.refresh_from_db()
    recent.refresh_from_db()
    open_case.refresh_from_db()
    assert old.anonymised_at is not None and old.contact_email == "anonymised@invalid" and old.free_text == ""
    assert old.notes.get().text == "–"
    assert recent.anonymised_at is None and open_case.anonymised_at is None
    assert not hasattr(old.history.model, "contact_email")  # never copied into the history
