import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations, models

LONDON = ZoneInfo("Europe/London")
BATCH = 2000


def date_only_from_midday(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Entries written before this migration with a date only were stamped at exactly local
    midday: mark them date-only and move them to the start of their day."""
    entry = apps.get_model("people", "TimelineEntry")
    candidates = entry.objects.filter(
        occurred_at__hour=12, occurred_at__minute=0, occurred_at__second=0
    ).only("pk", "occurred_at")
    changed = []
    for row in candidates.iterator(chunk_size=BATCH):
        local = row.occurred_at.astimezone(LONDON)
        if local.microsecond or (local.hour, local.minute, local.second) != (12, 0, 0):
            continue
        row.occurred_at = dt.datetime.combine(local.date(), dt.time(0), LONDON).astimezone(dt.UTC)
        row.date_only = True
        changed.append(row)
        if len(changed) >= BATCH:
            entry.objects.bulk_update(changed, ["occurred_at", "date_only"])
            changed = []
    entry.objects.bulk_update(changed, ["occurred_at", "date_only"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0010_timeline_intelligence_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="timelineentry",
            name="date_only",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(date_only_from_midday, migrations.RunPython.noop, elidable=True),
    ]
