"""A hotspot place's alert is raised once a quarter (`schedule.place_source`:
"place:<id>:<quarter>"), no longer once ever ("place:<id>"). Alerts raised under the old
source are renamed to the quarter they were raised in, so a place told this quarter is not
told again when this version starts."""

import datetime as dt

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def quarter_of(day: dt.date) -> str:
    year = day.year if day.month >= 4 else day.year - 1
    return f"{year}-Q{(day.month - 4) % 12 // 3 + 1}"


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    raised = apps.get_model("regional", "RaisedAlert")
    for alert in raised.objects.filter(type="place_border").exclude(source__regex=r"^place:\d+:"):
        alert.source = f"{alert.source}:{quarter_of(alert.when)}"
        alert.save(update_fields=["source"])


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    raised = apps.get_model("regional", "RaisedAlert")
    seen: set[str] = set()
    for alert in raised.objects.filter(type="place_border").order_by("when", "pk"):
        old = ":".join(alert.source.split(":")[:2])
        if old in seen:  # once ever again: the later quarters' alerts of a place go
            alert.delete()
            continue
        seen.add(old)
        alert.source = old
        alert.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("regional", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
