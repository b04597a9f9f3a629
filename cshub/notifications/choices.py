"""Which emails a person may choose, and what they get when they have not chosen."""

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.notifications.models import EmailChoice, EmailKind

# The permission that makes a kind of email about that person's work.
NEEDS: dict[str, Perm] = {
    EmailKind.MISSING_REPORTED: Perm.WRITE_CASE_SUMMARY,  # holds a caseload
    EmailKind.REPORT_HELD: Perm.RECORD_MISSING,
    EmailKind.CLOSURE_RETURNED: Perm.CLOSE_EPISODE,
    EmailKind.ACTION_ASSIGNED: Perm.VIEW_CHILD,  # owns actions about children
}


def offered(user: User) -> list[EmailKind]:
    return [EmailKind(k) for k, perm in NEEDS.items() if user.has(perm)]


def default(user: User, kind: str) -> bool:
    """On, except held police reports for people with a caseload of their own: matching
    them is the missing service's work (anyone may turn it on)."""
    if kind == EmailKind.REPORT_HELD:
        return not user.has(Perm.WRITE_CASE_SUMMARY)
    return True


def chosen(user: User) -> set[str]:
    """The kinds `user` gets now (their choice, else the default), among those offered."""
    saved = dict(EmailChoice.objects.filter(user=user).values_list("kind", "send"))
    return {k for k in offered(user) if saved.get(k, default(user, k))}


def wants(user: User, kind: str) -> bool:
    return bool(user.is_active and user.email and kind in chosen(user))
