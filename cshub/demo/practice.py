"""Demo casework for open episodes: structured assessments with evidence, plans with
actions, safety and trigger plans, supervision (some joint), the child's words, visits (with
who was present), case notes (some amended), the team around the child, NRM referrals and
transition plans, all through the actions, dated when they happened, with some overdue so a
new user sees a living hub."""

import datetime as dt
import random

from django.utils import timezone

from cshub.access.models import User
from cshub.assessments import actions as assessments
from cshub.casework.models import Episode
from cshub.contact import actions as contact
from cshub.missing.models import MissingEpisode
from cshub.notes import actions as notes
from cshub.notes.models import CaseNote
from cshub.plans import actions as plans
from cshub.supervision import actions as supervision
from cshub.tasks.actions import NewTask

CRIMINAL = {
    "county-lines": "Found by police in a flat in another town with two adults; {name} had a train ticket bought by someone else",
    "carrying-drugs-cash": "Stopped with wraps of cannabis and £340 in cash",
    "unexplained-items": "New trainers and a second phone; carers do not know where they came from",
    "debt-bondage": "Told the return interviewer of a debt to an older lad for a lost package",
    "arrested-with-adults": "Arrested with two adults aged 22 and 25 after a stop",
    "weapons": "Told the hub worker about being shown a knife and told what would happen if anyone talked",
}
SEXUAL = {
    "older-partner": "Says her 'boyfriend' is 23; police know him from another investigation",
    "gifts-from-adults": "Given a phone, vapes and lifts by men she met online",
    "parties-hotels": "Found by police at a hotel with older men after a missing episode",
    "sexual-health": "School nurse saw her for emergency contraception twice this term",
    "image-sharing": "Images of her shared in a group chat; she was pressured to send them",
    "online-contact": "Contacted on social media by adults not known to the family",
}
COMMON = {
    "missing-episodes": "Reported missing {missing} times since the hub opened",
    "not-in-education": "On a reduced timetable since an exclusion",
    "placement-instability": "Three placement moves in the last year",
    "locations-of-concern": "Seen twice at the takeaway on the high street where older males gather",
    "peers-exploited": "Close friends are open to the hub for criminal exploitation",
    "adults-of-concern": "Named an adult the police know as linked to the line",
    "family-unable-to-protect": "Mum is trying hard but cannot stop the child being collected at night",
    "trusted-adult": "Talks to a grandparent and a football coach",
    "engaged-education": "Goes to a motor-vehicle course three days a week",
    "engages-with-hub": "Keeps appointments with the hub worker and texts back",
}
SOURCES = {
    "county-lines": ("PC Ellery, police", "POLICE"),
    "carrying-drugs-cash": ("Police stop record", "POLICE"),
    "arrested-with-adults": ("Custody record", "POLICE"),
    "sexual-health": ("School nurse", "HEALTH"),
    "not-in-education": ("Head of year", "SCHOOL"),
    "engaged-education": ("College tutor", "SCHOOL"),
    "missing-episodes": ("Missing from home service", "MISSING_SERVICE"),
    "debt-bondage": ("Return interview", "MISSING_SERVICE"),
    "weapons": ("Hub worker (the child told them)", "CHILD"),
    "trusted-adult": ("The child", "CHILD"),
    "family-unable-to-protect": ("Hub worker, home visit", "SOCIAL_CARE"),
}
VOICES = [
    "I don't want to go back there, but if I don't go they'll come to my mum's.",
    "They're my mates, they look after me. You don't get it.",
    "I liked it when we went to the gym. Can we do that again?",
    "I'm tired of everyone asking me the same questions.",
    "My nan's is the only place I can sleep properly.",
    "He said I owe him. I don't know how much any more.",
    "I want to go to college and do mechanics.",
    "I feel safer since I changed my number.",
]
PRESENT = ["", "", "Mum", "Foster carer", "Nan", "Mum and PC Jo Ellery (police)", "Key worker at the home"]
# Case notes in the hub's language: what adults did to the child, never blame; {name} is the
# child's first name. (kind, who was present, the note, who writes it)
NOTES = [
    (
        "PHONE_CALL",
        "Mum",
        "Mum rang: {name} came home at 23:40 in a taxi she did not book. {name} would not say who "
        "paid. Advised Mum to note the taxi firm and time and to call 101; I told police the same "
        "evening. I will see {name} at school tomorrow.",
        "worker",
    ),
    (
        "STRATEGY_DISCUSSION",
        "Sam Idowu (locality social worker), PC Jo Ellery (police), Ms Reid (school)",
        "Strategy discussion after {name} was found in another town with two adults. Police are "
        "treating {name} as a victim of criminal exploitation. Agreed: section 47 enquiries, a "
        "return interview within 72 hours, school to tell the hub the same day if {name} is absent, "
        "police to consider a Child Abduction Warning Notice against the older male.",
        "worker",
    ),
    (
        "CASE_DISCUSSION",
        "Hub worker, school nurse",
        "Talked through the nurse's concern that adults are giving {name} gifts and lifts. We agreed "
        "the nurse will offer {name} a drop-in each week and tell the hub what {name} shares. "
        "{name} has the right to confidential health advice; safeguarding comes first.",
        "worker",
    ),
    (
        "MANAGEMENT_OVERSIGHT",
        "",
        "Read the file. The plan is right to focus on the adults who are exploiting {name}, not on "
        "{name}'s behaviour. The assessment is due: complete it before the next supervision. Ask "
        "police for an update on the disruption of the address.",
        "manager",
    ),
    (
        "PHONE_CALL",
        "Foster carer",
        "Carer rang: {name} was collected by a car at 21:00; the carer noted the registration and "
        "reported {name} missing to police. {name} came back at 02:10 and was given food and a "
        "shower. Return interview booked.",
        "worker",
    ),
    (
        "OTHER",
        "",
        "Letter from the college: {name} is offered a place on the motor-vehicle course from "
        "January. Shared with {name}, who was pleased; added to the plan.",
        "worker",
    ),
]
AMEND_REASONS = [
    "The time was wrong: the carer rang back to correct it",
    "Added who was present, left out by mistake",
]
PLACES = ["Home", "School", "Nan's house", "The hub office", "A café in town", "College", "The youth centre"]
TOOLS = [
    "Three houses",
    "Grooming line",
    "Body map",
    "Spider diagram of people in my life",
    "Wishes and feelings cards",
]
TEAM = [
    ("Sam Idowu", "SOCIAL_CARE", "Locality social worker"),
    ("PC Jo Ellery", "POLICE", "Exploitation officer"),
    ("Dr Asha Patel", "HEALTH", "School nurse"),
    ("Ms Reid", "EDUCATION", "Head of year"),
    ("Mo Reid", "YOUTH_JUSTICE", "Case manager"),
    ("Kai Fenn", "VOLUNTARY_SECTOR", "Mentor, youth project"),
    ("Bea Morrow", "EARLY_HELP", "Family support worker"),
    ("Priya Lal", "MISSING_SERVICE", "Return interview worker"),
]


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class PracticeMaker:
    def __init__(self, rng: random.Random, today: dt.date, manager: User) -> None:
        self.rng, self.today, self.manager = rng, today, manager

    def populate(self, episode: Episode) -> None:
        worker = episode.allocated_worker
        if worker is None:
            return
        opened = episode.open_date
        days_open = (self.today - opened).days
        self._assess(episode, worker)
        if days_open > 14:
            self._plan(episode, worker)
        self._supervise(episode, worker)
        # Its own generator (seeded by the episode), so the draws of the rest stay as they were.
        side = random.Random(episode.pk)  # nosec B311 # seeded generator of synthetic data, never for security
        self._voice_and_visits(episode, worker, side)
        self._notes(episode, worker, side)
        self._team(episode, worker)
        self._nrm_and_transition(episode, worker)

    def _assess(self, episode: Episode, worker: User) -> None:
        """A structured assessment for most open episodes older than three weeks (about one in
        eight left overdue, so the prompt shows)."""
        rng = self.rng
        if (self.today - episode.open_date).days < 21 or rng.random() < 0.12:
            return
        day = max(episode.open_date, self.today - dt.timedelta(days=rng.randint(3, 80)))
        if episode.assessments.filter(completed_date__gte=day).exists():
            return
        kind = episode.referral.primary_type if episode.referral else "CCE"
        pool = dict(SEXUAL if kind == "CSE" else CRIMINAL)
        chosen = rng.sample(sorted(pool), k=rng.randint(1, 3))
        chosen += rng.sample(sorted(COMMON), k=rng.randint(2, 4))
        missing = MissingEpisode.objects.filter(
            person=episode.person, reported_at__date__gte=episode.open_date
        ).count()
        findings = {}
        for code in chosen:
            text = {**pool, **COMMON}[code].format(name=episode.person.forename, missing=max(missing, 2))
            by, source = SOURCES.get(code, ("Hub worker", "SOCIAL_CARE"))
            findings[code] = assessments.Evidence(
                text, by, source, day - dt.timedelta(days=rng.randint(0, 20))
            )
        _, suggested, _ = assessments.suggestion(set(findings))
        level, rationale = suggested, ""
        if rng.random() < 0.2:
            level = "HIGH" if suggested != "HIGH" else "MEDIUM"
            rationale = (
                "Escalating quickly: found far from home twice this month with adults we do not know."
                if level == "HIGH"
                else "Indicators are historic; the adults are in custody and the child is back in college."
            )
        record = assessments.RiskAssessment(
            completed_date=day,
            risk_level=level,
            child_view=rng.choice(VOICES),
            analysis=f"Adults are exploiting {episode.person.forename}; the evidence is above. "
            "Risk is highest at night and at weekends, when carers cannot see who collects them.",
            findings=findings,
            family_capacity="Family want to protect and work with the hub; they need help with boundaries at night.",
            strengths="A trusted adult in the family; interest in college.",
            rationale=rationale,
        )
        assessment = assessments.record_risk_assessment(episode, record, actor=worker)
        if rng.random() < 0.75 and (self.today - day).days > 2:
            differ = rng.random() < 0.2
            review_level = ("MEDIUM" if level == "HIGH" else "HIGH") if differ else level
            assessments.review_assessment(
                assessment,
                review_level,
                "The evidence of adults' control is stronger than the score shows." if differ else "",
                actor=self.manager,
                at=_at(min(day + dt.timedelta(days=2), self.today), 16),
            )

    def _plan(self, episode: Episode, worker: User) -> None:
        rng = self.rng
        name = episode.person.forename
        written = max(
            episode.open_date + dt.timedelta(days=14), self.today - dt.timedelta(days=rng.randint(5, 60))
        )
        tasks = [
            NewTask(
                "Share the trigger plan with carers and the police",
                "SOCIAL_CARE",
                written + dt.timedelta(days=7),
                owner=worker,
            ),
            NewTask(
                f"Check {name}'s attendance every week and tell the hub of any absence",
                "EDUCATION",
                written + dt.timedelta(days=rng.choice([14, 28, 56])),
                owner_name="Ms Reid, head of year",
            ),
            NewTask(
                "Disruption visit to the addresses in the trigger plan",
                "POLICE",
                written + dt.timedelta(days=rng.choice([10, 21, 40])),
                owner_name="PC Jo Ellery",
            ),
        ]
        plans.write_plan(
            episode,
            plans.PlanText(
                needs=f"{name} is being exploited by adults who use debt and threats. {name} needs to be safe at night and to have a reason to stay away from them.",
                outcomes=f"{name} is not reported missing; attends college or school; has one trusted adult they talk to.",
                contingency=f"If {name} goes missing overnight, carers ring 101 after one hour and police check the addresses in the trigger plan; the hub worker visits within 24 hours of the return.",
                shared_with="Locality team North",
            ),
            actor=worker,
            tasks=tasks[: rng.randint(1, 3)],
            at=_at(written, 11),
        )
        if rng.random() < 0.7:
            plans.write_safety_plan(
                episode.person,
                plans.SafetyPlanText(
                    safe_people="My nan. My football coach. Ms Reid at school.",
                    safe_places="Nan's house. The youth centre.",
                    i_will="If someone asks me to carry something I will ring my worker or Childline. I will keep my phone charged.",
                    others_will="Mum will pick me up any time, no questions. My worker will text me every Friday.",
                ),
                actor=worker,
                at=_at(written + dt.timedelta(days=3), 15),
            )
        if MissingEpisode.objects.filter(person=episode.person).exists():
            plans.write_trigger_plan(
                episode.person,
                plans.TriggerPlanText(
                    known_locations="The flat above the takeaway on the high street; the park by the station; an address in the next town (with police).",
                    people_of_concern="Two adults known to police (details held by police).",
                    carers_do="Ring the child first; after one hour ring 101 and give this plan's reference; tell the hub in the morning.",
                    police_do="Check the known locations first; treat as at risk of exploitation; tell the hub of the return.",
                    who_to_call="Police 101 (999 if in danger now); out-of-hours social work team; hub worker in office hours.",
                ),
                actor=worker,
                at=_at(written + dt.timedelta(days=1), 10),
            )

    def _supervise(self, episode: Episode, worker: User) -> None:
        rng = self.rng
        day = episode.open_date + dt.timedelta(days=rng.randint(7, 20))
        # About one episode in five has gone more than 28 days without supervision.
        stop = self.today - dt.timedelta(days=35 if rng.random() < 0.2 else 0)
        first = True
        while day <= stop:
            joint = first and episode.assessments.filter(completed_date__lte=day).exists()
            supervision.record_supervision(
                episode,
                supervision.SupervisionRecord(
                    kind="JOINT" if joint else rng.choice(["INDIVIDUAL", "INDIVIDUAL", "REFLECTIVE"]),
                    held_on=day,
                    supervisee=worker,
                    discussion=f"Progress with {episode.person.forename}: missing episodes, college, the adults of concern.",
                    reflection="What might we be missing? Who benefits from the child's debt? Are we seeing the child or only the behaviour?",
                    decisions="Continue the plan; ask police for a disruption update; review the assessment at the next supervision.",
                    locality_worker="Sam Idowu, locality social worker" if joint else "",
                ),
                actor=self.manager,
            )
            first = first and not joint
            day += dt.timedelta(days=rng.randint(21, 30))

    def _voice_and_visits(self, episode: Episode, worker: User, side: random.Random) -> None:
        rng = self.rng
        person = episode.person
        day = episode.open_date + dt.timedelta(days=rng.randint(2, 8))
        gap_end = self.today - dt.timedelta(days=14 if rng.random() < 0.25 else 0)
        while day <= gap_end:
            seen = rng.random() < 0.9
            kind = "DIRECT_WORK" if rng.random() < 0.35 else "VISIT"
            contact.record_contact(
                episode,
                kind,
                actor=worker,
                on=day,
                where=rng.choice(PLACES),
                present=side.choice(PRESENT),
                seen=seen,
                seen_alone=seen and rng.random() < 0.6,
                purpose="Talk about the people in my life" if kind == "DIRECT_WORK" else "",
                tool=rng.choice(TOOLS) if kind == "DIRECT_WORK" else "",
                child_said=rng.choice(VOICES) if seen and rng.random() < 0.4 else "",
                impact="Named, for the first time, two adults who frighten them."
                if kind == "DIRECT_WORK"
                else "",
            )
            if seen and rng.random() < 0.3:
                contact.record_voice(
                    person,
                    actor=worker,
                    said=rng.choice(VOICES),
                    how_gathered="DIRECT_WORK" if kind == "DIRECT_WORK" else "VISIT",
                    gathered_on=day,
                    shaped=rng.choice(
                        ["", "The safety plan", "The next assessment", "The choice of college course"]
                    ),
                )
            day += dt.timedelta(days=rng.randint(5, 14))

    def _notes(self, episode: Episode, worker: User, side: random.Random) -> None:
        """Two to four case notes since the episode opened, one in five amended later by its
        author. Each is dated as written an hour after it happened (the demo fills in history,
        so the edit window has passed)."""
        person = episode.person
        days_open = (self.today - episode.open_date).days
        if days_open < 2:
            return
        for kind, present, body, who in side.sample(NOTES, k=side.randint(2, 4)):
            author = self.manager if who == "manager" else worker
            day = episode.open_date + dt.timedelta(days=side.randint(1, days_open - 1))
            when = _at(day, side.randint(9, 17))
            note = notes.record_note(
                person,
                notes.NoteText(kind, when, body.format(name=person.forename), present),
                actor=author,
            )
            CaseNote.objects.filter(pk=note.pk).update(created_at=when + dt.timedelta(hours=1))
            note.versions.update(written_at=when + dt.timedelta(hours=1))
            note.refresh_from_db()
            if side.random() < 0.2:
                if note.present:
                    reason, later = (
                        AMEND_REASONS[0],
                        notes.NoteText(kind, when - dt.timedelta(hours=1), note.body, note.present),
                    )
                else:
                    reason, later = (
                        AMEND_REASONS[1],
                        notes.NoteText(kind, when, note.body, f"{person.forename} and the hub worker"),
                    )
                notes.amend_note(note, later, reason, actor=author)

    def _team(self, episode: Episode, worker: User) -> None:
        rng = self.rng
        size = rng.choice([2, 3, 3, 4, 5, 7])
        for n, (name, agency, role) in enumerate(rng.sample(TEAM, k=size)):
            contact.add_team_member(
                episode,
                actor=worker,
                name=name,
                agency=agency,
                role=role,
                from_date=episode.open_date + dt.timedelta(days=n),
                lead=n == 0 and rng.random() < 0.9,
            )

    def _nrm_and_transition(self, episode: Episode, worker: User) -> None:
        rng = self.rng
        person = episode.person
        if rng.random() < 0.12:
            referred = episode.open_date + dt.timedelta(days=rng.randint(5, 30))
            if referred <= self.today:
                nrm = contact.record_nrm(
                    person, actor=worker, referred_on=referred, first_responder="Children's social care"
                )
                if (self.today - referred).days > 5:
                    contact.record_nrm(
                        person,
                        actor=worker,
                        nrm=nrm,
                        referred_on=referred,
                        first_responder="Children's social care",
                        reasonable_grounds="POSITIVE",
                        reasonable_grounds_on=referred + dt.timedelta(days=5),
                    )
        age = person.age(self.today)
        if age is not None and age >= 17 and rng.random() < 0.6:
            contact.write_transition_plan(
                person,
                actor=worker,
                adult_social_care="Referred to the transitions team; joint visit booked.",
                housing="Stays with family; housing options worker named if that changes.",
                health="Registered with a GP; sexual health clinic knows the hub worker.",
                support_past_18=rng.random() < 0.5,
            )
