"""Who audits what in a round (issue 22, docs/case-audits.md): the plan the preview shows and
the draw writes. Pure: it reads, never writes.

Round-robin over the pool in an order shuffled by the round's own seeded generator (after the
draw), each audit to the eligible auditor with the fewest so far (ties in that order), so the
load is balanced and the same seed allocates the same way. Eligible: holds CONDUCT_AUDIT, may
see the child (`people.access.may_see`), is not the case's own worker. A section of a
multi-agency template goes to an eligible pool member of the section's agency. A share of the
cases (`moderation_percent`, rounded up, chosen by the same generator) is moderated: a second
audit for an eligible pool member who is not any of the first audit's auditors (blind)."""

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.caseaudits.models import AuditTemplate, TemplateSection
from cshub.caseaudits.sampling import Case
from cshub.core.codes import Agency
from cshub.people.access import is_named, may_see
from cshub.people.models import Person


@dataclass
class Planned:
    """One audit of the plan: its lead auditor and who answers each agency's section."""

    case: Case
    lead: User
    sections: dict[int, User] = field(default_factory=dict)  # section id -> auditor

    def auditors(self) -> set[int]:
        return {self.lead.pk, *(u.pk for u in self.sections.values())}


@dataclass
class PlannedCase:
    primary: Planned
    moderation: Planned | None = None


@dataclass
class Plan:
    cases: list[PlannedCase]

    def load(self) -> dict[int, int]:
        """Audits per auditor (lead or a section), moderations included."""
        counts: dict[int, int] = {}
        for planned in self.cases:
            for audit in (planned.primary, planned.moderation):
                if audit is not None:
                    for pk in audit.auditors():
                        counts[pk] = counts.get(pk, 0) + 1
        return counts

    @property
    def moderated(self) -> int:
        return sum(1 for c in self.cases if c.moderation is not None)


def moderation_count(cases: int, percent: int) -> int:
    return min(cases, math.ceil(cases * percent / 100))


def check_pool(auditors: Sequence[User]) -> None:
    if not auditors:
        raise ValidationError({"auditors": "Select at least one auditor"})
    cannot = [str(u) for u in auditors if not u.has(Perm.CONDUCT_AUDIT)]
    if cannot:
        raise ValidationError(
            {"auditors": f"{', '.join(cannot)} cannot carry out case audits: choose auditors who can"}
        )


def case_name(person: Person, actor: User) -> str:
    """How a message names the case: the child's forename for someone who may see the child,
    never a restricted child's name to anyone else."""
    return f"{person.called}'s case" if may_see(actor, person) else "a restricted child's case"


class _Pool:
    def __init__(self, auditors: Sequence[User], rng: random.Random) -> None:
        self.order = sorted(auditors, key=lambda u: u.pk)
        rng.shuffle(self.order)
        self.rank = {u.pk: i for i, u in enumerate(self.order)}
        self.load = dict.fromkeys(self.rank, 0)
        self._sees: dict[tuple[int, int], bool] = {}

    def sees(self, user: User, person: Person) -> bool:
        key = (user.pk, person.pk)
        if key not in self._sees:
            # Named on a restricted record, not just inside a break-glass window that ends.
            self._sees[key] = may_see(user, person) and (not person.restricted or is_named(user, person))
        return self._sees[key]

    def eligible(
        self, case: Case, person: Person, *, agency: str = "", not_: Iterable[int] = ()
    ) -> list[User]:
        excluded = {case.worker_id, *not_}
        return [
            u
            for u in self.order
            if u.pk not in excluded and (not agency or u.agency == agency) and self.sees(u, person)
        ]

    def take(self, users: list[User]) -> User:
        chosen = min(users, key=lambda u: (self.load[u.pk], self.rank[u.pk]))
        self.load[chosen.pk] += 1
        return chosen


def _agency(code: str) -> str:
    return str(dict(Agency.choices).get(code, code))


def plan(
    cases: Sequence[Case],
    template: AuditTemplate,
    auditors: Sequence[User],
    moderation_percent: int,
    rng: random.Random,
    *,
    actor: User,
) -> Plan:
    """Allocate the drawn cases (rng as the draw left it). A case no one in the pool can take:
    ValidationError on "auditors" naming it."""
    check_pool(auditors)
    pool = _Pool(auditors, rng)
    moderated = set(rng.sample(range(len(cases)), moderation_count(len(cases), moderation_percent)))
    agency_sections: list[TemplateSection] = [s for s in template.sections.all() if s.agency]
    people = Person.objects.in_bulk({c.person_id for c in cases})
    planned: list[PlannedCase] = []
    for i, case in enumerate(cases):
        person = people[case.person_id]
        primary = _audit(pool, case, person, agency_sections, exclude=set(), actor=actor, moderation=False)
        moderation = None
        if i in moderated:
            moderation = _audit(
                pool, case, person, agency_sections, exclude=primary.auditors(), actor=actor, moderation=True
            )
        planned.append(PlannedCase(primary, moderation))
    return Plan(planned)


def _audit(
    pool: _Pool,
    case: Case,
    person: Person,
    agency_sections: list[TemplateSection],
    *,
    exclude: set[int],
    actor: User,
    moderation: bool,
) -> Planned:
    name = case_name(person, actor)
    leads = pool.eligible(case, person, not_=exclude)
    if not leads:
        raise ValidationError({"auditors": _why_no_one(pool, case, person, name, moderation)})
    audit = Planned(case, pool.take(leads))
    for section in agency_sections:
        who = pool.eligible(case, person, agency=section.agency, not_=exclude)
        if not who:
            agency = _agency(section.agency)
            what = "moderate" if moderation else "answer"
            raise ValidationError(
                {
                    "auditors": f"No auditor of {agency} in the pool can {what} the section "
                    f"“{section.title}” of {name}: add one to the pool"
                }
            )
        audit.sections[section.pk] = pool.take(who)
    return audit


def _why_no_one(pool: _Pool, case: Case, person: Person, name: str, moderation: bool) -> str:
    if moderation:
        return (
            f"No second auditor in the pool can moderate {name}: a moderator must not be its worker "
            "nor one of its first auditors, and must be able to see the child's record"
        )
    others = [u for u in pool.order if u.pk != case.worker_id]
    if not others:
        return f"No auditor in the pool can audit {name}: the only one is its worker"
    if len(others) < len(pool.order):
        return f"No auditor in the pool can audit {name}: apart from its worker, no one in it may see the child's record"
    return f"No auditor in the pool can audit {name}: no one in it may see the child's record"
