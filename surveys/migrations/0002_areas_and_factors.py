"""The six authority areas and six service factors of the survey (SKR's Insikt)."""

from django.db import migrations

AREAS = [
    ("bygglov", "Bygglov", "Building permits"),
    ("miljo_halsoskydd", "Miljö- och hälsoskydd", "Environmental and health protection"),
    ("livsmedelskontroll", "Livsmedelskontroll", "Food control"),
    ("brandskydd", "Brandskydd", "Fire protection"),
    ("serveringstillstand", "Serveringstillstånd", "Alcohol licences"),
    ("markupplatelse", "Markupplåtelse", "Use of public land"),
]
FACTORS = [
    ("information", "Information", "Information"),
    ("tillganglighet", "Tillgänglighet", "Accessibility"),
    ("bemotande", "Bemötande", "Treatment"),
    ("kompetens", "Kompetens", "Competence"),
    ("rattssakerhet", "Rättssäkerhet", "Legal certainty"),
    ("effektivitet", "Effektivitet", "Efficiency"),
]


def create(apps, schema_editor):
    for model_name, rows in (("AuthorityArea", AREAS), ("ServiceFactor", FACTORS)):
        model = apps.get_model("surveys", model_name)
        for order, (slug, name_sv, name_en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                slug=slug, defaults={"name_sv": name_sv, "name_en": name_en, "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
