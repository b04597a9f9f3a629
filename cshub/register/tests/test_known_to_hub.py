""" "Known to the hub", one definition: an open episode, else a past episode, else a
referral to the hub or a consultation about the child, else never."""

import datetime as dt

import pytest
from django.utils import timezone

from cshub.casework.models import Episode
from cshub.conftest import TODAY, make_child, make_referral
from cshub.consultations.models import Consultation
from cshub.people.models import Person
from cshub.register.models import AreaFlag
from cshub.register.queries import HubKnowledge, hub_knowledge_annotations, not_known_to_hub
from cshub.register.tests.helpers import flag

pytestmark = pytest.mark.django_db


def _consultation(person: Person, actor) -> Consultation:
    return Consultation.objects.create(
        occurred_at=timezone.now(),
        how="PHONE",
        caller_agency="EDUCATION",
        person=person,
        advice="Talk to the locality team.",
        outcome="ADVICE_ONLY",
        recorded_by=actor,
    )


def test_each_state(personas):
    worker = personas["practitioner"]
    open_ = make_child(worker, "Ola", "Openshaw")
    Episode.objects.create(person=open_, open_date=TODAY - dt.timedelta(days=9))
    both = make_child(worker, "Bea", "Bothwell")  # a past episode and an open one: open
    Episode.objects.create(
        person=both, open_date=TODAY - dt.timedelta(days=400), close_date=TODAY - dt.timedelta(days=300)
    )
    Episode.objects.create(person=both, open_date=TODAY - dt.timedelta(days=5))
    past = make_child(worker, "Pia", "Pastor")
    Episode.objects.create(
        person=past, open_date=TODAY - dt.timedelta(days=90), close_date=TODAY - dt.timedelta(days=30)
    )
    past_and_referred = make_child(worker, "Rex", "Pastwick")  # a past episode outranks a referral
    make_referral(past_and_referred, worker)
    Episode.objects.create(
        person=past_and_referred,
        open_date=TODAY - dt.timedelta(days=90),
        close_date=TODAY - dt.timedelta(days=3),
    )
    referred = make_child(worker, "Ria", "Referwell")
    make_referral(referred, worker)
    consulted = make_child(worker, "Cal", "Consett")
    _consultation(consulted, worker)
    never = make_child(worker, "Nell", "Neverby")
    anonymous = Consultation.objects.create(  # about nobody on record: makes no one known
        occurred_at=timezone.now(),
        how="PHONE",
        caller_agency="EDUCATION",
        anonymous_initials="NN",
        advice="Call back.",
        outcome="ADVICE_ONLY",
        recorded_by=worker,
    )
    assert anonymous.person_id is None

    rows = Person.objects.annotate(**hub_knowledge_annotations())
    states = {p.forename: p.hub_knowledge for p in rows}  # type: ignore[attr-defined]
    assert states == {
        "Ola": HubKnowledge.OPEN,
        "Bea": HubKnowledge.OPEN,
        "Pia": HubKnowledge.PAST,
        "Rex": HubKnowledge.PAST,
        "Ria": HubKnowledge.CONTACT,
        "Cal": HubKnowledge.CONTACT,
        "Nell": HubKnowledge.NEVER,
    }
    assert list(not_known_to_hub(Person.objects.all())) == [never]


def test_through_a_flag_to_its_child(personas):
    """The same definition on rows that lead to a child (prefix "person__")."""
    worker = personas["practitioner"]
    referred = make_child(worker, "Ria", "Referwell")
    make_referral(referred, worker)
    never = make_child(worker, "Nell", "Neverby")
    flag(referred)
    mine = flag(never)
    flags = AreaFlag.objects.annotate(**hub_knowledge_annotations("person__"))
    found = {f.person.forename: f.hub_knowledge for f in flags.select_related("person")}  # type: ignore[attr-defined]
    assert found == {
        "Ria": HubKnowledge.CONTACT,
        "Nell": HubKnowledge.NEVER,
    }
    assert list(not_known_to_hub(AreaFlag.objects.all(), "person__")) == [mine]
