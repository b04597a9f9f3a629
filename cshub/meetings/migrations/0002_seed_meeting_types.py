"""The hub's meetings and their agenda rules (data: a hub changes them without code)."""

from typing import Any

from django.db import migrations

TYPES: list[dict[str, Any]] = [
    {
        "code": "daily",
        "name": "Daily risk meeting",
        "cadence": "DAILY",
        "one_per_day": True,
        "repeat_after_days": 7,
        "sources": [
            "REFERRAL",
            "MISSING_REPORTED",
            "MISSING_RETURNED",
            "INTERVIEW_OVERDUE",
            "FLAGGED",
            "MISSING_TRIGGER",
            "ASSESSMENT_OVERDUE",
            "OVERDUE_ACTION",
        ],
        "description": "Each morning's multi-agency meeting over the last 24 hours: new referrals, "
        "every child reported missing or returned, custody, new crimes and intelligence, and "
        "children whose risk has changed.",
    },
    {
        "code": "ceam",
        "name": "Child Exploitation and Missing (CEaM) panel",
        "cadence": "MONTHLY",
        "sources": ["MISSING_TRIGGER", "HIGH_RISK"],
        "description": "Monthly multi-agency panel: children brought by missing triggers and children "
        "assessed as high risk.",
    },
    {
        "code": "risk-management",
        "name": "Risk management meeting",
        "cadence": "FORTNIGHTLY",
        "sources": ["OPEN_CHILD"],
        "description": "Every child open to the hub, to challenge drift and delay.",
    },
    {
        "code": "complex-safeguarding",
        "name": "Complex Safeguarding panel",
        "cadence": "WEEKLY",
        "sources": ["FOR_ALLOCATION"],
        "description": "Children opened to the hub and waiting for a hub worker.",
    },
    {
        "code": "missing-panel",
        "name": "Missing panel",
        "cadence": "MONTHLY",
        "sources": ["MISSING_TRIGGER", "INTERVIEW_OVERDUE"],
        "description": "Children brought by the hub's missing triggers.",
    },
    {
        "code": "strategy",
        "name": "Strategy discussion",
        "cadence": "AS_NEEDED",
        "sources": [],
        "description": "Statutory multi-agency discussion when a child may be suffering significant "
        "harm: items are added by hand, about one child or a group.",
    },
    {
        "code": "joint-operation",
        "name": "Joint operation meeting",
        "cadence": "AS_NEEDED",
        "sources": [],
        "description": "About a group of children and adults, a location or an operation, possibly "
        "with several authorities: items are added by hand.",
    },
]


def seed(apps: Any, schema_editor: Any) -> None:
    MeetingType = apps.get_model("meetings", "MeetingType")
    for order, row in enumerate(TYPES):
        MeetingType.objects.update_or_create(code=row["code"], defaults={**row, "order": order})


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("meetings", "MeetingType").objects.filter(code__in=[t["code"] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
