"""The synthetic region of `cshub bench intelligence` (intel_bench.py): children, adults of
concern, places and their links, generated straight into the database, seeded."""

import datetime as dt
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from cshub.access.actions import create_user
from cshub.access.models import User
from cshub.demo.names import BOYS, GIRLS, POSTCODE_AREAS, STREET_NAMES, SURNAMES
from cshub.intelligence.models import Link, Subject
from cshub.interchange.fastinsert import insert_rows, reserve_ids
from cshub.people.models import Person

TARGET_NETWORK_MS = 200.0
TARGET_GROUPS_S = 5.0
TARGET_RATIO = 2.0
TARGET_ALERTS_S = 2.0
NEIGHBOURHOOD = 50  # children
HOTSPOTS_PER_HUB = 10  # 5 places and 5 adults
PRACTITIONER = "bench.intel.practitioner"
OFFICER = "bench.intel.police"
TODAY = dt.date(2026, 11, 30)
POLICE = ["POLICE"]
POLICE_AND_SOCIAL_CARE = ["POLICE", "SOCIAL_CARE"]
FIRST_DAY = dt.date(2020, 1, 1)


@dataclass(frozen=True)
class Scale:
    hubs: int = 10
    children: int = 100_000
    adults: int = 50_000
    places: int = 30_000
    links: int = 1_000_000

    @property
    def vehicles(self) -> int:
        return max(self.hubs, self.adults // 5)

    @property
    def phones(self) -> int:
        return max(self.hubs, self.adults // 5)

    @property
    def accounts(self) -> int:
        return max(self.hubs, self.adults // 10)

    @property
    def subject_links(self) -> int:
        """Links between subjects (adults to places, vehicles, phones, groups): a tenth."""
        return self.links // 10

    def describe(self) -> str:
        return (
            f"{self.hubs} hubs, {self.children:,} children, {self.adults:,} adults of concern, "
            f"{self.places:,} places, {self.links:,} links"
        )


# (kind, share of a child's links); link types for each kind
CHILD_TARGETS = [("ADULT", 35), ("PLACE", 35), ("VEHICLE", 8), ("PHONE", 10), ("ACCOUNT", 7), ("GROUP", 5)]
LINK_TYPES = {
    "ADULT": ["ASSOCIATES"] * 6 + ["EXPLOITS"] * 2 + ["FOUND_WITH"] * 2,
    "PLACE": ["SEEN_AT"] * 6 + ["FOUND_AT"] * 3 + ["LIVES_AT"],
    "VEHICLE": ["TRAVELS_IN"],
    "PHONE": ["CONTACTS"],
    "ACCOUNT": ["CONTACTS"],
    "GROUP": ["MEMBER_OF"],
}
SUBJECT_LINK_TYPES = {
    "ADULT": "ASSOCIATES",
    "PLACE": "LIVES_AT",
    "VEHICLE": "USES",
    "PHONE": "USES",
    "ACCOUNT": "USES",
    "GROUP": "MEMBER_OF",
}
SOURCES = ["RETURN_INTERVIEW"] * 35 + ["MISSING_EPISODE"] * 20 + ["POLICE"] * 30
SOURCES += ["MEETING_ITEM"] * 10 + ["CASE_NOTE"] * 5
RULES = {  # the seeded grading rules (intelligence/migrations/0002)
    "RETURN_INTERVIEW": "2CP",
    "MISSING_EPISODE": "2BP",
    "MEETING_ITEM": "2CP",
    "POLICE": "2CC",
    "CASE_NOTE": "2CP",
}
ASSESSMENTS = "A" * 2 + "B" * 4 + "C" * 3 + "D" + "E"
PLACE_KINDS = ["TAKEAWAY"] * 3 + ["HOTEL"] * 2 + ["SHOP"] * 3 + ["PARK"] * 2 + ["STATION", "HOUSE"]
PLACE_KINDS += ["HOUSE"] * 4 + ["SCHOOL", "CAR_PARK", "OTHER"]
LINK_COLUMNS = [
    "id",
    "child_id",
    "from_subject_id",
    "subject_id",
    "link_type",
    "first_seen",
    "last_seen",
    "source_type",
    "source_id",
    "detail",
    "source_evaluation",
    "assessment",
    "handling",
    "graded_by_rule",
    "graded_by_id",
    "graded_at",
    "agencies",
    "recorded_by_id",
    "recorded_at",
]


@dataclass
class Generated:
    scale: Scale
    children: list[int]  # person ids
    restricted: set[int]
    hotspots: list[int]  # subject ids, the most linked first
    links: int
    code_c: int
    seconds: float
    practitioner: User
    officer: User
    subjects_by_kind: dict[str, int] = field(default_factory=dict)


def bench_users() -> tuple[User, User]:
    """A practitioner (social care) and a police officer: demo accounts, no password."""
    made = []
    for username, agency, first, last in [
        (PRACTITIONER, "SOCIAL_CARE", "Bench", "Practitioner"),
        (OFFICER, "POLICE", "Bench", "Officer"),
    ]:
        user = User.objects.filter(username=username).first() or create_user(
            username,
            agency=agency,
            roles=["practitioner"],
            actor=None,
            first_name=first,
            last_name=last,
            is_demo=True,
        )
        made.append(user)
    return made[0], made[1]


def _day(rng: random.Random) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=rng.randrange((TODAY - FIRST_DAY).days))


def _zipf_picker(rng: random.Random, n: int) -> Callable[[], int]:
    weights = [1 / (r + 1) for r in range(n)]
    cumulative = [sum(weights[: i + 1]) for i in range(n)]
    return lambda: rng.choices(range(n), cum_weights=cumulative)[0]


def generate(scale: Scale, *, seed: int = 1, progress: Callable[[int], None] | None = None) -> Generated:
    """The synthetic region, written straight into the database."""
    began = time.perf_counter()
    rng = random.Random(f"intel/{seed}")  # nosec B311 # seeded generator of synthetic data, never for security
    practitioner, officer = bench_users()
    hubs = scale.hubs
    now = timezone.now()

    # People: children, then adults of concern, in one insert.
    n_people = scale.children + scale.adults
    person_ids = reserve_ids(Person, n_people)
    child_ids, adult_person_ids = person_ids[: scale.children], person_ids[scale.children :]
    restricted = set(rng.sample(child_ids, max(1, scale.children // 50)))
    person_rows = []
    for i, pk in enumerate(person_ids):
        child = i < scale.children
        sex = rng.choice("MF")
        forename = rng.choice(BOYS if sex == "M" else GIRLS)
        born = (
            dt.date(rng.randint(2008, 2016), rng.randint(1, 12), rng.randint(1, 28))
            if child
            else dt.date(rng.randint(1970, 2005), rng.randint(1, 12), rng.randint(1, 28))
        )
        person_rows.append(
            (
                pk,
                "CHILD" if child else "ADULT",
                forename,
                rng.choice(SURNAMES),
                born,
                False,
                sex,
                "",
                "",
                "",
                "",
                pk in restricted,
                "",
                f"intel-bench-{i}",
                now,
                now,
            )
        )
    insert_rows(
        Person,
        [
            "id",
            "person_type",
            "forename",
            "surname",
            "date_of_birth",
            "dob_estimated",
            "sex",
            "gender",
            "ethnicity",
            "upn",
            "nhs_number",
            "restricted",
            "restricted_reason",
            "source_id",
            "created_at",
            "updated_at",
        ],
        person_rows,
    )
    del person_rows

    # Subjects, per hub; each hub's kinds split into neighbourhoods.
    counts = {
        "ADULT": scale.adults,
        "PLACE": scale.places,
        "VEHICLE": scale.vehicles,
        "PHONE": scale.phones,
        "ACCOUNT": scale.accounts,
        "GROUP": max(hubs, scale.children // NEIGHBOURHOOD),
    }
    subject_ids = reserve_ids(Subject, sum(counts.values()))
    subject_rows = []
    by_kind: dict[str, list[int]] = {}
    proposed: set[int] = set()
    cursor = 0
    for kind, n in counts.items():
        ids = subject_ids[cursor : cursor + n]
        cursor += n
        by_kind[kind] = ids
        for j, pk in enumerate(ids):
            confirmed = kind == "ADULT" or j % 100 != 50  # 1% proposed
            if not confirmed:
                proposed.add(pk)
            person_id = adult_person_ids[j] if kind == "ADULT" else None
            name, key, place_kind, postcode, ward, platform, group_kind = _subject_fields(kind, j, rng)
            if person_id is not None:
                key = str(person_id)
            subject_rows.append(
                (
                    pk,
                    kind,
                    name,
                    key if confirmed else f"{key}?{j}",
                    person_id,
                    place_kind,
                    postcode,
                    ward,
                    platform,
                    group_kind,
                    "",
                    confirmed,
                    officer.pk,
                    now,
                )
            )
    insert_rows(
        Subject,
        [
            "id",
            "kind",
            "name",
            "key",
            "person_id",
            "place_kind",
            "postcode",
            "ward",
            "platform",
            "group_kind",
            "description",
            "confirmed",
            "created_by_id",
            "created_at",
        ],
        subject_rows,
    )
    del subject_rows

    def hub_of(ids: list[int], h: int) -> list[int]:
        size = len(ids) / hubs
        return ids[int(h * size) : int((h + 1) * size)] or ids[h % len(ids) : h % len(ids) + 1]

    # Hotspots: in each hub, its first 5 places and first 5 adults.
    hotspots_by_hub = [
        [
            s
            for pair in zip(hub_of(by_kind["PLACE"], h)[:5], hub_of(by_kind["ADULT"], h)[:5], strict=False)
            for s in pair
        ]
        for h in range(hubs)
    ]
    pick_hotspot = _zipf_picker(rng, HOTSPOTS_PER_HUB)
    kinds = [k for k, _ in CHILD_TARGETS]
    kind_weights = [w for _, w in CHILD_TARGETS]

    # How many links each child has: most 2-20, a few many more, in all 90% of the links.
    child_budget = scale.links - scale.subject_links
    wanted = [min(80, max(1, round(rng.lognormvariate(2.0, 0.6)))) for _ in child_ids]
    factor = child_budget / max(1, sum(wanted))
    per_child = [max(1, round(w * factor)) for w in wanted]
    difference = child_budget - sum(per_child)
    while difference:
        i = rng.randrange(len(per_child))
        if difference > 0:
            per_child[i] += 1
            difference -= 1
        elif per_child[i] > 2:
            per_child[i] -= 1
            difference += 1

    link_ids = iter(reserve_ids(Link, scale.links))
    code_c = 0
    made = 0
    rows: list[tuple[Any, ...]] = []

    def grading() -> tuple[str, str, str, str, bool, int | None, dt.datetime | None, list[str]]:
        """source type, evaluation, assessment, handling, by rule, graded by, when, agencies"""
        source = rng.choice(SOURCES)
        if source == "POLICE" and rng.random() < 0.85:
            handling = "C" if rng.random() < 0.15 else "P"
            agencies = POLICE_AND_SOCIAL_CARE if handling == "C" and rng.random() < 0.2 else POLICE
            return (
                source,
                rng.choice("1122223"),
                rng.choice(ASSESSMENTS),
                handling,
                False,
                officer.pk,
                now,
                agencies,
            )
        rule = RULES[source]
        return source, rule[0], rule[1], rule[2], True, None, None, POLICE

    named: list[int] = []

    def add(child_id: int | None, from_id: int | None, subject_id: int, link_type: str) -> None:
        nonlocal code_c, made
        first = _day(rng)
        last = (
            None
            if rng.random() < 0.1
            else min(TODAY, first + dt.timedelta(days=int(rng.expovariate(1 / 60))))
        )
        recorded_day = min(TODAY, (last or first) + dt.timedelta(days=rng.randint(0, 14)))
        recorded = dt.datetime.combine(recorded_day, dt.time(10, rng.randrange(60)), tzinfo=dt.UTC)
        source, evaluation, assessment, handling, by_rule, graded_by, graded_at, agencies = grading()
        pk = next(link_ids)
        if handling == "C":
            code_c += 1
            if rng.random() < 0.02:
                named.append(pk)
        rows.append(
            (
                pk,
                child_id,
                from_id,
                subject_id,
                link_type,
                first,
                last,
                source,
                "",
                "",
                evaluation,
                assessment,
                handling,
                by_rule,
                graded_by,
                graded_at,
                agencies,
                rng.choice((practitioner.pk, officer.pk)),
                recorded,
            )
        )
        made += 1
        if len(rows) >= 20_000:
            flush()

    def flush() -> None:
        insert_rows(Link, LINK_COLUMNS, rows)
        if progress:
            progress(len(rows))
        rows.clear()

    hub_kinds = {kind: [hub_of(ids, h) for h in range(hubs)] for kind, ids in by_kind.items()}
    per_hub_children = math.ceil(len(child_ids) / hubs)
    for c, child_id in enumerate(child_ids):
        h = min(hubs - 1, c // per_hub_children)
        local = c - h * per_hub_children
        neighbourhoods = max(1, per_hub_children // NEIGHBOURHOOD)
        hood = local * neighbourhoods // per_hub_children
        chosen: set[int] = set()
        for _ in range(per_child[c]):
            kind = rng.choices(kinds, kind_weights)[0]
            roll = rng.random()
            if roll < 0.015:
                rank = pick_hotspot() % len(hotspots_by_hub[h])
                target = hotspots_by_hub[h][rank]
                kind = "PLACE" if rank % 2 == 0 else "ADULT"  # places and adults in turn
            else:
                if roll < 0.025:
                    pool = hub_kinds[kind][rng.randrange(hubs)]  # another hub: county lines
                elif roll < 0.13:
                    pool = hub_kinds[kind][h]
                else:
                    whole = hub_kinds[kind][h]
                    size = max(1, len(whole) // neighbourhoods)
                    pool = whole[hood * size : (hood + 1) * size] or whole
                target = rng.choice(pool)
                if target in chosen:
                    target = rng.choice(pool)
            chosen.add(target)
            add(child_id, None, target, rng.choice(LINK_TYPES[kind]))

    # Adults to their places, vehicles, phones, accounts, group and other adults.
    adults = by_kind["ADULT"]
    for _ in range(scale.subject_links):
        a = rng.randrange(len(adults))
        h = min(hubs - 1, a * hubs // len(adults))
        kind = rng.choice(["PLACE", "VEHICLE", "PHONE", "ACCOUNT", "GROUP", "ADULT"])
        pool = hub_kinds[kind][h]
        position = (a - h * len(adults) // hubs) / max(1, len(adults) // hubs)
        near = int(position * len(pool))
        target = pool[min(len(pool) - 1, max(0, near + rng.randint(-3, 3)))]
        if target == adults[a]:
            continue
        add(None, adults[a], target, SUBJECT_LINK_TYPES[kind])
    # top up to exactly `links` (an adult linked to itself was skipped)
    while made < scale.links:
        a = rng.randrange(len(adults))
        add(None, adults[a], rng.choice(by_kind["PLACE"]), "LIVES_AT")
    flush()
    if named:
        insert_rows(
            Link.named_users.through,
            ["link_id", "user_id"],
            [(pk, practitioner.pk) for pk in named],
        )
    analyse()
    ranked = _hotspots_ranked([s for hub in hotspots_by_hub for s in hub])
    return Generated(
        scale,
        child_ids,
        restricted,
        ranked,
        made,
        code_c,
        time.perf_counter() - began,
        practitioner,
        officer,
        {k: len(v) for k, v in by_kind.items()} | {"proposed": len(proposed)},
    )


def _subject_fields(kind: str, j: int, rng: random.Random) -> tuple[str, str, str, str, str, str, str]:
    """name, key, place kind, postcode, ward, platform, group kind: all made up."""
    if kind == "ADULT":
        return f"{rng.choice(BOYS + GIRLS)} {rng.choice(SURNAMES)}", "", "", "", "", "", ""
    if kind == "PLACE":
        area = rng.choice(POSTCODE_AREAS)
        postcode = f"{area} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"[
            :8
        ]
        name = f"{j + 1} {rng.choice(STREET_NAMES)}"
        return (
            name,
            f"{postcode}|{name.lower()}",
            rng.choice(PLACE_KINDS),
            postcode,
            f"Ward {j % 40 + 1}",
            "",
            "",
        )
    if kind == "VEHICLE":
        plate = (
            f"BX{j % 100:02d}{chr(65 + j // 100 % 26)}{chr(65 + j // 2600 % 26)}{chr(65 + j // 67600 % 26)}"
        )
        return plate, plate, "", "", "", "", ""
    if kind == "PHONE":
        number = f"+447700{j:06d}"
        return number, number, "", "", "", "", ""
    if kind == "ACCOUNT":
        handle = f"bench_{j}"
        return f"@{handle}", f"snapchat|{handle}", "", "", "", "Snapchat", ""
    group_kind = ["PEER"] * 6 + ["OCG"] * 2 + ["COUNTY_LINE"] * 2
    return f"Bench group {j + 1}", f"bench group {j + 1}", "", "", "", "", group_kind[j % 10]


def _hotspots_ranked(candidates: list[int]) -> list[int]:
    from django.db.models import Count

    linked = dict(
        Link.objects.filter(subject_id__in=candidates, child__isnull=False)
        .values_list("subject_id")
        .annotate(k=Count("id"))
        .values_list("subject_id", "k")
    )
    return sorted(candidates, key=lambda s: (-linked.get(s, 0), s))


def analyse() -> None:
    """Fresh planner statistics after a bulk load (as the importer does)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
