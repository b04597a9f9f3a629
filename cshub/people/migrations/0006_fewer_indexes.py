"""Indexes nothing reads by: those covered by a composite index with the same leading
column, and foreign keys never searched by. Dropped with plain SQL, not AlterField: on
SQLite AlterField rebuilds the table, which is slow on a large database and resets the
AUTOINCREMENT high-water mark (ids of deleted rows could come back)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_alter_timelineentry_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS people_timelineentry_occurred_at_576484b6;",
                    "CREATE INDEX people_timelineentry_occurred_at_576484b6 ON people_timelineentry (occurred_at);",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS people_timelineentry_person_id_04aef10c;",
                    "CREATE INDEX people_timelineentry_person_id_04aef10c ON people_timelineentry (person_id);",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS people_timelineentry_recorded_by_id_7b4d2177;",
                    "CREATE INDEX people_timelineentry_recorded_by_id_7b4d2177 ON people_timelineentry (recorded_by_id);",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS people_timelineentry_significant_marked_by_id_d2ac3d5e;",
                    "CREATE INDEX people_timelineentry_significant_marked_by_id_d2ac3d5e ON people_timelineentry (significant_marked_by_id);",
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="timelineentry",
                    name="occurred_at",
                    field=models.DateTimeField(),
                ),
                migrations.AlterField(
                    model_name="timelineentry",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="timeline",
                        to="people.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="timelineentry",
                    name="recorded_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="timelineentry",
                    name="significant_marked_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
