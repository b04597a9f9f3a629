"""The meeting type a joint operation's meetings use. meetings seeded it (code
"joint-operation"); a hub that removed it gets it back, as data the hub can change."""

from typing import Any

from django.db import migrations


def ensure(apps: Any, schema_editor: Any) -> None:
    MeetingType = apps.get_model("meetings", "MeetingType")
    # A migration runs once, alone; MeetingType.code is unique if two ever raced.
    MeetingType.objects.get_or_create(
        code="joint-operation",
        defaults={
            "name": "Joint operation meeting",
            "cadence": "AS_NEEDED",
            "sources": [],
            "description": "About a group of children and adults, a location or an operation, possibly "
            "with several authorities: items are added by hand.",
            "order": 99,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("disruption", "0001_initial"), ("meetings", "0005_agenda_item_sources")]

    operations = [migrations.RunPython(ensure, migrations.RunPython.noop)]
