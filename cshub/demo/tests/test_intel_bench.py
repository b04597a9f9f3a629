"""`cshub bench intelligence` at a tiny scale: the generator's shape, and the bench reads
what the page shows. Behaviour, not timing."""

import statistics
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cshub.demo import intel_bench, intel_generate
from cshub.demo.search_bench import signed_in
from cshub.intelligence.models import Link, Subject
from cshub.people.models import Person

pytestmark = pytest.mark.django_db

TINY = intel_generate.Scale(hubs=2, children=2000, adults=1000, places=600, links=20_000)


@pytest.fixture
def generated():
    return intel_generate.generate(TINY, seed=3)


def test_the_generator_makes_the_scale_asked_for_with_clusters_hotspots_code_c_and_restrictions(generated):
    assert Person.objects.filter(person_type="CHILD").count() == 2000 == len(generated.children)
    assert Person.objects.filter(person_type="ADULT").count() == 1000
    assert Subject.objects.filter(kind="ADULT").count() == 1000
    assert Subject.objects.filter(kind="PLACE").count() == 600
    assert Link.objects.count() == 20_000 == generated.links
    assert Link.objects.filter(child__isnull=True).count() == TINY.subject_links
    per_child = Counter(Link.objects.filter(child__isnull=False).values_list("child_id", flat=True))
    assert len(per_child) == 2000  # every child has links
    assert sum(2 <= k <= 20 for k in per_child.values()) / 2000 > 0.8  # most 2 to 20
    assert max(per_child.values()) > 20  # a few many more
    # A hotspot: linked to many more children than a typical subject.
    children_of = Counter(
        s
        for s, _ in Link.objects.filter(child__isnull=False, subject__kind__in=["PLACE", "ADULT"])
        .values_list("subject_id", "child_id")
        .distinct()
    )
    assert children_of[generated.hotspots[0]] >= 3 * statistics.median(children_of.values())
    assert Subject.objects.get(pk=generated.hotspots[0]).kind in ("PLACE", "ADULT")
    assert Link.objects.filter(handling="C").count() == generated.code_c > 0
    assert Link.objects.filter(named_users__isnull=False).exists() or generated.code_c < 50
    assert Person.objects.filter(restricted=True).count() == len(generated.restricted) == 40
    assert Subject.objects.filter(confirmed=False).exists()
    assert Link.objects.filter(first_seen__year=2020).exists() and Link.objects.filter(first_seen__year=2026)
    assert set(Link.objects.values_list("assessment", flat=True).distinct()) >= {"A", "B", "C"}


def test_the_bench_reads_the_network_the_page_shows(generated):
    near = [pk for pk, by_hotspot in intel_bench.choose_children(generated, 20, seed=3) if by_hotspot]
    assert near, "a child next to a hotspot is measured"
    for user in (generated.practitioner, generated.officer):
        rows, graph = intel_bench.network_data(user, near[0])
        page = intel_bench.visit_page(signed_in(user), near[0])
        assert page.rows == len(rows) > 0
        assert page.graph == graph
    # The police officer reads code C content the practitioner does not.
    practitioner_rows, _ = intel_bench.network_data(generated.practitioner, near[0])
    assert any(not r.visible for r in practitioner_rows) or all(
        r.link.handling == "P" for r in practitioner_rows
    )


def test_the_tiny_bench_runs_end_to_end_and_writes_its_section(settings, tmp_path: Path):
    settings.DEMO = True
    docs = tmp_path / "performance.md"
    docs.write_text("# Performance\n\n## Person search at scale\n\nEarlier.\n", encoding="utf-8")
    out = StringIO()
    call_command(
        "bench",
        "intelligence",
        *("--hubs", "2", "--children", "300", "--adults", "100", "--places", "60", "--links", "3000"),
        *("--sample", "10", "--docs", str(docs)),
        stdout=out,
    )
    report = out.getvalue()
    assert "| practitioner (social care) | 10 |" in report and "| police officer | 10 |" in report
    assert "reads the same whatever the network's size: yes" in report
    assert "igraph's connected_components on the same edge list in memory" in report
    assert "the same components as igraph's: yes" in report
    assert "3. Alerts after 1,000 new links: skipped" in report or "new links," in report
    text = docs.read_text(encoding="utf-8")
    assert text.index("## Person search at scale") < text.index("## Intelligence at scale")
    assert "300 children, 100 adults of concern, 60 places, 3,000 links" in text
    with pytest.raises(CommandError, match="already holds records"):
        call_command("bench", "intelligence", "--links", "3000", "--children", "300", stdout=StringIO())
