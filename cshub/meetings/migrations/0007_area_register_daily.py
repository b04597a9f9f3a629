"""The daily meeting takes children brought from the whole-area register (the agenda rule
AREA_REGISTER, registered by the register room at start-up)."""

from django.db import migrations


def forwards(apps, schema_editor):
    MeetingType = apps.get_model("meetings", "MeetingType")
    for daily in MeetingType.objects.filter(code="daily"):
        if "AREA_REGISTER" not in daily.sources:
            daily.sources = [*daily.sources, "AREA_REGISTER"]
            daily.save(update_fields=["sources"])


def backwards(apps, schema_editor):
    MeetingType = apps.get_model("meetings", "MeetingType")
    for daily in MeetingType.objects.filter(code="daily"):
        if "AREA_REGISTER" in daily.sources:
            daily.sources = [s for s in daily.sources if s != "AREA_REGISTER"]
            daily.save(update_fields=["sources"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_area_register_source"),
        ("intelligence", "0002_seed_and_capture"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
