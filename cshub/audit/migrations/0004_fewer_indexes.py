"""child_id is indexed with action and time (audit_child_action), as a child's trail is
read: its own index only cost every write. Dropped with plain SQL, not AlterField, because
on SQLite AlterField rebuilds the table and would lose the append-only triggers."""

from django.db import migrations, models

INDEX = "audit_auditevent_child_id_64658f17"


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_alter_auditevent_action"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX};",
                    f"CREATE INDEX {INDEX} ON audit_auditevent (child_id);",
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="child_id",
                    field=models.BigIntegerField(blank=True, null=True),
                ),
            ],
        ),
    ]
