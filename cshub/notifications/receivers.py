"""Hooks from the actions (the signals of missing, casework and tasks) to the emails.

Each receiver runs inside the action's transaction: it reads who to tell there, and the
emails go once it commits."""

from typing import Any

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.casework import signals as casework_signals
from cshub.casework.models import Episode
from cshub.missing import signals as missing_signals
from cshub.missing.models import HeldReport, MissingEpisode
from cshub.notifications.emails import notify
from cshub.notifications.models import EmailKind
from cshub.tasks import signals as task_signals
from cshub.tasks.models import Task


def missing_reported(sender: Any, *, episode: MissingEpisode, actor: User, **_: Any) -> None:
    """The hub worker of the child's open episode."""
    open_episode = (
        Episode.objects.open().filter(person_id=episode.person_id).select_related("allocated_worker").first()
    )
    if open_episode is not None:
        notify([open_episode.allocated_worker], EmailKind.MISSING_REPORTED, actor=actor)


def report_held(sender: Any, *, held: HeldReport, actor: User, **_: Any) -> None:
    """Everyone who may match it (who records missing episodes) and wants to know."""
    workers = User.objects.filter(
        is_active=True, roles__permissions__permission=Perm.RECORD_MISSING
    ).distinct()
    notify(workers.exclude(email=""), EmailKind.REPORT_HELD, actor=actor)


def closure_returned(sender: Any, *, episode: Episode, actor: User, **_: Any) -> None:
    """Whoever recorded the closure, and the child's hub worker."""
    notify([episode.closure_requested_by, episode.allocated_worker], EmailKind.CLOSURE_RETURNED, actor=actor)


def task_agreed(sender: Any, *, task: Task, actor: User, **_: Any) -> None:
    notify([task.owner], EmailKind.ACTION_ASSIGNED, actor=actor)


def connect() -> None:
    missing_signals.episode_reported.connect(missing_reported, dispatch_uid="notify_missing_reported")
    missing_signals.report_held.connect(report_held, dispatch_uid="notify_report_held")
    casework_signals.closure_returned.connect(closure_returned, dispatch_uid="notify_closure_returned")
    task_signals.task_agreed.connect(task_agreed, dispatch_uid="notify_task_agreed")
