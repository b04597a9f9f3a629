"""Serialisation points for check-then-write actions.

An action that asks "is there one already?" before creating (a police reference, an open
episode, a flag, a person who may already have a record) must not run beside another
that asks the same question, or both see "no" and both create: duplicate children,
duplicate episodes, or an IntegrityError answered as a 500. `hold()` takes named locks
for the rest of the current transaction:

- PostgreSQL: transaction-level advisory locks (`pg_advisory_xact_lock`), released at
  commit or rollback. Under READ COMMITTED every statement after the lock sees what the
  previous holder committed.
- SQLite: write transactions already run one at a time (CSHub begins them IMMEDIATE), so
  there is nothing more to take.

Locks are always taken in this order, so that two actions never wait for each other:
police reference, then person creation, then a child, then a meeting.
"""

from django.db import connection, models

PERSON_CREATION = "people:create"
IMPORT = "interchange:import"


def police_reference(reference: str) -> str:
    return f"missing:police-reference:{reference}"


def child(person_id: int) -> str:
    return f"people:child:{person_id}"


def meeting(meeting_id: int) -> str:
    return f"meetings:meeting:{meeting_id}"


def hold(*keys: str) -> None:
    """Wait until no other transaction holds any of `keys`, then hold them until this
    transaction ends. Must be called inside `transaction.atomic()`."""
    if not connection.in_atomic_block:
        raise RuntimeError("locks.hold() needs a transaction: call it inside transaction.atomic()")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def claim(obj: models.Model) -> None:
    """Lock `obj`'s row for the rest of the transaction and re-read it, for an action that
    checks a state ("not reviewed yet", "still open") and then changes it: the second of
    two at once waits, then sees the first one's change and is refused."""
    if not connection.in_atomic_block:
        raise RuntimeError("locks.claim() needs a transaction: call it inside transaction.atomic()")
    obj.refresh_from_db(from_queryset=type(obj)._default_manager.select_for_update())
