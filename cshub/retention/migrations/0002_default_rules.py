"""The default retention rules (docs/data-protection.md): a council changes them on the
Retention page to what its own policy says.

- A child's record: until their 25th birthday (the common local-authority period for
  children's social care records that are not looked-after or adoption records).
- An adult's record (adults of concern, carers named in the index): 6 years after the last
  activity on the record.
"""

from django.db import migrations

DEFAULTS = [
    ("CHILD", "AGE", 25, "Kept until the child's 25th birthday (the default: set the council's policy)."),
    (
        "ADULT",
        "LAST_ACTIVITY",
        6,
        "Kept 6 years after the last activity (the default: set the council's policy).",
    ),
]


def seed(apps, schema_editor):
    rule_model = apps.get_model("retention", "RetentionRule")
    for record_type, basis, years, policy in DEFAULTS:
        rule_model.objects.get_or_create(
            record_type=record_type, defaults={"basis": basis, "years": years, "policy": policy}
        )


def unseed(apps, schema_editor):
    apps.get_model("retention", "RetentionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
