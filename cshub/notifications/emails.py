"""Emails for what cannot wait. An email never names a child or gives their details: it
says what kind of thing happened and links to CSHub, where the person signs in to see it.

Sent through Django's email backend (SMTP settings in the README) after the transaction
commits (`transaction.on_commit`): an action that rolls back sends nothing. A mail server
that is down or refuses never fails the action; the log says how many were not sent and
why (the error's type only: no addresses, no child)."""

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from cshub.access.models import User
from cshub.notifications import choices
from cshub.notifications.models import EmailKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    subject: str
    what: str
    path: str  # where to look once signed in: never an id or a name


NOTICES: dict[str, Notice] = {
    EmailKind.MISSING_REPORTED: Notice(
        "A child on your caseload has been reported missing",
        "A child on your caseload has been reported missing.",
        "/",
    ),
    EmailKind.REPORT_HELD: Notice(
        "A police report is waiting to be matched",
        "A police report about a child is waiting for a worker to match it to the child's record.",
        "/missing/police-reports/",
    ),
    EmailKind.CLOSURE_RETURNED: Notice(
        "A closure you recorded has been returned",
        "A manager has returned a closure you recorded, saying what needs to change first.",
        "/",
    ),
    EmailKind.ACTION_ASSIGNED: Notice(
        "You have a new action",
        "Someone has given you an action.",
        "/actions/",
    ),
}


def message(user: User, kind: str) -> EmailMessage:
    notice = NOTICES[kind]
    site = settings.CSHUB_SITE_URL.rstrip("/")
    body = (
        f"Hello {user.first_name or user.username},\n\n"
        f"{notice.what}\n\n"
        f"Sign in to CSHub to see it:\n{site}{notice.path}\n\n"
        "This email never names a child or gives their details.\n"
        f"To choose which emails you get, sign in and go to Your account:\n{site}/account/\n"
    )
    return EmailMessage(f"CSHub: {notice.subject}", body, to=[user.email])


def notify(users: Iterable[User | None], kind: str, *, actor: User | None) -> int:
    """Email each of `users` who wants this kind (not the person who did it), once the
    transaction commits. Returns how many will be sent."""
    ids = {u.pk for u in users if u is not None} - ({actor.pk} if actor is not None else set())
    # Read again: the instances an action holds may be older than an address or a choice.
    recipients = [u for u in User.objects.filter(pk__in=ids).order_by("pk") if choices.wants(u, kind)]
    if recipients:
        transaction.on_commit(partial(_send, [message(u, kind) for u in recipients], kind))
    return len(recipients)


def _send(messages: list[EmailMessage], kind: str) -> None:
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("%d notification email(s) (%s) not sent: %s", len(messages), kind, type(exc).__name__)
