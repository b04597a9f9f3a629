"""Checks across rows and files, after every cell has been read: required-when rules,
references to ids in the import or the database, overlaps and orders of events."""

import datetime as dt
import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import models
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assurance.models import ReferencePopulation
from cshub.casework.models import Assessment, Episode
from cshub.consultations.models import Consultation
from cshub.core.dates import (
    EARLIEST_BIRTH,
    EARLIEST_EVENT,
    LATEST_PLANNED_YEARS,
    LONDON,
    format_date,
    local_today,
    plausible_birth,
    plausible_event,
)
from cshub.core.limits import field_limit
from cshub.core.text import HIDDEN_MESSAGE, has_hidden, nfc
from cshub.intelligence.models import Link, Subject
from cshub.interchange import intel, socialcare, supervision
from cshub.interchange.reader import LookAlike, Parsed, ParsedTable, Problem, Row
from cshub.interchange.records import CHUNK, NATIVE, existing, existing_rows
from cshub.interchange.spec import TABLES
from cshub.missing.models import InterviewEntry, MissingEpisode, ReturnInterview
from cshub.people.models import Address, Person, PersonName
from cshub.referrals.models import Referral
from cshub.supervision.models import Supervision

MODELS: dict[str, type[models.Model]] = {
    "professional": User,
    "person": Person,
    "address": Address,
    "referral": Referral,
    "consultation": Consultation,
    "episode": Episode,
    "assessment": Assessment,
    "missing": MissingEpisode,
    "return_interview": ReturnInterview,
    "interview_entry": InterviewEntry,
    "intelligence": Link,
    "supervision": Supervision,
    "supervision_episode": Supervision,  # rows without ids of their own: refer to sessions
}
MODELS.update(socialcare.MODELS)  # the council's record of the child


# Text cells that land in a field of limited length: (table, column) -> (model, field).
# Every id column lands in its model's source_id. Professionals' names and job titles are
# cut to fit instead (a person's own name is never cut).
LIMITED: dict[tuple[str, str], tuple[type[models.Model], str]] = {
    ("person", "pers_forename"): (Person, "forename"),
    ("person", "pers_surname"): (Person, "surname"),
    ("person", "pers_upn"): (Person, "upn"),
    ("address", "addr_address_postcode"): (Address, "postcode"),
    ("population", "group"): (ReferencePopulation, "group"),
    ("referral", "decision_rationale"): (Referral, "decision_rationale"),
    **{
        ("consultation", f): (Consultation, f)
        for f in (
            "caller_name",
            "caller_role",
            "caller_organisation",
            "caller_contact",
            "anonymous_initials",
            "anonymous_where",
            "worry",
            "advice",
        )
    },
    ("return_interview", "delay_reason"): (ReturnInterview, "delay_reason"),
    ("interview_entry", "value"): (InterviewEntry, "value"),
    ("interview_entry", "detail"): (InterviewEntry, "detail"),
    ("intelligence", "detail"): (Link, "detail"),
    ("episode", "feedback_child_said"): (Episode, "feedback_child_said"),
    ("episode", "feedback_parent_carer_said"): (Episode, "feedback_parent_carer_said"),
    **{
        ("supervision", f): (Supervision, f)
        for f in ("locality_worker", "others_present", "discussion", "reflection", "decisions")
    },
    ("intelligence", "subject_value"): (Subject, "name"),
    ("intelligence", "from_value"): (Subject, "name"),
    ("intelligence", "subject_platform"): (Subject, "platform"),
    ("intelligence", "from_platform"): (Subject, "platform"),
}
LIMITED.update(socialcare.LIMITED)


def _limit(model: type[models.Model], name: str) -> int:
    return field_limit(model, name)


