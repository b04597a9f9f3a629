"""Every token has an expiry (0012 gave existing tokens one). A migration of its own: on
PostgreSQL, altering the table in the transaction that updated its rows can meet pending
trigger events."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("access", "0013_token_scope_expiry_role_requests")]

    operations = [
        migrations.AlterField(model_name="apitoken", name="expires_at", field=models.DateTimeField()),
    ]
