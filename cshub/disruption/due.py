"""When an order or notice shows on the due list: from `CSHUB_ORDER_NOTICE_DAYS` (default
28) before it ends, while it is still recorded as in force (status done). Past its end
it is overdue until someone records what happened (expired, breached, or a new order).

The same `casework.due.Due` as the rest of the hub's due dates."""

import datetime as dt

from django.conf import settings
from django.db.models import Q

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.casework.due import Due
from cshub.disruption.models import Disruption, Status

DEFAULT_NOTICE_DAYS = 28


def notice_days() -> int:
    return int(getattr(settings, "CSHUB_ORDER_NOTICE_DAYS", DEFAULT_NOTICE_DAYS))


def order_due(disruption: Disruption) -> Due | None:
    """None for anything that does not end (or is no longer in force)."""
    if disruption.status != Status.DONE or disruption.expires_on is None:
        return None
    return Due(
        f"{disruption.type_display} ends",
        disruption.expires_on,
        "decide whether to apply for a new order before it ends",
    )


def shows_from(due: Due) -> dt.date:
    return due.due_date - dt.timedelta(days=notice_days())


def orders_due(user: User, today: dt.date) -> list[tuple[Disruption, Due]]:
    """Orders ending within the notice period (or ended and still in force) that are the
    user's: they are the officer or recorded it; a team manager sees every one."""
    if not user.has(Perm.VIEW_INTELLIGENCE):
        return []
    qs = (
        Disruption.objects.visible_to(user)
        .orders_in_force()
        .filter(expires_on__lte=today + dt.timedelta(days=notice_days()))
        .select_related("subject")
        .order_by("expires_on", "id")
    )
    if not user.has(Perm.VIEW_TEAM_CASELOAD):
        qs = qs.filter(Q(officer=user) | Q(recorded_by=user))
    found = []
    for d in qs.defer("notes"):
        due = order_due(d)
        if due is not None:
            found.append((d, due))
    return found
