"""Scrubbing the values an UPDATE event kept about a disposed record (docs/data-protection.md).

Since the change history, an UPDATE event's detail holds each changed field's value before
and after (cshub.audit.changes). When a record is disposed of, those values go: the event
keeps who, when, what kind of record and which fields changed, and says it was scrubbed
(`"scrubbed": "disposal N"`). Events are otherwise append-only: the database triggers allow
this one change (the detail, nothing else) only while a permit for the event exists, and the
permit is deleted in the same transaction.
"""

from collections.abc import Iterable

from django.db import transaction

from cshub.audit.models import Action, AuditEvent, ScrubPermit

SCRUBBED_KEYS = ("changes",)


def scrub_child_changes(child_ids: Iterable[int], label: str) -> int:
    """Remove the before/after values of every UPDATE event about these records; the number
    of events scrubbed."""
    assert transaction.get_connection().in_atomic_block, "scrub inside the disposal's transaction"
    events = list(
        AuditEvent.objects.filter(child_id__in=list(child_ids), action=Action.UPDATE).values_list(
            "pk", "detail"
        )
    )
    scrubbed = 0
    for pk, detail in events:
        if not isinstance(detail, dict) or not any(key in detail for key in SCRUBBED_KEYS):
            continue
        new = {k: v for k, v in detail.items() if k not in SCRUBBED_KEYS}
        new["scrubbed"] = label
        ScrubPermit.objects.create(event_id=pk)
        AuditEvent.objects.filter(pk=pk).update(detail=new)
        ScrubPermit.objects.filter(event_id=pk).delete()
        scrubbed += 1
    return scrubbed
