"""Demo meetings: the last ten working days of daily risk meetings, minuted and closed
(decisions on the children's timelines, actions agreed, some still open and overdue), and
today's daily meeting with its agenda built, ready to run.

Everything goes through `cshub.meetings.actions`, with its own random generator so the
rest of the synthetic hub (and its published figures) does not change."""

import datetime as dt
import random

from cshub.access.models import User
from cshub.core.dates import LONDON
from cshub.meetings import actions
from cshub.meetings.models import AgendaItem, Meeting, MeetingType
from cshub.people.access import may_see
from cshub.people.models import Person
from cshub.tasks import actions as tasks
from cshub.tasks.models import Task

DECISIONS = {
    "REFERRAL": [
        "Allocate for a hub assessment. No strategy discussion needed at this stage; review at the "
        "risk management meeting.",
        "Gather information from school, health and the youth justice service before the threshold "
        "decision tomorrow.",
    ],
    "MISSING_REPORTED": [
        "Police to continue the search as graded. Hub worker to give police the known associates and "
        "addresses from the trigger plan.",
    ],
    "MISSING_RETURNED": [
        "Missing service to offer the return interview within 72 hours. Hub worker to review the "
        "trigger plan with carers.",
        "Return interview to be offered by the worker the child knows best. Police to follow up the "
        "address where the child was found.",
    ],
    "INTERVIEW_OVERDUE": [
        "Missing service to try again today, with the hub worker if the child prefers. Manager to "
        "check in supervision why it was late.",
    ],
    "ASSESSMENT_OVERDUE": [
        "Hub worker to complete the assessment review this week; manager to check it in supervision.",
    ],
    "FLAGGED": [
        "Concern shared by all agencies. Safety plan to be updated and shared with carers today.",
    ],
    "MISSING_TRIGGER": [
        "To the next missing panel. Meanwhile the trigger plan is shared with the police missing team.",
    ],
    "OVERDUE_ACTION": [
        "Action still needed: a new date agreed with its owner.",
        "Action no longer needed: the plan has changed. Owner to close it with a note.",
    ],
}
SHARED = [
    ("POLICE", "SAFEGUARDING", "A vehicle of interest was seen near the child's home twice this week."),
    (
        "POLICE",
        "POLICE_ONLY",
        "Intelligence (graded 2B, handling code C): an adult of concern is linked to the address where "
        "the child was found. Not for onward disclosure.",
    ),
    (
        "HEALTH",
        "CONSENT",
        "Seen at the sexual health clinic; agreed to information being shared with the hub.",
    ),
    ("EDUCATION", "SAFEGUARDING", "Attendance 62% this term; two fixed-term exclusions since September."),
    (
        "MISSING_SERVICE",
        "SAFEGUARDING",
        "At the last return interview the child spoke about being given a phone by an older boy.",
    ),
    ("YOUTH_JUSTICE", "SAFEGUARDING", "Court date next month; the child has kept every appointment."),
]
ACTIONS = [
    ("practitioner", "Visit the child at home and update the safety plan with them"),
    ("police", "Request a disruption visit to the address of concern"),
    ("missing", "Offer the return interview again and record the outcome"),
    ("manager", "Share the trigger plan with carers and the police missing team"),
    ("nurse", "Offer a health appointment with the hub nurse"),
    ("worker.wyn", "Speak to the youth offending worker about the court date"),
]
ATTENDING = ["manager", "police", "nurse", "missing", "worker.tegan", "worker.wyn"]
APOLOGIES = [("ADULT_SOCIAL_CARE", "Bryn Ashdown"), ("EDUCATION", "Catrin Pennant")]
MAX_ITEMS = 16  # a morning's meeting: the rest are removed by the chair with the standing items


