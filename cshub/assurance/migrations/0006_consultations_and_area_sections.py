from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assurance", "0005_cached_figures"),
    ]

    operations = [
        migrations.AlterField(
            model_name="commentary",
            name="section",
            field=models.CharField(
                choices=[
                    ("demand", "Who we work with"),
                    ("missing", "Children missing from home and care"),
                    ("impact", "What difference are we making?"),
                    ("practice", "How well are we doing?"),
                    ("disruption", "What did we do about those who exploit children?"),
                    ("consultations", "Consultations: advice to professionals"),
                    ("area", "Whole area: every child at risk of exploitation"),
                ],
                max_length=16,
            ),
        ),
    ]
