"""The default triggers for the missing panel (a hub changes them on the Triggers page)."""

from django.db import migrations

RULES = [
    ("REPEAT", 3, 90),
    ("HIGH_RISK", None, None),
    ("LONG", 24, None),
    ("YOUNG", 13, None),
    ("ADULT_OF_CONCERN", None, None),
]


def seed(apps, schema_editor):
    TriggerRule = apps.get_model("missing", "TriggerRule")
    for kind, threshold, days in RULES:
        TriggerRule.objects.get_or_create(kind=kind, defaults={"threshold": threshold, "days": days})


def unseed(apps, schema_editor):
    apps.get_model("missing", "TriggerRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("missing", "0003_triggers")]
    operations = [migrations.RunPython(seed, unseed)]
