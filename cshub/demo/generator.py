"""The synthetic data generator shared by the demo and the tests.

A city hub over two years, shaped like the seed figures in spec/metrics.md: about 240
referrals a year, about 60% criminal and 22% sexual exploitation, about 70% boys.
Every record is made through the rooms' actions, so the demo exercises the same
validation, audit and timeline as real use. Seeded: the same seed and end date give the
same hub.
"""

import datetime as dt
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone

from cshub.access.models import User
from cshub.casework import actions as casework
from cshub.casework.models import Episode
from cshub.core.codes import ExploitationType, Outcome
from cshub.core.dates import LONDON
from cshub.demo import names, texts
from cshub.demo.accounts import ensure_demo_accounts
from cshub.demo.annual import build_annual_report
from cshub.demo.area_register import build_register
from cshub.demo.audits import build_audits
from cshub.demo.consultations import CONSULTATIONS_PER_YEAR, build_consultations
from cshub.demo.disruption import make_disruption
from cshub.demo.documents import make_documents
from cshub.demo.meetings import make_meetings
from cshub.demo.network import make_network
from cshub.demo.philomena import make_profiles
from cshub.demo.practice import PracticeMaker
from cshub.demo.standards import build_standards
from cshub.demo.workforce import build_workforce
from cshub.missing import actions as missing
from cshub.missing.models import MissingFlag
from cshub.people import actions as people
from cshub.people.models import Person
from cshub.referrals import actions as referrals
from cshub.referrals.models import Decision, Referral
from cshub.register.sync import sync_people

ETHNICITIES = [
    ("WBRI", 52),
    ("WOTH", 5),
    ("MWBC", 7),
    ("MWBA", 3),
    ("MOTH", 4),
    ("APKN", 8),
    ("ABAN", 2),
    ("AIND", 1),
    ("AOTH", 2),
    ("BAFR", 7),
    ("BCRB", 4),
    ("BOTH", 2),
    ("CHNE", 1),
    ("OOTH", 1),
    ("WROM", 1),
]
OTHER_TYPES = [
    ExploitationType.SERIOUS_VIOLENCE,
    ExploitationType.CRIMINAL_AND_SEXUAL,
    ExploitationType.TRAFFICKING,
    ExploitationType.THREAT_TO_LIFE,
    ExploitationType.FORCED_MARRIAGE_HBV,
    ExploitationType.OTHER,
]
SOURCES = [("6", 45), ("2A", 15), ("5A", 15), ("3E", 5), ("3F", 5), ("5D", 5), ("1A", 5), ("8", 5)]


@dataclass
class Summary:
    people: int = 0
    referrals: int = 0
    episodes: int = 0
    closed: int = 0
    intelligence_links: int = 0
    documents: int = 0
    documents_scanned: bool = True
    consultations: int = 0
    register_children: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


