"""The region demo (`cshub demo --region`, issue 24): the shared people each hub holds, and the
instances' settings. The servers themselves: cshub/region/tests/test_live_region.py."""

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cshub.audit.models import AuditEvent
from cshub.demo.region import (
    FOUND_ELSEWHERE,
    HUBS,
    LINKAGE_SECRET,
    SHARED,
    hub_spec,
    key_of,
    make_shared_people,
)
from cshub.demo.region_serve import link_region, region_instances
from cshub.intelligence.models import Subject
from cshub.missing.models import MissingEpisode
from cshub.people.models import Person
from cshub.referrals.models import Referral
from cshub.region.instances import Instance, InstanceError, Region


def test_the_shared_people_differ_between_hubs_as_real_records_do() -> None:
    shared = [s for s in SHARED if s.shared]
    assert len(shared) >= 8 and any(s.kind == "adult" for s in shared)
    hubs = {h.hub_id for h in HUBS}
    for person in SHARED:
        assert set(person.records) <= hubs
    differences = set()
    for person in shared:
        first, *others = person.records.values()
        for other in others:
            if (other.forename, other.surname) == (first.surname, first.forename):
                differences.add("swapped")
            elif other.forename != first.forename and other.forename[:3] == first.forename[:3]:
                differences.add("first name")
            if other.surname != first.surname and other.surname[:4] == first.surname[:4]:
                differences.add("surname")
            if abs((other.born - first.born).days) == 1:
                differences.add("day of birth")
    assert differences == {"swapped", "first name", "surname", "day of birth"}
    # Each hub's records live in its own districts (or where another hub placed the child).
    districts = {d for h in HUBS for d in h.districts}
    assert all(r.district in districts for s in SHARED for r in s.records.values())
    for hub_id, key, location in FOUND_ELSEWHERE:
        where = re.search(r"\b([A-Z]{1,2}\d{1,2}) \d[A-Z]{2}$", location)
        assert where, location
        found_in = [h for h in HUBS if where.group(1) in h.districts]
        assert found_in and found_in[0].hub_id != hub_id
        assert hub_id in next(s for s in SHARED if s.key == key).records


@pytest.mark.django_db
def test_a_hub_holds_its_records_of_the_shared_people_made_through_the_actions() -> None:
    made = make_shared_people("manchester", extra_children=5, seed=1)
    mine = [s for s in SHARED if "manchester" in s.records]
    assert made.children == sum(s.kind == "child" for s in mine) + 5
    assert made.adults == sum(s.kind == "adult" for s in mine)
    jayden = Person.objects.get(source_id="region-demo:c01:manchester")
    assert (jayden.forename, jayden.surname, jayden.date_of_birth) == (
        "Jayden",
        "Oakhollow",
        dt.date(2010, 3, 14),
    )
    assert jayden.addresses.get().postcode.startswith("M8 ")
    assert Referral.objects.filter(person=jayden).exists()
    assert AuditEvent.objects.filter(child_id=jayden.pk, action="CREATE").exists()
    nate = Person.objects.get(source_id="region-demo:c07:manchester")
    assert {(n.forename, n.surname) for n in nate.names.all()} == {
        ("Nathaniel", "Gorseridge"),
        ("Nate", "Gorseridge"),
    }
    adult = Person.objects.get(source_id="region-demo:a01:manchester")
    assert adult.person_type == "ADULT"
    assert Subject.objects.filter(kind="ADULT", person=adult).exists()
    assert not Person.objects.filter(source_id__startswith="region-demo:c03").exists()  # not Manchester's
    episode = MissingEpisode.objects.get(person__source_id="region-demo:c05:manchester")
    assert episode.found_location.endswith("BL9 0SN") and "BL9" in hub_spec("bury").districts
    assert key_of(jayden.source_id) == "c01" and key_of("other:1") is None
    # Again: nothing twice.
    again = make_shared_people("manchester", extra_children=5, seed=1)
    assert (again.children, again.adults, again.missing) == (0, 0, 0)
    assert MissingEpisode.objects.filter(person__source_id__startswith="region-demo:").count() == 1


def test_the_demo_region_is_three_hubs_and_the_region_on_consecutive_ports(tmp_path: Path) -> None:
    instances = region_instances(tmp_path, 18000)
    assert [(i.hub_id, i.role, i.port) for i in instances] == [
        ("gm-region", "region", 18000),
        ("manchester", "hub", 18001),
        ("bury", "hub", 18002),
        ("salford", "hub", 18003),
    ]
    assert len({i.var_dir for i in instances}) == 4


def test_each_instance_has_its_own_database_and_only_hubs_have_the_linkage_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://cshub@127.0.0.1:1/cshub")
    monkeypatch.setenv("CSHUB_LINKAGE_SECRET", "not-this-one")
    region = Region(region_instances(tmp_path, 18000), linkage_secret=LINKAGE_SECRET)
    for instance in region.instances:
        env = instance.env(LINKAGE_SECRET)
        assert "DATABASE_URL" not in env
        assert env["CSHUB_VAR_DIR"] == str(instance.var_dir)
        assert env["CSHUB_HUB_ID"] == instance.hub_id and env["CSHUB_INSTANCE"] == instance.role
        assert env["DJANGO_SETTINGS_MODULE"] == "cshub.settings" and env["CSHUB_DEMO"] == "1"
        assert env["CSHUB_LINKAGE_SECRET"] == (LINKAGE_SECRET if instance.role == "hub" else "")
    with pytest.raises(ValueError, match="own hub id"):
        Region([*region.instances, region.instances[0]], linkage_secret=LINKAGE_SECRET)


def test_the_region_demo_serves_on_loopback_only() -> None:
    with pytest.raises(CommandError, match="loopback only"):
        call_command("demo", "--region", "--addr", "0.0.0.0:8000")


class _Unbuilt(Region):
    """A region whose `cshub region` commands are not built: each says so."""

    def command(self, instance: Instance, *args: str, check: bool = True, timeout: float = 900) -> Any:
        self.ran.append((instance.hub_id, *args))
        raise InstanceError(
            f"`cshub {' '.join(args)}` failed on {instance.hub_id}: `cshub region keys` is not built yet"
        )

    ran: list[tuple[str, ...]]


def test_the_region_demo_says_what_it_could_not_do_and_sends_nothing_without_peers(tmp_path: Path) -> None:
    region = _Unbuilt(region_instances(tmp_path, 18000), linkage_secret=LINKAGE_SECRET)
    region.ran = []
    said: list[str] = []
    problems = link_region(region, said.append)
    assert problems == [
        "keys and peers: `cshub region keys` failed on gm-region: `cshub region keys` is not built yet"
    ]
    assert region.ran == [("gm-region", "region", "keys")]  # no encodings sent without peers
