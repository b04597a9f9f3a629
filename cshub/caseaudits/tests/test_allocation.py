"""Allocation of a round's audits: never the case's own worker, the agencies' sections to
their agency, a moderated share for a second auditor, load balanced from the seed; a round
that cannot be made makes nothing (docs/case-audits.md)."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from cshub.audit.models import AuditEvent
from cshub.caseaudits import actions
from cshub.caseaudits.models import Audit, AuditRole, AuditStatus, AuditTemplate, Sample, SampleRule
from cshub.caseaudits.tests.sample_data import at_noon, episode, interview, staff
from cshub.conftest import TODAY
from cshub.people import actions as people

START = TODAY - dt.timedelta(days=300)
END = START + dt.timedelta(days=29)
DUE = TODAY + dt.timedelta(days=21)


@pytest.fixture
def manager(personas):
    return personas["team_manager"]


@pytest.fixture
def worker(personas):
    return personas["practitioner"]


@pytest.fixture
def hub_audit(db):
    return AuditTemplate.objects.get(name="Hub case audit", version=1)


def rule(
    name: str = SampleRule.OPEN_PER_WORKER, n: int | None = 10, **kw: object
) -> actions.SampleDefinition:
    return actions.SampleDefinition(name, START, END, per_stratum=n, **kw)  # type: ignore[arg-type]


def draw(template, pool, manager, definition=None, **kw):
    return actions.draw_sample(
        "Open cases",
        template,
        definition or rule(seed=42, moderation_percent=0),
        pool,
        DUE,
        actor=manager,
        **kw,
    )


def test_no_audit_goes_to_the_cases_own_worker_and_the_load_is_balanced(manager, worker, hub_audit):
    sam, ann, raj = staff("Sam Smith"), staff("Ann Obi"), staff("Raj Patel")
    for owner in (worker, worker, worker, sam, sam, ann):
        episode(manager, owner, START)

    sample = draw(hub_audit, [worker, sam, ann, raj], manager, rule(seed=42, moderation_percent=0))

    audits = list(sample.audits.all())
    assert len(audits) == 6 == len(sample.drawn)
    assert all(a.auditor_id != a.case_worker_id for a in audits)
    load = {u.pk: sum(a.auditor_id == u.pk for a in audits) for u in (worker, sam, ann, raj)}
    assert sorted(load.values()) == [1, 1, 2, 2]
    for a in audits:  # every section of the template, the lead auditor's
        assert [p.auditor_id for p in a.parts.all()] == [a.auditor_id] * hub_audit.sections.count()
    assert AuditEvent.objects.filter(object_type="caseaudits.audit", action="CREATE").count() == 6


def test_the_same_seed_allocates_the_same_way(manager, worker, hub_audit):
    pool = [worker, staff("Sam Smith"), staff("Ann Obi")]
    for owner in (worker, pool[1], pool[2], worker):
        episode(manager, owner, START)

    first = draw(hub_audit, pool, manager, rule(seed=9, moderation_percent=50))
    second = draw(hub_audit, pool, manager, rule(seed=9, moderation_percent=50))

    def shape(sample: Sample) -> list[tuple[int | None, str, int]]:
        return [(a.episode_id, a.role, a.auditor_id) for a in sample.audits.order_by("id")]

    assert first.drawn == second.drawn
    assert shape(first) == shape(second)


def test_a_pool_of_one_who_is_the_cases_worker_is_refused_and_nothing_is_made(manager, worker, hub_audit):
    episode(manager, worker, START, forename="Kofi")
    rounds, audits = Sample.objects.count(), Audit.objects.count()

    with pytest.raises(ValidationError) as refused:
        draw(hub_audit, [worker], manager)

    assert refused.value.message_dict["auditors"] == [
        "No auditor in the pool can audit Kofi's case: the only one is its worker"
    ]
    assert (Sample.objects.count(), Audit.objects.count()) == (rounds, audits)


def test_a_restricted_childs_case_goes_only_to_an_auditor_named_on_it(manager, worker, hub_audit):
    sam, ann = staff("Sam Smith"), staff("Ann Obi")
    made = episode(manager, worker, START, forename="Tia")
    people.set_restriction(made.person, True, "Relative of staff", actor=manager)
    people.grant_access(made.person, ann, actor=manager)

    sample = draw(hub_audit, [sam, ann], manager, rule(seed=1, moderation_percent=0))
    assert [a.auditor_id for a in sample.audits.all()] == [ann.pk]

    with pytest.raises(ValidationError) as refused:
        draw(hub_audit, [sam, worker], manager, rule(seed=1, moderation_percent=0))
    assert refused.value.message_dict["auditors"] == [
        "No auditor in the pool can audit Tia's case: apart from its worker, no one in it may see "
        "the child's record"
    ]


def test_a_rule_that_selects_nothing_makes_no_round(manager, worker, hub_audit):
    with pytest.raises(ValidationError) as refused:
        draw(hub_audit, [worker], manager)
    assert refused.value.message_dict["rule"] == [
        "This rule selects no cases in that period: no audit round was made"
    ]
    assert not Sample.objects.filter(name="Open cases").exists()


def test_a_template_not_in_use_or_for_the_wrong_subject_is_refused(manager, worker, hub_audit):
    episode(manager, worker, START)
    draft = AuditTemplate.objects.create(name="Not yet", created_by=manager)
    peer = AuditTemplate.objects.get(name="Return interview peer audit")
    sam = staff("Sam Smith")

    with pytest.raises(ValidationError) as refused:
        draw(draft, [sam], manager)
    assert refused.value.message_dict["template"] == [
        "This template is not in use: choose a published template"
    ]
    with pytest.raises(ValidationError) as refused:
        draw(peer, [sam], manager)
    assert "choose a case audit template" in refused.value.message_dict["template"][0]
    with pytest.raises(ValidationError) as refused:
        draw(hub_audit, [sam], manager, rule(SampleRule.RETURN_INTERVIEWS, n=2))
    assert "choose a return interview (peer audit) template" in refused.value.message_dict["template"][0]
    assert not Sample.objects.filter(name="Open cases").exists()


def test_an_auditor_must_be_able_to_carry_out_audits(manager, worker, personas, hub_audit):
    episode(manager, worker, START)
    with pytest.raises(ValidationError) as refused:
        draw(hub_audit, [personas["analyst"]], manager)
    assert refused.value.message_dict["auditors"] == [
        "Analyst Persona cannot carry out case audits: choose auditors who can"
    ]


def test_a_multi_agency_audits_sections_go_to_an_auditor_of_their_agency(manager, worker):
    template = AuditTemplate.objects.get(name="Multi-agency case audit")
    officer = staff("Pat Constable", agency="POLICE")
    nurse = staff("Nia Nurse", agency="HEALTH")
    lead = staff("Sam Smith")
    for _ in range(2):
        episode(manager, worker, START)

    sample = draw(template, [lead, officer, nurse, worker], manager, rule(seed=3, moderation_percent=0))

    for audit in sample.audits.all():
        for part in audit.parts.select_related("section", "auditor"):
            if part.section.agency:
                assert part.auditor.agency == part.section.agency
            else:
                assert part.auditor_id == audit.auditor_id

    with pytest.raises(ValidationError) as refused:
        draw(template, [lead, officer], manager, rule(seed=3, moderation_percent=0))
    assert refused.value.message_dict["auditors"][0].startswith("No auditor of Health in the pool can answer")


def test_a_share_is_moderated_blind_by_another_auditor(manager, worker, hub_audit):
    pool = [worker, staff("Sam Smith"), staff("Ann Obi")]
    for _ in range(4):
        episode(manager, worker, START)

    sample = draw(hub_audit, pool, manager, rule(seed=5, moderation_percent=50))

    moderations = list(sample.audits.filter(role=AuditRole.MODERATION).select_related("moderates"))
    assert len(moderations) == 2  # half of four
    assert sample.audits.filter(role=AuditRole.PRIMARY).count() == 4
    for moderation in moderations:
        assert moderation.moderates is not None
        assert moderation.auditor_id not in (moderation.case_worker_id, moderation.moderates.auditor_id)
        assert moderation.episode_id == moderation.moderates.episode_id

    nothing = draw(hub_audit, pool, manager, rule(seed=5, moderation_percent=0))
    assert not nothing.audits.filter(role=AuditRole.MODERATION).exists()


def test_moderation_needs_a_second_auditor_who_is_not_the_worker(manager, worker, hub_audit):
    episode(manager, worker, START, forename="Kofi")
    rounds = Sample.objects.count()
    with pytest.raises(ValidationError) as refused:
        draw(hub_audit, [worker, staff("Sam Smith")], manager, rule(seed=5, moderation_percent=100))
    assert refused.value.message_dict["auditors"][0].startswith(
        "No second auditor in the pool can moderate Kofi's case"
    )
    assert Sample.objects.count() == rounds


def test_return_interviews_are_audited_by_someone_other_than_the_interviewer(manager, worker, personas):
    peer = AuditTemplate.objects.get(name="Return interview peer audit")
    missing_worker = personas["missing_worker"]
    returned = at_noon(START + dt.timedelta(days=2))
    for hours in (80, 100):
        interview(worker, missing_worker, returned, dt.timedelta(hours=hours))

    sample = draw(
        peer,
        [missing_worker, worker],
        manager,
        rule(SampleRule.LATE_RETURN_INTERVIEWS, n=None, seed=1, moderation_percent=0),
    )

    assert [a.auditor_id for a in sample.audits.all()] == [worker.pk, worker.pk]
    assert all(a.return_interview_id and a.case_worker_id == missing_worker.pk for a in sample.audits.all())


def test_the_same_request_key_draws_one_round(manager, worker, hub_audit):
    episode(manager, worker, START)
    key = uuid.uuid4()
    sam = staff("Sam Smith")
    first = draw(hub_audit, [sam], manager, request_key=key)
    again = draw(hub_audit, [sam], manager, request_key=key)
    assert again.pk == first.pk
    assert Sample.objects.filter(request_key=key).count() == 1
    assert first.audits.count() == 1


def test_reallocating_refuses_the_cases_worker_and_a_moderations_first_auditor(manager, worker, hub_audit):
    sam, ann = staff("Sam Smith"), staff("Ann Obi")
    episode(manager, worker, START)
    sample = draw(hub_audit, [sam, ann], manager, rule(seed=2, moderation_percent=100))
    primary = sample.audits.get(role=AuditRole.PRIMARY)
    moderation = sample.audits.get(role=AuditRole.MODERATION)

    with pytest.raises(ValidationError) as refused:
        actions.reallocate(primary, worker, actor=manager)
    assert refused.value.message_dict["auditor"] == [
        "Practitioner Persona is this case's worker: choose another auditor"
    ]
    with pytest.raises(ValidationError) as refused:
        actions.reallocate(moderation, primary.auditor, actor=manager)
    assert "carried out the audit this one moderates" in refused.value.message_dict["auditor"][0]
    with pytest.raises(ValidationError):
        actions.reallocate(primary, moderation.auditor, actor=manager)  # it would not be blind

    raj = staff("Raj Patel")
    actions.reallocate(primary, raj, actor=manager)
    primary.refresh_from_db()
    assert primary.auditor_id == raj.pk
    assert set(primary.parts.values_list("auditor_id", flat=True)) == {raj.pk}
    event = AuditEvent.objects.filter(object_type="caseaudits.audit", action="UPDATE").latest("id")
    assert event.child_id == primary.person_id


def test_cancelling_needs_a_reason_and_takes_the_open_moderation_with_it(manager, worker, hub_audit):
    episode(manager, worker, START)
    sample = draw(
        hub_audit, [staff("Sam Smith"), staff("Ann Obi")], manager, rule(seed=2, moderation_percent=100)
    )
    primary = sample.audits.get(role=AuditRole.PRIMARY)

    with pytest.raises(ValidationError) as refused:
        actions.cancel_audit(primary, "  ", actor=manager)
    assert refused.value.message_dict["reason"] == ["Give the reason the audit is cancelled"]

    actions.cancel_audit(primary, "Drawn in error: the case moved to another area.", actor=manager)
    assert set(sample.audits.values_list("status", flat=True)) == {AuditStatus.CANCELLED}


def test_one_case_audited_outside_a_round_never_by_its_worker(manager, worker, hub, hub_audit):
    made = hub["episode"]
    with pytest.raises(ValidationError) as refused:
        actions.audit_case(hub_audit, auditor=worker, due_date=DUE, actor=manager, episode=made)
    assert refused.value.message_dict["auditor"] == [
        "Practitioner Persona is this case's worker: choose another auditor"
    ]

    audit = actions.audit_case(hub_audit, auditor=manager, due_date=DUE, actor=manager, episode=made)
    assert (audit.sample_id, audit.case_worker_id, audit.person_id) == (None, worker.pk, made.person_id)
    assert audit.parts.count() == hub_audit.sections.count()


def test_only_a_manager_draws_a_round(worker, hub_audit):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        draw(hub_audit, [worker], worker)
