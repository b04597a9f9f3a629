from typing import Any

from django.db import migrations, models


def first_row(apps: Any, schema_editor: Any) -> None:
    # A migration runs once, alone (no concurrent callers); at run time bump() is an UPDATE
    # and makes the row with ignore_conflicts if a flush removed it.
    apps.get_model("core", "DataVersion").objects.get_or_create(pk=1, defaults={"n": 0})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_heartbeat")]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("n", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
