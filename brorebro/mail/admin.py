"""Outgoing e-mails in the admin: what is queued, sent or failed, and why; failed ones can be sent again.

The messages hold personal data (inquiries, alert addresses), so only users given the
model's view permission (in practice regional administrators) see them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from brorebro.mail.models import OutgoingEmail, Status
from brorebro.mail.tasks import schedule


@admin.action(description=_("Send the selected failed e-mails again"), permissions=["view"])
def send_again(modeladmin, request, queryset) -> None:
    count = 0
    with transaction.atomic():
        for message in queryset.select_for_update().filter(status=Status.FAILED):
            message.status = Status.QUEUED
            message.attempts = 0
            message.next_attempt_at = None
            message.save(update_fields=["status", "attempts", "next_attempt_at"])
            schedule(message)
            count += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
        % {"count": count},
        messages.SUCCESS,
    )


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "recipient_list",
        "purpose",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "purpose"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    actions = [send_again]
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]

    @admin.display(description=_("recipients"))
    def recipient_list(self, obj: OutgoingEmail) -> str:
        return ", ".join(obj.recipients)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
