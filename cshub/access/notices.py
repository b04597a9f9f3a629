"""Security notices: an email to the person whose sign-in details changed (their password,
or an authenticator app set up), so that someone who did not make the change can say so
(ASVS 2.2.3, 2.5.5). Always sent, whatever the person's email choices; sent after the
transaction commits; a mail server that is down never fails the change (the log says a
notice was not sent and why: the error's type only, no address)."""

import logging
import smtplib
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from cshub.access.models import User

log = logging.getLogger(__name__)


def security_notice(user: User, what: str) -> bool:
    """Email `user` that `what` happened to their account. False when they have no address."""
    if not user.email:
        return False
    site = settings.CSHUB_SITE_URL.rstrip("/")
    body = (
        f"Hello {user.first_name or user.username},\n\n"
        f"{what}\n\n"
        "If this was you, you need do nothing.\n"
        "If it was not you, tell your system administrator today: someone else may be able to "
        "sign in as you.\n\n"
        f"CSHub: {site}/account/\n"
    )
    email = EmailMessage("CSHub: your sign-in details have changed", body, to=[user.email])
    transaction.on_commit(partial(_send, email))
    return True


def _send(email: EmailMessage) -> None:
    try:
        with get_connection() as connection:
            connection.send_messages([email])
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("A security notice was not sent: %s", type(exc).__name__)
