"""The data version: one number that every write and every import raises, so that what is
computed from the records (the performance figures) can be kept and known to be current.

`bump()` runs inside the writing transaction (audit.events.record_event calls it for every
event that is not a read; the importer once per import), so the new number and the change
commit, or roll back, together: a reader that sees number n also sees every change made up
to n. It is an `UPDATE … SET n = n + 1` of one row: on PostgreSQL, a second writer waits for
the first to commit, so the numbers follow the order of the commits. `current()` reads it."""

from django.db.models import F

from cshub.core.models import DataVersion

ROW = 1


def current() -> int:
    """The number now (0 before the first write)."""
    return DataVersion.objects.filter(pk=ROW).values_list("n", flat=True).first() or 0


def bump() -> None:
    """Raise the number by one, in the caller's transaction."""
    if DataVersion.objects.filter(pk=ROW).update(n=F("n") + 1):
        return
    # The row is made by the migration; a database emptied by hand (or by a test's flush)
    # has none: make it, unless another transaction just did, and raise it.
    DataVersion.objects.bulk_create([DataVersion(pk=ROW, n=0)], ignore_conflicts=True)
    DataVersion.objects.filter(pk=ROW).update(n=F("n") + 1)
