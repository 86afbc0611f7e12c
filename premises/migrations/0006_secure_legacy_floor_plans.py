"""Floor plans stored before uploads got random names kept the uploader's name and extension
(e.g. `plan.html`, readable by anyone who guesses it). Each one is checked as a whole PDF now:
a readable one moves to a random `.pdf` name, anything else is removed from its listing and
deleted (it never was a floor plan). Photos already had random names."""

import logging
import re

from django.core.exceptions import ValidationError
from django.db import migrations

from brorebro.uploads import validate_pdf_upload

logger = logging.getLogger(__name__)
RANDOM_NAME = re.compile(r"^premises/floor-plans/\d{4}/[0-9a-f]{32}\.pdf$")


def secure_legacy_floor_plans(apps, schema_editor):
    Premises = apps.get_model("premises", "Premises")
    for premises in Premises.objects.exclude(floor_plan="").only("pk", "floor_plan").iterator():
        fieldfile = premises.floor_plan
        old = fieldfile.name
        if RANDOM_NAME.match(old):
            continue
        storage = fieldfile.storage
        new = ""
        try:
            with storage.open(old, "rb") as stored:
                validate_pdf_upload(stored)
                stored.seek(0)
                new = storage.save(fieldfile.field.generate_filename(premises, old), stored)
        except (OSError, ValidationError) as error:
            logger.warning("Floor plan %s of premises %s removed: %s", old, premises.pk, error)
        Premises.objects.filter(pk=premises.pk).update(floor_plan=new)
        if storage.exists(old):
            storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [
        ("premises", "0005_one_line_fields"),
    ]

    operations = [
        migrations.RunPython(secure_legacy_floor_plans, migrations.RunPython.noop, elidable=True),
    ]
