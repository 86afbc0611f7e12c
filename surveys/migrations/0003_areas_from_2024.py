"""The three areas that municipalities may measure from the 2024 survey.

Control of the sale of non-prescription medicines, cadastral matters
(lantmäteriförrättningar) and supervision of the sale of low-alcohol beer (folköl)
and tobacco. They are reported on their own and never count toward the total.
"""

from django.db import migrations

AREAS = [
    ("receptfria_lakemedel", "Tillsyn av receptfria läkemedel", "Non-prescription medicines control", 7),
    ("lantmateri", "Lantmäteriförrättningar", "Cadastral matters", 8),
    ("folkol_tobak", "Tillsyn av folköl och tobak", "Low-alcohol beer and tobacco supervision", 9),
]


def create(apps, schema_editor):
    model = apps.get_model("surveys", "AuthorityArea")
    for slug, name_sv, name_en, order in AREAS:
        model.objects.update_or_create(
            slug=slug, defaults={"name_sv": name_sv, "name_en": name_en, "order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("surveys", "AuthorityArea").objects.filter(
        slug__in=[slug for slug, *_rest in AREAS], responses__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_areas_and_factors")]
    operations = [migrations.RunPython(create, remove)]
