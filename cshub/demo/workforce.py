"""Demo teams and training (part C): the hub's teams, its courses and training needs
analysis, and training records with some gaps and some expired, so the pages show
something true on the first run. Everything through `workforce.actions`, as the team
manager; the records are drawn from the seed (the same seed, the same records)."""

import datetime as dt
import random
from dataclasses import dataclass

from cshub.access.models import User
from cshub.core.dates import local_today
from cshub.demo.audit_words import ensure_auditors
from cshub.workforce import actions
from cshub.workforce.models import Course, Team
from cshub.workforce.training import Status, required_courses


@dataclass(frozen=True)
class DemoTeam:
    name: str
    agency: str
    manager: str
    members: tuple[str, ...]
    description: str


TEAMS = [
    DemoTeam(
        "Complex safeguarding social work",
        "SOCIAL_CARE",
        "manager",
        ("manager", "practitioner", "worker.lowri", "worker.macsen", "senior.ffion", "senior.emrys"),
        "The hub's social workers: assessments, plans and direct work with children at risk of exploitation.",
    ),
    DemoTeam(
        "Police exploitation team",
        "POLICE",
        "manager",
        ("police",),
        "Officers seconded to the hub: intelligence, disruption and safeguarding visits.",
    ),
    DemoTeam(
        "Missing from home service",
        "MISSING_SERVICE",
        "manager",
        ("missing", "missing.seren"),
        "Return interviews with children after every missing episode.",
    ),
    DemoTeam("Health", "HEALTH", "manager", ("nurse",), "The hub's complex safeguarding nurse."),
    DemoTeam(
        "Early help and youth justice in the hub",
        "EARLY_HELP",
        "manager",
        ("worker.tegan", "worker.wyn"),
        "Partner workers based in the hub two days a week.",
    ),
    DemoTeam(
        "Hub leadership and performance",
        "SOCIAL_CARE",
        "lead",
        ("lead", "analyst", "admin"),
        "The strategic lead, the performance analyst and the system administrator.",
    ),
]

# (name, usual provider, months it stays up to date or None, description)
COURSES = [
    (
        "Child exploitation awareness",
        "Safeguarding partnership",
        24,
        "Signs of sexual and criminal exploitation.",
    ),
    (
        "County lines and child criminal exploitation",
        "Safeguarding partnership",
        24,
        "How county lines recruit and move children.",
    ),
    (
        "Trafficking, modern slavery and the NRM",
        "Police training unit",
        36,
        "Recognising trafficking and making an NRM referral.",
    ),
    (
        "Return home interviews",
        "Missing from home service",
        24,
        "Running a return interview the child can trust.",
    ),
    (
        "Trauma-informed practice",
        "Clinical psychology service",
        36,
        "How trauma shapes what children do and say.",
    ),
    (
        "Language that does not blame children",
        "Safeguarding partnership",
        None,
        "Writing about exploitation without blaming the child.",
    ),
    (
        "Safeguarding children level 3",
        "Local authority learning and development",
        36,
        "The statutory level for staff working with children.",
    ),
    (
        "Contextual safeguarding",
        "Contextual Safeguarding Network",
        36,
        "Assessing and changing the places where harm happens.",
    ),
    (
        "Case audit and moderation",
        "Quality assurance team",
        None,
        "Grading case files and moderating audits.",
    ),
]

