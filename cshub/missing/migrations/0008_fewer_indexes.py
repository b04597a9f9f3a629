"""Indexes nothing reads by: those covered by a composite index with the same leading
column, and foreign keys never searched by. Dropped with plain SQL, not AlterField: on
SQLite AlterField rebuilds the table, which is slow on a large database and resets the
AUTOINCREMENT high-water mark (ids of deleted rows could come back)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("missing", "0007_held_reports"),
        ("people", "0006_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS missing_missingepisode_person_id_b0e8613e;",
                    "CREATE INDEX missing_missingepisode_person_id_b0e8613e ON missing_missingepisode (person_id);",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS missing_missingepisode_recorded_by_id_74a720b8;",
                    "CREATE INDEX missing_missingepisode_recorded_by_id_74a720b8 ON missing_missingepisode (recorded_by_id);",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS missing_returninterview_recorded_by_id_4c9d6533;",
                    "CREATE INDEX missing_returninterview_recorded_by_id_4c9d6533 ON missing_returninterview (recorded_by_id);",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS missing_returninterview_reviewed_by_id_b04eed44;",
                    "CREATE INDEX missing_returninterview_reviewed_by_id_b04eed44 ON missing_returninterview (reviewed_by_id);",
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="missingepisode",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="missing_episodes",
                        to="people.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="missingepisode",
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
                    model_name="returninterview",
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
                    model_name="returninterview",
                    name="reviewed_by",
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