def _when(day: dt.date, hour: int = 10) -> dt.datetime:
    """A time of day on a date, in Europe/London, for back-filled history."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


STEP_DOWN = [
    "Locality social worker",
    "Early help key worker",
    "Youth project mentor",
    "School pastoral lead",
    "Youth justice worker",
]
VIEWS_OF_ENDING = [
    "Said she is ready and knows she can ring the hub if things change.",
    "Would like to keep seeing his mentor; happy the meetings are ending.",
    "Worried about losing her worker; we agreed a goodbye session.",
    "Said it helped to have someone who listened.",
]


# What children and carers said at closure (picked by the episode's id, not drawn from the
# generator's random stream: the published-year figures depend on that stream).
CHILD_FEEDBACK = [
    "You kept turning up even when I didn't want to talk.",
    "It helped having someone who listened and didn't judge me.",
    "Some meetings were boring but my worker was sound.",
]
CARER_FEEDBACK = [
    "We know who to call now if it starts again.",
    "Things are calmer at home; the safety plan helped.",
    "I wish we had been told sooner what was happening.",
]


class HubGenerator:
    def __init__(
        self, *, seed: int = 2026, today: dt.date | None = None, years: int = 2, referrals_per_year: int = 240
    ) -> None:
        self.rng = random.Random(seed)  # nosec B311 # seeded generator of synthetic data, never for security
        self.entries_rng = random.Random(seed + 11)  # nosec B311 # seeded generator of synthetic data, never for security
        self.seed = seed
        self.today = today or timezone.localdate()
        self.start = self.today - dt.timedelta(days=365 * years)
        self.count = referrals_per_year * years
        self.years = years
        self.summary = Summary()
        self.used_names: set[tuple[str, str]] = set()

    # People -------------------------------------------------------------------------
    def _new_child(self, referral_date: dt.date) -> Person:
        rng = self.rng
        is_boy = rng.random() < 0.70
        self_described = rng.random() < 0.02
        forename = rng.choice(names.NEUTRAL if self_described else names.BOYS if is_boy else names.GIRLS)
        surname = rng.choice(names.SURNAMES)
        while (forename, surname) in self.used_names:
            surname = rng.choice(names.SURNAMES)
        self.used_names.add((forename, surname))
        age = _weighted(
            rng, [("10", 2), ("11", 3), ("12", 5), ("13", 10), ("14", 18), ("15", 25), ("16", 24), ("17", 13)]
        )
        born = referral_date - dt.timedelta(days=int(age) * 365 + rng.randint(10, 355))
        details = people.PersonDetails(
            forename=forename,
            surname=surname,
            date_of_birth=born,
            dob_estimated=rng.random() < 0.03,
            sex="U" if self_described else ("M" if is_boy else "F"),
            gender="09" if self_described else ("01" if is_boy else "02"),
            ethnicity=_weighted(rng, ETHNICITIES),
            upn=f"A{rng.randint(10**11, 10**12 - 1)}",
        )
        aliases = [(rng.choice(names.STREET_NAMES), "")] if rng.random() < 0.15 else []
        person = people.create_person(
            details, actor=self.admin_worker, aliases=aliases, at=_when(referral_date, 9)
        )
        decile = rng.choices(range(1, 11), weights=[22, 20, 18, 10, 8, 7, 5, 4, 3, 3])[0]
        area = rng.choice(names.POSTCODE_AREAS)
        people.add_address(
            person,
            actor=self.admin_worker,
            line=f"{rng.randint(1, 180)} {rng.choice(names._FIRST)} Street",
            postcode=f"{area} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            start_date=born + dt.timedelta(days=rng.randint(0, 3650)),
            imd_decile=decile,
        )
        self.summary.people += 1
        return person

    def _type_for(self, person: Person) -> str:
        rng = self.rng
        weights = [("CCE", 78), ("CSE", 6)] if person.sex == "M" else [("CCE", 20), ("CSE", 60)]
        rest = 100 - sum(w for _, w in weights)
        pairs = weights + [(str(t), rest // len(OTHER_TYPES) or 1) for t in OTHER_TYPES]
        return _weighted(rng, pairs)

    # Events ---------------------------------------------------------------------------
    def run(self, progress: Callable[[int], None] | None = None) -> Summary:
        with transaction.atomic():
            self.users = ensure_demo_accounts()
            self.manager = self.users["manager"]
            self.missing_worker = self.users["missing"]
            self.admin_worker = self.users["practitioner"]
            self.workers = [
                u
                for k, u in self.users.items()
                if k in ("practitioner", "police", "nurse") or k.startswith("worker.")
            ]
            self._simulate(progress)
            self._restrict_some()
            self._recent_returns()
            self.summary.intelligence_links = make_network(self.users, self.today, seed=self.seed)
            make_disruption(self.users, self.today)
            make_meetings(self.users, self.today, seed=self.seed)
            self.summary.documents, self.summary.documents_scanned = make_documents(self.users)
            make_profiles(self.users, self.today, seed=self.seed)
            # The whole area (issue 21): the register, then the calls about its children.
            register = build_register(self.users, self.today, seed=self.seed, ethnicities=ETHNICITIES)
            self.summary.register_children = register.children
            self.summary.consultations = build_consultations(
                self.users,
                self.today,
                seed=self.seed,
                per_year=round(CONSULTATIONS_PER_YEAR * self.count / self.years / 240),
            )
            # Case audits (issue 22): rounds done, in progress, peer and multi-agency.
            build_audits(self.users, self.today, seed=self.seed)
            # Reports and returns (issue 23): teams and training, the practice standards'
            # history, the annual report's texts.
            build_workforce(self.users, self.today, seed=self.seed)
            build_standards(self.users, self.today)
            build_annual_report(self.users, self.today)
            sync_people()  # the hub's own children and the locality's CIN factors, flagged
        return self.summary

    def _simulate(self, progress: Callable[[int], None] | None) -> None:
        rng = self.rng
        span = (self.today - self.start).days
        days = sorted(self.start + dt.timedelta(days=rng.randint(0, span)) for _ in range(self.count))
        closures: list[tuple[dt.date, int]] = []
        closed_children: list[Person] = []
        for n, day in enumerate(days):
            while closures and closures[0][0] < day:
                close_day, episode_pk = heapq.heappop(closures)
                closed = self._close(Episode.objects.get(pk=episode_pk), close_day)
                if closed is not None:
                    closed_children.append(closed)
            # A child leaves this list when re-referred, so everyone in it is closed to the hub.
            if closed_children and rng.random() < 0.18:
                person = closed_children.pop(rng.randrange(len(closed_children)))
            else:
                person = self._new_child(day)
            episode = self._refer(person, day)
            if episode is not None:
                planned_close = episode.open_date + dt.timedelta(days=rng.randint(60, 330))
                heapq.heappush(closures, (planned_close, episode.pk))
                self._missing_history(episode, planned_close)
                self._assessments(episode, planned_close)
            if progress:
                progress(n + 1)
        while closures and closures[0][0] <= self.today:
            close_day, episode_pk = heapq.heappop(closures)
            self._close(Episode.objects.get(pk=episode_pk), close_day)
        maker = PracticeMaker(rng, self.today, self.manager)
        for episode in Episode.objects.open().select_related("person", "allocated_worker", "referral"):
            self._summarise(episode)
            maker.populate(episode)
        self._hold_panels()

    def _hold_panels(self) -> None:
        """Flags older than a month were seen at an earlier monthly panel: record its decision."""
        cutoff = timezone.now() - dt.timedelta(days=30)
        people_seen = {
            f.person for f in MissingFlag.objects.open().filter(raised_at__lt=cutoff).select_related("person")
        }
        for person in sorted(people_seen, key=lambda p: p.pk):
            missing.record_panel_decision(
                person,
                texts.PANEL_DECISION,
                "Trigger plan updated and shared with police and carers.",
                actor=self.manager,
                at=cutoff,
            )

    def _refer(self, person: Person, day: dt.date) -> Episode | None:
        rng = self.rng
        kind = self._type_for(person)
        others = [str(t) for t in rng.sample(OTHER_TYPES, k=rng.choice([0, 0, 0, 1, 1, 2])) if str(t) != kind]
        mash = rng.random() < 0.4
        referral = referrals.record_referral(
            person,
            referrals.ReferralDetails(
                received_date=day,
                primary_type=kind,
                other_types=others,
                source_code=_weighted(rng, SOURCES),
                referrer_name=f"{rng.choice(names.WORKER_FIRST)} {rng.choice(names.SURNAMES)}",
                referrer_agency=rng.choice(["POLICE", "SOCIAL_CARE", "EDUCATION", "HEALTH", "EARLY_HELP"]),
                concerns=texts.concerns(kind, person.forename, person.sex, rng),
                mash_consulted=mash,
                mash_consulted_on=day if mash else None,
                mash_consultee=f"{rng.choice(names.WORKER_FIRST)} {rng.choice(names.SURNAMES)}"
                if mash
                else "",
                mash_advice="Refer to the Complex Safeguarding Hub; no statutory threshold met at the front door."
                if mash
                else "",
            ),
            actor=rng.choice(self.workers),
        )
        self.summary.referrals += 1
        self.summary.by_type[kind] = self.summary.by_type.get(kind, 0) + 1
        if (self.today - day).days < 8 and rng.random() < 0.6:
            return None  # still awaiting a decision
        decided = min(self.today, day + dt.timedelta(days=rng.randint(0, 6)))
        already_open = person.episodes.open().exists()
        decision = (
            Decision.NFA
            if already_open
            else _weighted(rng, [(Decision.OPEN, 56), (Decision.NFA, 24), (Decision.SIGNPOSTED, 20)])
        )
        referrals.decide_referral(
            referral,
            decision,
            texts.rationale(decision, person.forename, rng, already_open),
            decision_date=decided,
            actor=self.manager,
        )
        if decision != Decision.OPEN:
            return None
        recent = (self.today - decided).days < 12
        worker = None if recent and rng.random() < 0.5 else rng.choice(self.workers)
        episode = casework.open_episode(
            referral, actor=self.manager, open_date=decided, allocated_worker=worker
        )
        if worker is not None and rng.random() < 0.8:
            casework.allocate_episode(
                episode,
                casework.Allocation(
                    allocated_worker=worker,
                    locality_social_worker=f"{rng.choice(names.WORKER_FIRST)} {rng.choice(names.SURNAMES)}",
                    lead_professional=str(worker),
                    lead_professional_agency=worker.agency,
                ),
                actor=self.manager,
                at=_when(decided, 15),
            )
        self.summary.episodes += 1
        return episode

    def _outcome(self, yes: float) -> str:
        r = self.rng.random()
        if r < yes:
            return Outcome.YES
        return Outcome.UNKNOWN if r > 0.97 else Outcome.NO

    def _close(self, episode: Episode, day: dt.date) -> Person | None:
        """Close an episode; recent closures wait for a manager (then None: still open)."""
        rng = self.rng
        closure = casework.Closure(
            close_date=day,
            closure_summary=texts.closure(episode.person.forename, rng),
            outcome_eet=self._outcome(0.73),
            outcome_stable_accommodation=self._outcome(0.91),
            outcome_positive_relationship=self._outcome(0.90),
            feedback_child=rng.random() < 0.73,
            feedback_parent_carer=rng.random() < 0.55,
            step_down_to=rng.choice(STEP_DOWN),
            child_view_of_ending=rng.choice(VIEWS_OF_ENDING),
        )
        closure = replace(
            closure,
            feedback_child_said=CHILD_FEEDBACK[episode.pk % 3] if closure.feedback_child else "",
            feedback_child_how="FACE_TO_FACE" if closure.feedback_child else "",
            feedback_parent_carer_said=CARER_FEEDBACK[episode.pk % 3]
            if closure.feedback_parent_carer
            else "",
            feedback_parent_carer_how="PHONE" if closure.feedback_parent_carer else "",
        )
        recent = (self.today - day).days < 14
        actor = (episode.allocated_worker or self.admin_worker) if recent else self.manager
        casework.record_closure(
            episode,
            closure,
            actor=actor,
            at=_when(day, 16),
            override_reason="Risk is held by the locality team with the plan in place; reviewed at the daily meeting.",
        )
        if episode.is_open:
            return None
        self.summary.closed += 1
        return episode.person

    def _missing_history(self, episode: Episode, planned_close: dt.date) -> None:
        """Missing episodes in the 90 days before the hub opened and during its work, at a
        rate that falls for most children as the work takes hold."""
        rng = self.rng
        if rng.random() > 0.7:
            return
        last_day = min(planned_close, self.today)
        before = rng.choice([1, 1, 2, 3, 4, 6])
        for offset in sorted(rng.sample(range(1, 91), k=before), reverse=True):
            self._missing(episode.person, episode.open_date - dt.timedelta(days=offset))
        span = max((last_day - episode.open_date).days, 1)
        during = min(span, int(before * rng.uniform(0.1, 1.5) * span / 120))
        for offset in sorted(rng.sample(range(span), k=during)):
            self._missing(episode.person, episode.open_date + dt.timedelta(days=offset))

    def _missing(self, person: Person, day: dt.date) -> None:
        rng = self.rng
        reported = _when(day, rng.choice([7, 16, 18, 20, 21, 22, 23]))
        now = timezone.now()
        if reported > now - dt.timedelta(hours=2):
            return
        returned: dt.datetime | None = reported + dt.timedelta(
            hours=rng.choice([2, 4, 7, 12, 18, 26, 40, 70])
        )
        if returned is not None and returned > now:
            returned = None  # still missing
        episode = missing.record_missing_episode(
            person,
            missing.MissingReport(
                reported_at=reported,
                returned_at=returned,
                missing_type=_weighted(rng, [("M", 80), ("A", 20)]),
                police_risk=_weighted(
                    rng, [("NO_APPARENT_RISK", 10), ("LOW", 30), ("MEDIUM", 45), ("HIGH", 15)]
                ),
                from_care=rng.random() < 0.35,
            ),
            actor=self.missing_worker,
        )
        if returned is None or returned + dt.timedelta(days=6) > now:
            return  # the return interview is still to be done
        outcome = _weighted(
            rng, [("COMPLETED", 70), ("DECLINED", 14), ("UNABLE_TO_CONTACT", 11), ("NOT_OFFERED", 5)]
        )
        late = rng.random() > 0.74
        completed = returned + dt.timedelta(hours=rng.randint(74, 160) if late else rng.randint(3, 71))
        missing.record_return_interview(
            episode,
            missing.InterviewRecord(
                outcome=outcome,
                offered_at=returned + dt.timedelta(hours=rng.randint(1, 24))
                if outcome != "NOT_OFFERED"
                else None,
                completed_at=completed if outcome == "COMPLETED" else None,
                interviewer=self.missing_worker if outcome == "COMPLETED" else None,
                delay_reason=rng.choice(texts.DELAY_REASONS) if outcome == "COMPLETED" and late else "",
                exploitation_concern=rng.random() < 0.3 if outcome == "COMPLETED" else None,
                child_account=rng.choice(texts.CHILD_ACCOUNTS) if outcome == "COMPLETED" else "",
                where_and_who=rng.choice(texts.WHERE_AND_WHO) if outcome == "COMPLETED" else "",
                entries=self._entries() if outcome == "COMPLETED" else (),
            ),
            actor=self.missing_worker,
        )

    def _recent_returns(self) -> None:
        """Children who came back in the last few days and wait for their return interview:
        some with time left on the 72-hour clock, some past it, so the queue is alive on the
        day the demo runs (its own random stream: the rest of the hub is unchanged)."""
        rng = random.Random(self.seed + 23)  # nosec B311 # seeded generator of synthetic data, never for security
        now = timezone.now()
        open_children = list(
            Person.objects.filter(episodes__close_date__isnull=True, restricted=False).order_by("pk")[:200]
        )
        for hours_ago in (5, 11, 20, 31, 46, 58, 79, 96, 120):
            person = rng.choice(open_children)
            returned = now - dt.timedelta(hours=hours_ago)
            missing.record_missing_episode(
                person,
                missing.MissingReport(
                    reported_at=returned - dt.timedelta(hours=rng.choice([6, 14, 26, 40])),
                    returned_at=returned,
                    missing_type="M",
                    police_risk=rng.choice(["LOW", "MEDIUM", "MEDIUM", "HIGH"]),
                    from_care=rng.random() < 0.35,
                    found_location=rng.choice(
                        ["Bus station", "A flat on Larch Court", "Another town", "Friend's house"]
                    ),
                ),
                actor=self.missing_worker,
            )

    def _entries(self) -> tuple[tuple[str, str, str], ...]:
        """Places, people, vehicles and phones from a small shared pool, so the same ones come
        up for several children (its own random stream: the rest of the hub is unchanged)."""
        rng = self.entries_rng
        if rng.random() < 0.8:
            return ()
        if rng.random() < 0.5:  # one of the few places and people several children name
            return (rng.choice(texts.INTERVIEW_ENTRIES),)
        street = rng.choice(["Mill Lane", "Canal Street", "Station Road", "Hope Street", "Bank Top"])
        return (("PLACE", f"{rng.randint(1, 180)} {street}", "A friend's house"),)

    def _assessments(self, episode: Episode, planned_close: dt.date) -> None:
        """A first assessment (usually within four weeks), then reviews about every quarter,
        with risk mostly falling; a manager reviews most of them."""
        rng = self.rng
        levels = ["LOW", "MEDIUM", "HIGH"]
        level = _weighted(rng, [("HIGH", 40), ("MEDIUM", 45), ("LOW", 15)])
        day = episode.open_date + dt.timedelta(days=rng.choice([6, 10, 14, 18, 21, 24, 27, 28, 33, 40]))
        last_day = min(planned_close, self.today)
        while day <= last_day:
            reviewed = rng.random() < 0.8
            i = levels.index(level)
            reviewer_level = level if rng.random() < 0.78 else levels[max(0, min(2, i + rng.choice([-1, 1])))]
            casework.record_assessment(
                episode,
                casework.AssessmentRecord(
                    completed_date=day,
                    risk_level=level,
                    assessor=episode.allocated_worker,
                    reviewer=self.manager if reviewed else None,
                    reviewer_risk_level=reviewer_level if reviewed else "",
                    cin_factors=("24A", "10A") if rng.random() < 0.5 else ("11A",),
                ),
                actor=episode.allocated_worker or self.manager,
            )
            if rng.random() < 0.55 and i > 0:
                level = levels[i - 1]
            day += dt.timedelta(days=rng.randint(70, 100))

    def _summarise(self, episode: Episode) -> None:
        author = episode.allocated_worker or self.manager
        # Some summaries are older than the hub's standard, so the prompt to review shows.
        age_days = min(self.rng.choice([2, 5, 9, 14, 20, 26, 35, 60]), (self.today - episode.open_date).days)
        casework.write_case_summary(
            episode.person,
            casework.CaseSummaryText(
                **texts.case_summary(
                    episode.person, episode.referral.primary_type if episode.referral else "", self.rng
                )
            ),
            actor=author,
            at=_when(self.today - dt.timedelta(days=age_days), 11),
        )

    def _restrict_some(self) -> None:
        candidates = list(Person.objects.filter(episodes__close_date__isnull=True).order_by("pk")[:40])
        for person in self.rng.sample(candidates, k=min(2, len(candidates))):
            people.set_restriction(
                person, True, "Relative of a member of staff in a partner agency", actor=self.manager
            )


def generate(
    *,
    seed: int = 2026,
    today: dt.date | None = None,
    years: int = 2,
    referrals_per_year: int = 240,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    return HubGenerator(seed=seed, today=today, years=years, referrals_per_year=referrals_per_year).run(
        progress
    )


def has_demo_data() -> bool:
    return Referral.objects.exists() or (
        User.objects.filter(is_demo=True).exists() and Person.objects.exists()
    )
