"""Create (or update) an officer account for the admin site."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from brorebro.models import Municipality, Officer

OFFICER_GROUP = "Officers"
# Officers manage everything in these apps, scoped to their municipalities by the admin.
OFFICER_APPS = ["premises", "land", "surveys", "skills", "establishment"]
OFFICER_CORE_PERMISSIONS = [
    "view_municipality",
    "change_municipality",
    "view_inquiry",
    "change_inquiry",
]


def officer_group() -> Group:
    group, _created = Group.objects.get_or_create(name=OFFICER_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label__in=OFFICER_APPS
    ) | Permission.objects.filter(content_type__app_label="brorebro", codename__in=OFFICER_CORE_PERMISSIONS)
    group.permissions.set(permissions)
    return group


class Command(BaseCommand):
    help = "Create an officer who can edit the listings of the given municipalities."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--municipality",
            action="append",
            default=[],
            metavar="CODE",
            help="municipality code, repeatable (e.g. --municipality 1860)",
        )
        parser.add_argument(
            "--regional", action="store_true", help="regional administrator: all municipalities"
        )
        parser.add_argument(
            "--password", help="set this password (default: prompt-free random, print a reset hint)"
        )

    @transaction.atomic
    def handle(self, *args, **options):
        codes = options["municipality"]
        if not codes and not options["regional"]:
            raise CommandError("Give at least one --municipality CODE, or --regional.")
        municipalities = list(Municipality.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {m.code for m in municipalities})
        if unknown:
            raise CommandError(f"Unknown municipality code(s): {', '.join(unknown)}")
        User = get_user_model()
        user, created = User.objects.get_or_create(username=options["username"])
        user.is_staff = True
        if options["email"]:
            user.email = options["email"]
        if options["password"]:
            user.set_password(options["password"])
        elif created:
            user.set_unusable_password()
        user.save()
        user.groups.add(officer_group())
        officer, _ = Officer.objects.get_or_create(user=user)
        officer.is_regional_admin = options["regional"]
        officer.save()
        officer.municipalities.set(municipalities)
        scope = "all municipalities" if options["regional"] else ", ".join(m.name for m in municipalities)
        self.stdout.write(
            self.style.SUCCESS(f"{'Created' if created else 'Updated'} officer {user.username}: {scope}.")
        )
        if not options["password"] and created:
            self.stdout.write(f"Set a password with: manage.py changepassword {user.username}")
