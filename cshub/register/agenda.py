"""The agenda rule of the whole-area register: a child a worker brought to the daily meeting
from the triage list ("Not known to the hub") goes on the next daily meeting's agenda,
with the worker's reason and the child's flags. Registered with meetings' agenda-rule hook
(`meetings.agenda.register_source`) for `SourceKind.AREA_REGISTER` at start-up; the daily
meeting type has that source (meetings migration 0007).

When the agenda is built, the item that took the decision is written on it
(`Triage.agenda_item`, by `take_decisions` on the item's save), so no later meeting takes
the child again. Titles and reasons never name the child."""

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_save

from cshub.core.dates import format_date, format_datetime
from cshub.meetings.agenda import Candidate, Window, register_source
from cshub.meetings.models import AgendaItem, Meeting, SourceKind
from cshub.register.models import AreaFlag, Triage, TriageDecision

KEY = "triage:"


def _flags_text(flags: list[AreaFlag]) -> str:
    if not flags:
        return ""
    each = "; ".join(
        f"{f.get_concern_display().lower()} ({f.get_source_display().lower()}, {format_date(f.flagged_on)})"
        for f in flags
    )
    latest = flags[0]
    held = latest.get_holder_display().lower() + (f", {latest.holder_team}" if latest.holder_team else "")
    return f" Flags in force: {each}. Who holds the case: {held}."


def brought_from_register(meeting: Meeting, w: Window) -> list[Candidate]:
    """Each decision to bring a child to the daily meeting made before this meeting's start
    and not yet taken by a meeting."""
    decisions = list(
        Triage.objects.filter(
            decision=TriageDecision.MEETING, agenda_item__isnull=True, decided_at__lte=w.end
        )
        .select_related("person", "decided_by")
        .order_by("decided_at", "id")
    )
    flags: dict[int, list[AreaFlag]] = {}
    for flag in (
        AreaFlag.objects.current(meeting.date)
        .filter(person_id__in={t.person_id for t in decisions})
        .order_by("-flagged_on", "-recorded_at", "-id")
    ):
        flags.setdefault(flag.person_id, []).append(flag)
    return [
        Candidate(
            SourceKind.AREA_REGISTER,
            f"{KEY}{t.pk}",
            "Brought from the whole-area register (not known to the hub)",
            f"{t.decided_by.get_full_name()} ({t.decided_by.get_agency_display()}), "
            f"{format_datetime(t.decided_at)}: {t.reason}" + _flags_text(flags.get(t.person_id, [])),
            [t.person],
        )
        for t in decisions
    ]


def take_decisions(sender: Any, instance: AgendaItem, **kwargs: Any) -> None:
    """On an agenda item's save (built, or a new reason joined to it): the register's
    decisions it stands for are taken by it. In the build's transaction."""
    keys = [instance.source_key] if instance.source_kind == SourceKind.AREA_REGISTER else []
    keys += [s.get("key", "") for s in instance.sources or [] if s.get("kind") == SourceKind.AREA_REGISTER]
    ids = [int(k.removeprefix(KEY)) for k in keys if k.startswith(KEY) and k.removeprefix(KEY).isdigit()]
    if ids:
        Triage.objects.filter(Q(pk__in=ids), agenda_item__isnull=True).update(agenda_item=instance)


def register() -> None:
    register_source(SourceKind.AREA_REGISTER, brought_from_register)
    post_save.connect(take_decisions, sender=AgendaItem, dispatch_uid="register.take_decisions")
