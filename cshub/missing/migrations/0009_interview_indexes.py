"""Two more foreign keys of return interviews that nothing searches by (who interviewed,
the referral an interview led to): every import writes thousands of interviews, and each
index is a B-tree insert per row. Dropped with plain SQL, as in 0008 (AlterField would
rebuild the table on SQLite)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("missing", "0008_fewer_indexes"),
        ("referrals", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS missing_returninterview_interviewer_id_82c88b7f;",
                    "CREATE INDEX missing_returninterview_interviewer_id_82c88b7f ON missing_returninterview (interviewer_id);",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS missing_returninterview_follow_up_referral_id_0bb534da;",
                    "CREATE INDEX missing_returninterview_follow_up_referral_id_0bb534da "
                    "ON missing_returninterview (follow_up_referral_id);",
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="returninterview",
                    name="interviewer",
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
                    name="follow_up_referral",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="referrals.referral",
                    ),
                ),
            ],
        ),
    ]
