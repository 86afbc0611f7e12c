"""Free text that matches Swedish word forms and ignores accents (issue 16).

`search_text` holds the plot's searched fields as normalised words and their stems
(brorebro.textsearch), filled here for the existing rows and by `LandPlot.save()` from
now on. On PostgreSQL a trigram GIN index on it serves the LIKE patterns the search uses
on both databases.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

from brorebro.textsearch import search_text_of

# The searched fields as of this migration (land.models.SEARCH_FIELDS).
SEARCH_FIELDS = (
    "name",
    "area_name",
    "plan_id",
    "external_ref",
    "municipality.name",
    "description_sv",
    "description_en",
)
INDEX = GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="land_plot_search_idx")
BATCH = 500


def fill_search_text(apps, schema_editor):
    LandPlot = apps.get_model("land", "LandPlot")
    pks = list(LandPlot.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = list(
            LandPlot.objects.filter(pk__in=pks[start : start + BATCH])
            .select_related("municipality")
            .only(*(path.replace(".", "__") for path in SEARCH_FIELDS))
        )
        for plot in batch:
            plot.search_text = search_text_of(plot, SEARCH_FIELDS)
        LandPlot.objects.bulk_update(batch, ["search_text"])


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Trusted since PostgreSQL 13: a database owner may create it without superuser rights.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.add_index(apps.get_model("land", "LandPlot"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("land", "LandPlot"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("land", "0003_one_line_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="landplot",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search words"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(add_index, drop_index),
    ]
