"""Every e-mail goes through the durable queue (brorebro.mail): stored with the request's data,
delivered by the worker to a real SMTP server, retried with backoff, and shown in the admin
when it fails for good."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from brorebro.mail import send_email
from brorebro.mail.models import OutgoingEmail, Status
from brorebro.models import Inquiry
from tests.premises.factories import PremisesFactory
from tests.smtp import run_worker, text_part

pytestmark = pytest.mark.django_db(transaction=False)

INQUIRY = {
    "name": "Greta Etablerare",
    "company": "Etablering AB",
    "email": "greta@etablering.example.se",
    "phone": "",
    "message": "Vi söker 2 000 m² från årsskiftet.",
    "consent": "on",
}


def test_an_inquiry_is_stored_and_answered_while_smtp_is_down_and_delivered_when_it_is_back(
    client, orebro, smtp_server, settings
):
    premises = PremisesFactory(
        municipality=orebro, title="Kontor vid Järntorget", contact_email="sara@fastighet.example.se"
    )
    smtp_server.stop()

    response = client.post(premises.get_absolute_url(), INQUIRY)
    assert response.status_code == 302
    assert "Tack!" in client.get(response["Location"]).content.decode()
    assert Inquiry.objects.count() == 1
    queued = OutgoingEmail.objects.get()
    assert queued.status == Status.QUEUED and queued.purpose == "inquiry"

    run_worker()  # SMTP is down: the attempt fails and a later one is scheduled
    queued.refresh_from_db()
    assert queued.status == Status.QUEUED and queued.attempts == 1
    assert "Connection refused" in queued.last_error or "Errno" in queued.last_error
    assert queued.next_attempt_at > timezone.now()

    smtp_server.start()
    run_worker()  # not yet due: the backoff is respected
    assert smtp_server.messages == []

    with time_machine.travel(queued.next_attempt_at + dt.timedelta(seconds=1), tick=False):
        run_worker()
    queued.refresh_from_db()
    assert queued.status == Status.SENT and queued.attempts == 2
    [received] = smtp_server.messages
    assert "Kontor vid Järntorget" in received["Subject"]
    assert set(smtp_server.inbox.envelopes[0][1]) == {"sara@fastighet.example.se", orebro.office_email}
    assert "Vi söker 2 000 m² från årsskiftet." in text_part(received)

    run_worker()  # nothing left: delivered once
    assert len(smtp_server.messages) == 1


def test_an_inquiry_and_its_email_are_stored_together_or_not_at_all(client, orebro, smtp_server, monkeypatch):
    premises = PremisesFactory(municipality=orebro)

    class BrokenQueue:
        def enqueue(self, *args, **kwargs):
            raise RuntimeError("queue unavailable")

    monkeypatch.setattr("brorebro.mail.tasks.deliver_email", BrokenQueue())
    with pytest.raises(RuntimeError):
        client.post(premises.get_absolute_url(), INQUIRY)
    assert not Inquiry.objects.exists() and not OutgoingEmail.objects.exists()


def test_retries_double_the_wait_and_give_up_after_the_last_attempt(smtp_server, settings):
    settings.MAIL_MAX_ATTEMPTS = 3
    settings.MAIL_RETRY_SECONDS = 60
    smtp_server.stop()
    message = send_email(["kund@example.se"], "Hej", "Text")
    waits = []
    now = timezone.now()
    for _ in range(3):
        with time_machine.travel(now, tick=False):
            run_worker()
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append((message.next_attempt_at - now).total_seconds())
            now = message.next_attempt_at + dt.timedelta(seconds=1)
    assert waits == [60, 120]
    assert message.status == Status.FAILED and message.attempts == 3
    assert message.next_attempt_at is None


def test_a_failed_email_is_listed_in_the_admin_and_can_be_sent_again(admin_client, smtp_server, settings):
    settings.MAIL_MAX_ATTEMPTS = 1
    smtp_server.stop()
    message = send_email(["kund@example.se"], "Förfrågan / Inquiry: Lager", "Text")
    run_worker()
    message.refresh_from_db()
    assert message.status == Status.FAILED

    page = admin_client.get("/admin/mail/outgoingemail/?status__exact=failed")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Förfrågan / Inquiry: Lager" in html and "kund@example.se" in html

    smtp_server.start()
    response = admin_client.post(
        "/admin/mail/outgoingemail/", {"action": "send_again", "_selected_action": [message.pk]}
    )
    assert response.status_code == 302
    run_worker()
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert [m["Subject"] for m in smtp_server.messages] == ["Förfrågan / Inquiry: Lager"]


def test_a_message_is_sent_with_its_html_part_and_headers(smtp_server):
    send_email(
        ["a@example.se"], "Ämne", "Text", "<p>HTML</p>", headers={"List-Unsubscribe": "<https://x.example/u>"}
    )
    run_worker()
    [received] = smtp_server.messages
    assert received["List-Unsubscribe"] == "<https://x.example/u>"
    assert received.get_body(preferencelist=("html",)).get_content().strip() == "<p>HTML</p>"
    assert text_part(received).strip() == "Text"


def test_old_sent_and_failed_emails_are_purged_and_queued_ones_kept(settings):
    settings.MAIL_KEEP_DAYS = 30
    old = timezone.now() - dt.timedelta(days=31)
    sent = OutgoingEmail.objects.create(
        recipients=["a@example.se"], subject="s", text="t", status=Status.SENT, created_at=old
    )
    failed = OutgoingEmail.objects.create(
        recipients=["a@example.se"], subject="f", text="t", status=Status.FAILED, created_at=old
    )
    queued = OutgoingEmail.objects.create(recipients=["a@example.se"], subject="q", text="t", created_at=old)
    recent = OutgoingEmail.objects.create(
        recipients=["a@example.se"], subject="r", text="t", status=Status.SENT
    )
    from django.core.management import call_command

    call_command("purge_outgoing_email", stdout=open("/dev/null", "w"))
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {queued.pk, recent.pk}
    assert not OutgoingEmail.objects.filter(pk__in=[sent.pk, failed.pk]).exists()


def test_messages_queued_together_are_delivered_and_retried_each_on_its_own(smtp_server):
    from brorebro.mail import send_emails

    good, refused, other = send_emails(
        [
            {"to": ["kund@example.se"], "subject": "Ett", "text": "1"},
            {"to": ["rejected@example.se"], "subject": "Två", "text": "2"},
            {"to": ["annan@example.se"], "subject": "Tre", "text": "3", "html": "<p>3</p>"},
        ]
    )
    run_worker()
    for message in (good, refused, other):
        message.refresh_from_db()
    assert (good.status, other.status) == (Status.SENT, Status.SENT)
    assert refused.status == Status.QUEUED and refused.attempts == 1 and "550" in refused.last_error
    assert sorted(m["Subject"] for m in smtp_server.messages) == ["Ett", "Tre"]


def test_an_smtp_server_that_hangs_counts_as_a_failed_attempt(smtp_server, settings):
    import socket

    with socket.socket() as silent:  # accepts connections, never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.EMAIL_PORT = silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 1
        message = send_email(["kund@example.se"], "Hej", "Text")
        run_worker()
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1
    assert "timed out" in message.last_error.lower() or "timeout" in message.last_error.lower()
