"""Free text that matches Swedish word forms and ignores accents (issue 16).

`search_text` holds the listing's searched fields as normalised words and their stems
(brorebro.textsearch), filled here for the existing rows and by `Premises.save()` from
now on. On PostgreSQL the Swedish full-text index on the raw fields (0002) gives way to a
trigram GIN index on `search_text`, which serves the LIKE patterns the search uses on
both databases; it keeps the name premises_fulltext_idx.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

from brorebro.textsearch import search_text_of

# The searched fields as of this migration (premises.models.SEARCH_FIELDS).
SEARCH_FIELDS = ("title", "description_sv", "description_en", "street", "locality", "municipality.name")
OLD_INDEX = GinIndex(
    SearchVector("title", "description_sv", "description_en", "street", "locality", config="swedish"),
    name="premises_fulltext_idx",
)
NEW_INDEX = GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="premises_fulltext_idx")
BATCH = 500


def fill_search_text(apps, schema_editor):
    Premises = apps.get_model("premises", "Premises")
    pks = list(Premises.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = list(
            Premises.objects.filter(pk__in=pks[start : start + BATCH])
            .select_related("municipality")
            .only(*(path.replace(".", "__") for path in SEARCH_FIELDS))
        )
        for premises in batch:
            premises.search_text = search_text_of(premises, SEARCH_FIELDS)
        Premises.objects.bulk_update(batch, ["search_text"])


def use_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Trusted since PostgreSQL 13: a database owner may create it without superuser rights.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        model = apps.get_model("premises", "Premises")
        schema_editor.remove_index(model, OLD_INDEX)
        schema_editor.add_index(model, NEW_INDEX)


def use_fulltext_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        model = apps.get_model("premises", "Premises")
        schema_editor.remove_index(model, NEW_INDEX)
        schema_editor.add_index(model, OLD_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("premises", "0006_secure_legacy_floor_plans"),
    ]

    operations = [
        migrations.AddField(
            model_name="premises",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search words"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(use_trigram_index, use_fulltext_index),
    ]