def _working_days_before(today: dt.date, n: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = today
    while len(days) < n:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return sorted(days)


def _attend(meeting: Meeting, users: dict[str, User], rng: random.Random, chair: User) -> None:
    for key in ATTENDING:
        if key != "manager" and rng.random() < 0.1:
            continue
        user = users[key]
        actions.record_attendance(meeting, user.agency, user.get_full_name(), actor=chair)
    agency, name = rng.choice(APOLOGIES)
    actions.record_attendance(meeting, agency, name, present=False, actor=chair)


def _trim(meeting: Meeting, chair: User) -> None:
    """The chair keeps the morning to the last 24 hours first: standing items beyond
    MAX_ITEMS are taken off (they come back after the type's repeat days)."""
    items = list(meeting.items.current().order_by("order"))
    standing = [
        i for i in items if i.source_kind in ("ASSESSMENT_OVERDUE", "OVERDUE_ACTION", "INTERVIEW_OVERDUE")
    ]
    for item in reversed(standing):
        if meeting.items.current().count() <= MAX_ITEMS:
            break
        actions.remove_item(item, actor=chair)


def _minute(
    item: AgendaItem, users: dict[str, User], rng: random.Random, chair: User, at: dt.datetime
) -> None:
    for agency, basis, text in rng.sample(SHARED, k=rng.choice([1, 1, 2])):
        actions.share_information(item, agency, text, basis, actor=chair, at=at)
    actions.save_minutes(
        item,
        discussion="Partners shared what they know since yesterday; no agency holds anything further.",
        decision=rng.choice(DECISIONS.get(item.source_kind, DECISIONS["FLAGGED"])),
        actor=chair,
        at=at,
    )
    if rng.random() < 0.6:
        key, what = rng.choice(ACTIONS)
        owner = users[key]
        if not all(may_see(owner, child) for child in item.children.all()):
            owner = chair  # named on the restricted records
        actions.add_action(
            item,
            actions.ProposedAction(
                what, item.meeting.date + dt.timedelta(days=rng.choice([1, 2, 3, 5, 7])), owner=owner
            ),
            actor=chair,
            at=at,
        )


def make_meetings(users: dict[str, User], today: dt.date, *, seed: int = 2026, days: int = 10) -> None:
    rng = random.Random(seed * 7 + 6)  # nosec B311 # seeded generator of synthetic data, never for security
    chair = users["manager"]
    daily = MeetingType.objects.get(code="daily")
    for day in _working_days_before(today, days):
        start = dt.datetime.combine(day, dt.time(9, 30), tzinfo=LONDON)
        meeting = actions.start_meeting(daily, day, actor=chair, at=start - dt.timedelta(minutes=45))
        _trim(meeting, chair)
        _attend(meeting, users, rng, chair)
        for n, item in enumerate(meeting.items.current().order_by("order")):
            _minute(item, users, rng, chair, start + dt.timedelta(minutes=4 * n))
        actions.close_meeting(meeting, actor=chair, at=start + dt.timedelta(minutes=75))
        # Most actions get done; a few stay open past their date and come back to the meeting.
        for task in Task.objects.filter(source_label__endswith=meeting.date.strftime("%-d %B %Y")).open():
            if task.due_date < today and rng.random() < 0.75:
                tasks.finish_task(task, "Done, and recorded on the child's file.", actor=task.owner or chair)
    # Workers bring children to today's meeting.
    recent = list(
        Person.objects.filter(episodes__close_date__isnull=True, restricted=False)
        .order_by("pk")
        .distinct()[:60]
    )
    yesterday = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(16, 0), tzinfo=LONDON)
    for person, (key, reason) in zip(
        rng.sample(recent, k=min(2, len(recent))),
        [
            (
                "practitioner",
                "Arrested last night with two older men in a car out of area; released under investigation.",
            ),
            (
                "nurse",
                "Disclosed to the school nurse that she is being given gifts by an adult she met online.",
            ),
        ],
        strict=False,
    ):
        actions.flag_for_meeting(person, reason, actor=users[key], at=yesterday)
    start = dt.datetime.combine(today, dt.time(8, 45), tzinfo=LONDON)
    meeting = actions.start_meeting(daily, today, actor=chair, at=start)
    _trim(meeting, chair)
    if recent:
        actions.add_item(
            meeting,
            "CUSTODY",
            "In custody overnight: found in possession of cash and two phones",
            [recent[-1]],
            actor=chair,
            reason="Police custody record shared at 7am; released to the care home at 3am.",
        )