# (course, role or "" for every role, agency or "" for every agency, why)
REQUIREMENTS = [
    (
        "Child exploitation awareness",
        "",
        "",
        "The peer review: training was not based on a training needs analysis.",
    ),
    (
        "Language that does not blame children",
        "",
        "",
        "Everyone who writes about children writes in their records.",
    ),
    (
        "County lines and child criminal exploitation",
        "practitioner",
        "",
        "Three in five referrals are criminal exploitation.",
    ),
    (
        "County lines and child criminal exploitation",
        "missing_worker",
        "",
        "Children missing are often running drugs.",
    ),
    (
        "Trafficking, modern slavery and the NRM",
        "practitioner",
        "POLICE",
        "Officers are first responders under the NRM.",
    ),
    (
        "Trafficking, modern slavery and the NRM",
        "practitioner",
        "SOCIAL_CARE",
        "Social workers make most NRM referrals.",
    ),
    ("Trafficking, modern slavery and the NRM", "team_manager", "", "Managers decide on NRM referrals."),
    ("Return home interviews", "missing_worker", "", "They carry out the interviews."),
    ("Trauma-informed practice", "practitioner", "", "Practice improvement plan: relationship-based work."),
    ("Trauma-informed practice", "missing_worker", "", "Practice improvement plan: relationship-based work."),
    (
        "Safeguarding children level 3",
        "practitioner",
        "",
        "Statutory for staff working directly with children.",
    ),
    (
        "Safeguarding children level 3",
        "team_manager",
        "",
        "Statutory for staff working directly with children.",
    ),
    (
        "Safeguarding children level 3",
        "missing_worker",
        "",
        "Statutory for staff working directly with children.",
    ),
    ("Contextual safeguarding", "practitioner", "SOCIAL_CARE", "The hub assesses places and peer groups."),
    ("Contextual safeguarding", "team_manager", "", "The hub assesses places and peer groups."),
    ("Case audit and moderation", "team_manager", "", "Managers audit and moderate case files."),
    ("Case audit and moderation", "strategic_lead", "", "The lead moderates the audit rounds."),
]

# How a (person, required course) pair turns out: up to date, expiring, expired, never.
OUTCOMES = [(Status.UP_TO_DATE, 55), (Status.EXPIRING, 12), (Status.EXPIRED, 15), (Status.NEVER, 18)]


def _completed_for(rng: random.Random, course: Course, outcome: Status, today: dt.date) -> dt.date | None:
    """A completion date that gives this outcome today (None: never done)."""
    months = course.valid_months
    if outcome == Status.NEVER:
        return None
    if months is None:
        return min(today - dt.timedelta(days=rng.randint(30, 900)), local_today())
    if outcome == Status.UP_TO_DATE:
        expires = today + dt.timedelta(days=rng.randint(75, months * 28 - 30))
    elif outcome == Status.EXPIRING:
        expires = today + dt.timedelta(days=rng.randint(5, 55))
    else:
        expires = today - dt.timedelta(days=rng.randint(5, 400))
    return min(actions.add_months(expires, -months), local_today())


def build_workforce(users: dict[str, User], today: dt.date, *, seed: int) -> None:
    """Teams (every demo account in one), courses, requirements and training records."""
    if Team.objects.exists():
        return  # the demo database already holds them
    users = {**users, **ensure_auditors()}
    manager = users["manager"]
    for t in TEAMS:
        team = actions.create_team(
            t.name, t.agency, description=t.description, manager=users[t.manager], actor=manager
        )
        for username in t.members:
            actions.place_member(users[username], team, since=today - dt.timedelta(days=400), actor=manager)
    courses = {}
    for name, provider, months, description in COURSES:
        courses[name] = actions.create_course(
            name, provider=provider, valid_months=months, description=description, actor=manager
        )
    for course, role, agency, reason in REQUIREMENTS:
        actions.add_requirement(courses[course], role=role, agency=agency, reason=reason, actor=manager)

    # A session the whole social work team attended, recorded at once (a month ago).
    social = [users[u] for u in TEAMS[0].members]
    actions.record_training(
        social,
        courses["Language that does not blame children"],
        min(today, local_today()) - dt.timedelta(days=30),
        note="Half-day session in the hub.",
        actor=manager,
    )
    rng = random.Random(seed + 23)  # nosec B311 # seeded generator of synthetic data, never for security
    statuses, weights = zip(*OUTCOMES, strict=True)
    for username in sorted(users):
        person = users[username]
        for item in required_courses(person, today):
            if item.status != Status.NEVER:
                continue  # the session above
            completed = _completed_for(rng, item.course, rng.choices(statuses, weights)[0], today)
            if completed is not None:
                actions.record_training([person], item.course, completed, actor=manager)
    # A record entered for the wrong person, withdrawn (it stays, and no longer counts).
    wrong = actions.record_training(
        [users["worker.wyn"]],
        courses["Contextual safeguarding"],
        min(today, local_today()) - dt.timedelta(days=12),
        actor=manager,
    )[0]
    actions.withdraw_record(
        wrong, "Entered for the wrong person: Wyn was not at this session.", actor=manager
    )