def _lengths(parsed: Parsed) -> None:
    """A value longer than its field holds is an error here, before anything is written
    (rather than cut short, or refused by the database half-way)."""
    name_limit = _limit(PersonName, "forename")
    for key, table in parsed.tables.items():
        limits = {c: _limit(m, f) for (k, c), (m, f) in LIMITED.items() if k == key}
        if table.table.id_column:
            limits[table.table.id_column] = _limit(MODELS[key], "source_id")
        for ref in table.table.columns:
            if ref.kind == "ref":
                limits[ref.name] = _limit(MODELS[ref.ref], "source_id")
        for name, limit in limits.items():
            cells = [row[name] for row in table.rows]
            if max(map(len, filter(None, cells)), default=0) <= limit:
                continue  # the whole column fits
            for row, value in zip(table.rows, cells, strict=True):
                if isinstance(value, str) and len(value) > limit:
                    parsed.error(table, row, name, f"longer than {limit} characters ({len(value)})")
        for row in table.rows if key == "person" else ():
            for alias in row["csh_aliases"].split(";") if row["csh_aliases"] else ():
                if any(len(part) > name_limit for part in alias.strip().rpartition(" ")):
                    parsed.error(
                        table,
                        row,
                        "csh_aliases",
                        f"a name in this alias is longer than {name_limit} characters",
                    )


# Names as stored: no hidden characters (spoofing), NFC (cshub/core/text.py).
NAME_CELLS = {
    "person": ("pers_forename", "pers_surname", "csh_aliases"),
    "professional": ("prof_professional_name",),
    # Intelligence subjects' names (a place, group or account; a plate or phone is
    # normalised to letters and digits anyway) and an account's platform.
    "intelligence": (*(f"{p}_{c}" for p in ("from", "subject") for c in ("value", "platform")),),
}


def _names(parsed: Parsed) -> None:
    """A name holding a direction or zero-width character is an error on its line; every
    name is kept in NFC (in the parsed rows, so what is written and compared is NFC)."""
    for key, columns in NAME_CELLS.items():
        if key not in parsed.tables:
            continue
        table = parsed.tables[key]
        for row in table.rows:
            for column in columns:
                value = row[column]
                if not isinstance(value, str):
                    continue
                if has_hidden(value):
                    parsed.error(table, row, column, HIDDEN_MESSAGE)
                elif not unicodedata.is_normalized("NFC", value):
                    row[column] = nfc(value)


def person_of(obj: Any) -> int | None:
    """The child a record is about (for the importer's ownership rule)."""
    if isinstance(obj, Person):
        return int(obj.pk)
    if isinstance(obj, Assessment):
        return int(obj.episode.person_id)
    if isinstance(obj, ReturnInterview):
        return int(obj.missing_episode.person_id)
    if isinstance(obj, Supervision):
        return int(obj.episode.person_id)
    if isinstance(obj, Link):
        return intel.person_of_link(obj)
    return getattr(obj, "person_id", None)


# The plausible range of each date column (cshub.core.dates, as the actions apply it): a
# birth from 1900 and not in the future; an event from 2000 and not in the future; an
# address from 1900 (a home since birth), ending up to 10 years ahead; an expected date of
# birth (a due date or an estimate) from 1900, up to 10 years ahead.
_DATES: dict[str, dict[str, str]] = {
    "person": {"pers_dob": "birth", "pers_expected_dob": "expected birth"},
    "address": {"addr_address_start_date": "birth", "addr_address_end_date": "address end"},
    "referral": {"received_date": "event", "decision_date": "event"},
    "consultation": {"occurred_at": "event", "followed_up_at": "event", "follow_up_on": "planned"},
    "episode": {"open_date": "event", "close_date": "event"},
    "assessment": {"completed_date": "event"},
    "supervision": {"held_on": "event"},
    "missing": {"miss_missing_episode_start_date": "event", "miss_missing_episode_end_date": "event"},
    "return_interview": {"offered_at": "event", "completed_at": "event"},
    "intelligence": {"first_seen": "event", "last_seen": "event"},
}
_DATES.update(socialcare.DATES)
_EARLIEST = {
    "event": EARLIEST_EVENT,
    "address end": EARLIEST_BIRTH,
    "expected birth": EARLIEST_BIRTH,
    "planned": EARLIEST_EVENT,  # a date set ahead: from 2000, up to 10 years ahead
}


