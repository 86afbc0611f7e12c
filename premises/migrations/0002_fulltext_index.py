"""A GIN index for the Swedish full-text search, on PostgreSQL only.

SpatiaLite has no full-text search of this kind (the search falls back to
icontains there), so the operation does nothing on other databases. The indexed
expression must stay the same as `premises.models.fulltext_vector()`, or the
planner will not use the index; the test suite checks that it does.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

FULLTEXT_INDEX = GinIndex(
    SearchVector("title", "description_sv", "description_en", "street", "locality", config="swedish"),
    name="premises_fulltext_idx",
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("premises", "Premises"), FULLTEXT_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("premises", "Premises"), FULLTEXT_INDEX)


class Migration(migrations.Migration):
    dependencies = [("premises", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
