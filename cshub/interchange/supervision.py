"""Supervision in the interchange format: csh_supervision.csv (one row per session) and
csh_supervision_episode.csv (the other children a group session was about, one row per
session and episode). Reading, checking, writing and exporting, as for the other tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cshub.access.models import User
from cshub.audit.models import Action
from cshub.casework.models import Episode
from cshub.interchange.reader import Parsed, Row
from cshub.interchange.records import existing, interchange_id
from cshub.interchange.values import format_date
from cshub.supervision.models import Kind, Supervision

if TYPE_CHECKING:
    from cshub.interchange.bindings import Refs
    from cshub.interchange.write import Writer


def fields(r: Row, refs: Refs) -> dict[str, Any]:
    def ref(table: str, value: str | None) -> int | None:
        return refs[table][value] if value else None

    return {
        "episode_id": ref("episode", r["episode_id"]),
        "kind": r["kind"],
        "held_on": r["held_on"],
        "supervisor_id": ref("professional", r["supervisor_id"]),
        "supervisee_id": ref("professional", r["supervisee_id"]),
        # Who recorded it, for a session made by the import: the supervisor (kept as it is
        # when the row updates a session, as CSHub recorded it).
        "recorded_by_id": ref("professional", r["supervisor_id"]),
        "locality_worker": r["locality_worker"] or "",
        "others_present": r["others_present"] or "",
        "discussion": r["discussion"] or "",
        "reflection": r["reflection"] or "",
        "decisions": r["decisions"] or "",
    }


CREATE_ONLY = ("recorded_by_id",)


def check(parsed: Parsed) -> None:
    """Only a joint session names a locality social worker, and a joint one must (as the
    actions and the table's constraints say); the other children of a session are of a
    group session, and not the child it was recorded from."""
    sessions = parsed.tables.get("supervision")
    for row in sessions.rows if sessions is not None else ():
        joint, named = row["kind"] == Kind.JOINT, bool(row["locality_worker"])
        if joint != named and row["kind"]:
            message = (
                "required for a JOINT session"
                if joint
                else "only a JOINT session names a locality social worker"
            )
            parsed.error(sessions, row, "locality_worker", message)  # type: ignore[arg-type]
    group = parsed.tables.get("supervision_episode")
    if group is None:
        return
    known: dict[str, tuple[str, str]] = {
        r["supervision_id"]: (r["kind"] or "", r["episode_id"] or "") for r in parsed.rows("supervision")
    }
    wanted = {r["supervision_id"] for r in group.rows if r["supervision_id"]} - set(known)
    for ident, session in existing(Supervision, wanted).items():
        known[ident] = (session.kind, interchange_id(session.episode))
    for row in group.rows:
        kind, own = known.get(row["supervision_id"] or "", ("", ""))
        if kind and kind != Kind.GROUP:
            parsed.error(group, row, "supervision_id", "other children are discussed in a GROUP session only")
        elif own and row["episode_id"] == own:
            parsed.error(
                group, row, "episode_id", "the child the session was recorded from: list only the others"
            )


def write_group_episodes(writer: Writer) -> None:
    """The other children of each session in the file are those its rows name: new ones are
    added, and one no longer named is taken off that session (an import never touches a
    session the file does not name)."""
    rows = writer.parsed.tables["supervision_episode"].rows
    sessions, episodes = writer.refs["supervision"], writer.refs["episode"]
    for table, model, refs in (("supervision_id", Supervision, sessions), ("episode_id", Episode, episodes)):
        for ident, obj in existing(model, {r[table] for r in rows} - set(refs)).items():
            refs[ident] = obj.pk
    wanted: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        wanted[sessions[row["supervision_id"]]].add(episodes[row["episode_id"]])
    through = Supervision.group_episodes.through
    held: dict[int, set[int]] = defaultdict(set)
    for session, episode in through.objects.filter(supervision_id__in=wanted).values_list(
        "supervision_id", "episode_id"
    ):
        held[session].add(episode)
    child = dict(
        Episode.objects.filter(pk__in={e for s in (*wanted.values(), *held.values()) for e in s}).values_list(
            "pk", "person_id"
        )
    )
    label = Supervision._meta.label_lower
    new: list[Any] = []
    gone = 0
    for session, now in wanted.items():
        for episode in now - held[session]:
            new.append(through(supervision_id=session, episode_id=episode))
            writer._event(Action.UPDATE, label, session, child[episode], ["group_episodes"])
        removed = held[session] - now
        if removed:
            through.objects.filter(supervision_id=session, episode_id__in=removed).delete()
            gone += len(removed)
            for episode in removed:
                writer._event(Action.UPDATE, label, session, child[episode], ["group_episodes"])
    through.objects.bulk_create(new)
    writer.counts.created["supervision_episode"] = len(new)
    writer.counts.updated["supervision_episode"] = gone
    writer.counts.unchanged["supervision_episode"] = len(rows) - len(new)


def _sessions() -> Iterable[list[str]]:
    items = list(Supervision.objects.select_related("episode").order_by("pk"))
    staff = {
        u.pk: interchange_id(u)
        for u in User.objects.filter(
            pk__in={s.supervisor_id for s in items} | {s.supervisee_id for s in items}
        ).only("pk", "source_id")
    }
    for s in items:
        yield [
            interchange_id(s),
            interchange_id(s.episode),
            s.kind,
            format_date(s.held_on),
            staff[s.supervisor_id],
            staff[s.supervisee_id],
            s.locality_worker,
            s.others_present,
            s.discussion,
            s.reflection,
            s.decisions,
        ]


def _group_episodes() -> Iterable[list[str]]:
    through = Supervision.group_episodes.through
    for link in through.objects.select_related("supervision", "episode").order_by(
        "supervision_id", "episode_id"
    ):
        yield [interchange_id(link.supervision), interchange_id(link.episode)]


def referenced_staff() -> set[int]:
    """Supervisors and supervisees: professionals the export must carry."""
    pairs = Supervision.objects.values_list("supervisor_id", "supervisee_id")
    return {pk for pair in pairs for pk in pair}


ROWS = {"supervision": _sessions, "supervision_episode": _group_episodes}