def _surely_plausible() -> Callable[[Any, str], bool]:
    """Whether a date or time is plausible for sure, by bounds taken once (`plausible_*`,
    asked for every cell of a history, looks at the clock each time): True for nearly every
    cell; False sends the cell to `plausible_*`, which decides and words the problem."""
    today, now = local_today(), timezone.now()
    latest_planned = today.year + LATEST_PLANNED_YEARS
    # An instant from the start of 2 January 2000 (UTC) is on or after 1 January 2000 in London.
    event_from = dt.datetime.combine(EARLIEST_EVENT + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

    def surely(value: Any, kind: str) -> bool:
        if type(value) is dt.datetime:
            return kind == "event" and value.tzinfo is dt.UTC and event_from <= value <= now
        if type(value) is not dt.date:
            return False
        if kind == "event":
            return EARLIEST_EVENT <= value <= today
        if kind == "birth":
            return EARLIEST_BIRTH <= value <= today
        if kind == "planned":
            return value >= EARLIEST_EVENT and value.year <= latest_planned
        return value >= EARLIEST_BIRTH and value.year <= latest_planned  # address end, expected birth

    return surely


def _rules(parsed: Parsed, key: str, table: ParsedTable) -> None:
    council = table.filename == table.table.ssd_filename
    surely = _surely_plausible()
    referred: set[str] = set()  # consultations: each referral comes from one consultation
    for row in table.rows:

        def err(column: str, message: str, row: Row = row) -> None:
            if column not in row.invalid:  # a cell that could not be read is reported once
                parsed.error(table, row, column, message)

        if (
            key == "person"
            and (row["csh_person_type"] or "CHILD") == "CHILD"
            and row["pers_dob"] is None
            and row["pers_expected_dob"] is None
            and not council  # the SSD may leave it empty (a child not yet registered)
        ):
            err("pers_dob", "a child needs a date of birth")
        if key == "person" and not council and bool(row["pers_forename"]) != bool(row["pers_surname"]):
            # In CSHub's own files a person has a whole name, or none (a record imported
            # without one, as CSHub exports it).
            err("pers_surname" if row["pers_forename"] else "pers_forename", "a value is required")
        for column, rule in _DATES.get(key, {}).items():
            value = row[column]
            if value is None:
                continue
            # An unborn child's due date in both columns (Eclipse) is an expected birth.
            kind = "expected birth" if column == "pers_dob" and value == row["pers_expected_dob"] else rule
            if surely(value, kind):
                continue
            if kind == "birth":
                problem = plausible_birth(value)
            else:
                problem = plausible_event(
                    value,
                    "date",
                    future=kind in ("address end", "expected birth", "planned"),
                    earliest=_EARLIEST[kind],
                )
            if problem:
                err(column, problem[0].lower() + problem[1:])
        if key == "address":
            if (
                row["addr_address_end_date"]
                and row["addr_address_start_date"]
                and row["addr_address_end_date"] < row["addr_address_start_date"]
            ):
                err("addr_address_end_date", "the end date is before the start date")
            if row["csh_imd_decile"] is not None and not 1 <= row["csh_imd_decile"] <= 10:
                err("csh_imd_decile", "an IMD decile is a number from 1 to 10")
        if key == "referral" and row["decision"] not in (None, "PENDING"):
            for column in ("decision_date", "decision_rationale"):
                if row[column] is None:
                    err(column, "required unless the decision is PENDING")
        if (
            key == "episode"
            and row["close_date"]
            and row["open_date"]
            and row["close_date"] < row["open_date"]
        ):
            err("close_date", "the episode closes before it opens")
        if key == "missing":
            start, end = row["miss_missing_episode_start_date"], row["miss_missing_episode_end_date"]
            if start and end and end < start:
                err("miss_missing_episode_end_date", "the child returned before they were reported missing")
        if key == "consultation":
            if row["referral_id"] and not row["person_id"]:
                err("referral_id", "a consultation that became a referral names the child (person_id)")
            if row["anonymous_age"] is not None and not 0 <= row["anonymous_age"] <= 25:
                err("anonymous_age", "an age is a number from 0 to 25")
            if (
                row["follow_up_on"]
                and row["occurred_at"]
                and row["follow_up_on"] < row["occurred_at"].astimezone(LONDON).date()
            ):
                err("follow_up_on", "the follow-up date is before the consultation")
            if row["referral_id"]:
                if row["referral_id"] in referred:
                    err("referral_id", "another consultation in this file became this referral")
                referred.add(row["referral_id"])
        if key == "return_interview" and row["outcome"] == "COMPLETED" and row["completed_at"] is None:
            err("completed_at", "required when the outcome is COMPLETED")
        if key == "population" and row["count"] is not None and row["count"] < 0:
            err("count", "a count cannot be negative")


def _ownership(parsed: Parsed, actor: User) -> None:
    """A person importing through the web changes only records of children they may see,
    and refers only to such records; staff accounts made in CSHub are changed on the Users
    page. Records they may not see read as not found, so errors reveal nothing."""
    visible = set(Person.objects.visible_to(actor).values_list("pk", flat=True))
    for key, table in parsed.tables.items():
        if key in ("population", "supervision_episode"):
            continue
        found = existing(MODELS[key], table.ids())
        for row in table.rows:
            obj = found.get(row[table.table.id_column])
            if obj is None:
                continue
            if key == "professional":
                if obj.source_id is None and not actor.has(Perm.MANAGE_USERS):
                    parsed.error(
                        table,
                        row,
                        table.table.id_column,
                        "staff accounts made in CSHub are changed on the Users page",
                    )
            elif isinstance(obj, Consultation) and obj.person_id is None:
                continue  # anonymous: anyone who records consultations may change it
            elif person_of(obj) not in visible:
                parsed.error(
                    table,
                    row,
                    table.table.id_column,
                    f"no {key} with id '{row[table.table.id_column]}' that you may change",
                )
        for column in table.table.columns:
            if column.kind != "ref" or column.ref == "professional":
                continue
            imported = parsed.tables[column.ref].ids() if column.ref in parsed.tables else set()
            referenced = existing(
                MODELS[column.ref], {r[column.name] for r in table.rows if r[column.name]} - imported
            )
            for row in table.rows:
                obj = referenced.get(row[column.name] or "")
                if obj is not None and person_of(obj) not in visible:
                    parsed.error(
                        table,
                        row,
                        column.name,
                        f"no {column.ref} with id '{row[column.name]}' in the import or in CSHub",
                    )


def _references(parsed: Parsed) -> dict[str, dict[str, Any]]:
    """Check every reference; return, per referenced table, the database records found."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for table in parsed.tables.values():
        for column in table.table.columns:
            if column.kind == "ref":
                wanted[column.ref] |= {r[column.name] for r in table.rows if r[column.name]}
    in_db: dict[str, dict[str, Any]] = {}
    for ref, ids in wanted.items():
        if ref in parsed.broken:
            continue  # its file is already reported as unusable
        imported = parsed.tables[ref].ids() if ref in parsed.tables else set()
        in_db[ref] = existing(MODELS[ref], ids - imported)
        known = imported | set(in_db[ref])
        for table in parsed.tables.values():
            for column in table.table.columns:
                if column.kind == "ref" and column.ref == ref:
                    for row in table.rows:
                        if row[column.name] and row[column.name] not in known:
                            parsed.error(
                                table,
                                row,
                                column.name,
                                f"no {ref} with id '{row[column.name]}' in the import or in CSHub",
                            )
    return in_db


def _episodes(parsed: Parsed) -> None:
    table = parsed.tables.get("episode")
    if table is None:
        return
    by_child: dict[str, list[tuple[dt.date, dt.date | None, Row | None]]] = defaultdict(list)
    referral_used: dict[str, int] = {}
    for row in table.rows:
        if row["person_id"] and row["open_date"]:
            by_child[row["person_id"]].append((row["open_date"], row["close_date"], row))
        if row["referral_id"]:
            if row["referral_id"] in referral_used:
                parsed.error(
                    table,
                    row,
                    "referral_id",
                    f"the episode on line {referral_used[row['referral_id']]} was opened from the same referral",
                )
            referral_used.setdefault(row["referral_id"], row.line)
    imported_ids = table.ids()
    for person_id, open_date, close_date in _held_episodes(by_child, imported_ids):
        by_child[person_id].append((open_date, close_date, None))
    for spans in by_child.values():
        spans.sort(key=lambda s: s[0])
        for (_, close, _), (next_open, _, later) in itertools.pairwise(spans):
            if close is None or close >= next_open:
                target = later or next((s[2] for s in spans if s[2] is not None), None)
                if target is not None:
                    parsed.error(table, target, "open_date", "overlaps another episode of the same child")


def _held_episodes(
    children: Iterable[str], imported_ids: set[str]
) -> Iterator[tuple[str, dt.date, dt.date | None]]:
    """The episodes CSHub holds of these children (by interchange id) that the import does
    not carry: (child, open date, close date), read in one query whatever the number of
    children (the whole table when there are many)."""
    people = {row[0]: ident for ident, row in existing_rows(Person, children, []).items()}
    if not people:
        return
    episodes = Episode.objects.all()
    if len(people) <= CHUNK:
        episodes = episodes.filter(person_id__in=sorted(people))
    for person_id, pk, source_id, open_date, close_date in (
        episodes.order_by().values_list("person_id", "pk", "source_id", "open_date", "close_date")
    ).iterator(chunk_size=CHUNK):
        if person_id in people and (source_id or f"csh-{pk}") not in imported_ids:
            yield people[person_id], open_date, close_date


def _interviews(parsed: Parsed) -> None:
    table = parsed.tables.get("return_interview")
    if table is None:
        return
    returned = {r["miss_table_id"]: r["miss_missing_episode_end_date"] for r in parsed.rows("missing")}
    for ref, episode in existing(
        MissingEpisode, {r["missing_id"] for r in table.rows if r["missing_id"]} - set(returned)
    ).items():
        returned[ref] = episode.returned_at
    for row in table.rows:
        back = returned.get(row["missing_id"])
        if row["completed_at"] and back and row["completed_at"] < back:
            parsed.error(table, row, "completed_at", "completed before the child returned")


DUPLICATE_CHECK_MOST = 2_000  # new people checked one by one against the index, at most


def _possible_duplicates(parsed: Parsed) -> None:
    """A person new to CSHub (an id it does not hold) who may already have a record under
    another id or none: the import's "People who may already have a record" section, from
    the same search as *Add a person* (two records for one child can hide risk). The import
    never merges: a worker compares each pair afterwards. A restricted record is named as
    such only."""
    from cshub.people.search import likely_duplicates

    table = parsed.tables.get("person")
    if table is None or not table.rows:
        return
    ids = table.ids()
    people = Person.objects.filter(source_id__isnull=False)
    if len(ids) <= CHUNK:
        people = people.filter(source_id__in=ids)
    held = set(people.values_list("source_id", flat=True)) | {i for i in ids if NATIVE.match(i)}
    new = [r for r in table.rows if r["pers_person_id"] not in held and not r.invalid]
    if not new:
        return
    if len(new) > DUPLICATE_CHECK_MOST:
        parsed.warnings.append(
            Problem(
                table.filename,
                1,
                "pers_person_id",
                f"{len(new):,} people are new to CSHub: more than {DUPLICATE_CHECK_MOST:,}, so they "
                "were not each checked for an existing record (check a first import on an empty CSHub)",
            )
        )
        return
    for row in new:
        forename, surname, born = row["pers_forename"] or "", row["pers_surname"] or "", row["pers_dob"]
        for match in likely_duplicates(Person.objects.current(), forename, surname, born)[:3]:
            person = match.person
            parsed.lookalikes.append(
                LookAlike(
                    file=table.filename,
                    line=row.line,
                    source_id=row["pers_person_id"],
                    name=f"{forename} {surname}".strip(),
                    born=format_date(born) if born else "",
                    existing=person.pk,
                    existing_name="" if person.restricted else person.full_name,
                )
            )


def check(parsed: Parsed, actor: User | None = None) -> None:
    """Every rule across rows and files. With an actor (the web page), also the ownership
    rule; without (the console command, run by whoever holds the server), every record."""
    socialcare.check(parsed)  # first: it names the child of rows that reach one indirectly
    if actor is not None:
        _ownership(parsed, actor)
    for table in TABLES:
        if table.key in parsed.tables:
            _rules(parsed, table.key, parsed.tables[table.key])
    _lengths(parsed)
    _names(parsed)
    _references(parsed)
    _episodes(parsed)
    _interviews(parsed)
    supervision.check(parsed)
    intel.check(parsed, actor)
    parsed.errors.sort()
    if not parsed.errors:
        _possible_duplicates(parsed)
