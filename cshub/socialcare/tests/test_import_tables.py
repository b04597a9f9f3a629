"""The SSD tables of the council's record of the child (ssd_cin_episodes, ssd_involvements,
ssd_cin_assessments, ssd_assessment_factors, ssd_cla_episodes, ssd_cp_plans,
ssd_contacts), imported from the test extracts as each case system writes them
(cshub/interchange/tests/extracts/*/README.md give the expected results)."""

import datetime as dt
import shutil
from pathlib import Path

from cshub.audit.models import Action, AuditEvent
from cshub.interchange.exporter import export
from cshub.interchange.importer import run_import
from cshub.missing.models import MissingEpisode
from cshub.people.models import Person
from cshub.socialcare.models import (
    AssessmentFactor,
    CinAssessment,
    CinEpisode,
    ClaEpisode,
    Contact,
    CpPlan,
    Involvement,
)

EXTRACTS = Path(__file__).resolve().parents[2] / "interchange" / "tests" / "extracts"
TABLES = (
    "cin_episodes",
    "involvements",
    "cin_assessments",
    "assessment_factors",
    "cla_episodes",
    "cp_plans",
    "contacts",
)
# P1-P9 of extracts/README.md, by system: the children the tables are about. They are made
# here rather than imported from ssd_person.csv, whose system values are read by other
# parts of issue 15.
CHILDREN = {
    "liquidlogic": [str(1004501 + i) for i in range(9)],
    "mosaic": [str(300101 + i) for i in range(9)],
    "eclipse": [str(700101 + i) for i in range(9)],
}


def extract(tmp_path: Path, system: str, tables: tuple[str, ...] = TABLES) -> Path:
    """The data files of a test extract (never its README), copied as they are."""
    target = tmp_path / system
    target.mkdir()
    for table in tables:
        shutil.copy(EXTRACTS / system / f"ssd_{table}.csv", target / f"ssd_{table}.csv")
    return target


def children(system: str) -> dict[str, Person]:
    return {
        ident: Person.objects.create(
            forename="Test",
            surname=f"Child {n}",
            date_of_birth=dt.date(2010, 1, 1),
            source_id=ident,
        )
        for n, ident in enumerate(CHILDREN[system], start=1)
    }


def test_a_mosaic_extract_gives_the_councils_record_of_each_child(db, tmp_path):
    kids = children("mosaic")
    result = run_import(extract(tmp_path, "mosaic"), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts is not None
    assert result.counts.created == {
        "cin_episode": 9,
        "involvement": 7,
        "cin_assessment": 6,
        "assessment_factor": 5,
        "cla_episode": 3,
        "cp_plan": 2,
        "contact": 9,
    }
    # CIN episodes: 3 closed, RC8 twice and RC7 once.
    closed = CinEpisode.objects.exclude(close_date=None)
    assert sorted(closed.values_list("close_reason", flat=True)) == ["RC7", "RC8", "RC8"]
    # Mosaic's involvements have no invo_person_id: each reaches its child through its referral.
    assert {i.source_id: i.person.source_id for i in Involvement.objects.all()} == {
        "61001": "300101",
        "61002": "300102",
        "61003": "300103",
        "61004": "300104",
        "61005": "300104",
        "61006": "300108",
        "61007": "300109",
    }
    assert Involvement.objects.get(source_id="61004").cin_episode == CinEpisode.objects.get(
        source_id="9000104"
    )
    assert CinAssessment.objects.exclude(auth_date=None).count() == 5
    # Factors: the step id after the child's id names the assessment (Mosaic's rule).
    factors = {f.person.source_id: f.factors for f in AssessmentFactor.objects.select_related("person")}
    assert factors == {
        "300101": ["4A", "10A", "11A"],
        "300102": ["10A", "13A", "24A"],
        "300103": ["9A", "12A"],
        "300104": ["3B", "16A"],
        "300105": ["21"],
    }
    assert AssessmentFactor.objects.get(source_id="9200001").assessment.source_id == "3001019200001"
    p3 = ClaEpisode.objects.filter(person=kids["300103"]).order_by("start_date")
    assert [(c.start_date, c.start_reason, c.ceased_date, c.ceased_reason) for c in p3] == [
        (dt.date(2024, 3, 4), "S", dt.date(2024, 9, 30), "X1"),
        (dt.date(2024, 9, 30), "L", None, ""),
    ]
    plan = CpPlan.objects.get(source_id="8801")
    assert (plan.person, plan.initial_category, plan.latest_category) == (kids["300104"], "NEG", "MUL")
    assert (plan.start_date, plan.end_date) == (dt.date(2023, 12, 1), dt.date(2024, 11, 15))
    contact = Contact.objects.get(source_id="9300001")
    assert (contact.contact_date, contact.source_desc, contact.source_code) == (
        dt.date(2024, 1, 12),
        "Police",
        "",
    )
    # One audit event per child, naming every record the import made about them.
    event = AuditEvent.objects.get(action=Action.IMPORT, child_id=kids["300104"].pk)
    created = event.detail["created"]
    assert len(created["socialcare.involvement"]) == 2 and len(created["socialcare.cpplan"]) == 1
    # The same extract again changes nothing.
    (tmp_path / "again").mkdir()
    again = run_import(extract(tmp_path / "again", "mosaic"), actor=None)
    assert again.ok and again.counts is not None
    assert not any(again.counts.created.values()) and not any(again.counts.updated.values())
    assert Involvement.objects.count() == 7


def test_liquidlogic_links_workers_and_factors_by_id_and_keeps_worker_names_as_text(db, tmp_path):
    children("liquidlogic")
    folder = extract(tmp_path, "liquidlogic", (*TABLES[:4], "contacts", "professionals"))
    result = run_import(folder, actor=None)
    assert result.ok, [str(e) for e in result.errors]
    involvement = Involvement.objects.get(source_id="7711009")
    assert involvement.professional == "40202"
    assert involvement.professional_user is not None
    assert involvement.professional_user.get_full_name() == "Marcus Doyle"
    assessment = CinAssessment.objects.get(source_id="3301005")
    assert assessment.worker_user is None or assessment.worker_user.source_id == assessment.worker
    # cine_referral_worker_id holds the worker's name (DIM_WORKER_ID_DESC): kept as text, one
    # warning for the column, never an error.
    assert CinEpisode.objects.get(source_id="2311005").worker == "Hannah Pryce"
    worker_warnings = [w for w in result.warnings if w.column == "cine_referral_worker_id"]
    assert len(worker_warnings) == 1 and "9 rows" in worker_warnings[0].message
    # Factors linked directly (cinf_assessment_id = cina_assessment_id).
    factor = AssessmentFactor.objects.get(source_id="3301006")
    assert factor.assessment.source_id == "3301006" and factor.factors == ["10A", "13A", "24A"]


def test_eclipse_factors_link_by_table_id_and_the_empty_slots_are_dropped(db, tmp_path):
    children("eclipse")
    tables = tuple(t for t in TABLES if t != "cp_plans")
    result = run_import(extract(tmp_path, "eclipse", tables), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    factor = AssessmentFactor.objects.get(source_id="160001")
    assert factor.table_id == "700101160001"
    assert factor.assessment.source_id == "700101160001"
    assert factor.factors == ["4A", "10A", "11A"]
    # Eclipse's open episodes carry "" as their close reason: empty, like NULL.
    assert CinEpisode.objects.filter(close_reason="").count() == 6


def test_a_factor_row_no_rule_places_is_an_error(db, tmp_path):
    children("mosaic")
    result = run_import(extract(tmp_path, "mosaic", ("assessment_factors",)), actor=None)
    assert not result.ok
    assert {(e.file, e.line, e.column) for e in result.errors} == {
        ("ssd_assessment_factors.csv", line, "cinf_assessment_id") for line in range(2, 7)
    }
    assert "no assessment" in result.errors[0].message
    assert not AssessmentFactor.objects.exists()


def test_missing_from_care_is_known_from_the_looked_after_episodes(db, tmp_path):
    children("mosaic")
    result = run_import(extract(tmp_path, "mosaic", ("missing", "cla_episodes")), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    from_care = dict(MissingEpisode.objects.values_list("source_id", "from_care"))
    assert sorted(str(k) for k, v in from_care.items() if v) == ["9100003", "9100004", "9100005", "9100008"]
    assert sum(v is False for v in from_care.values()) == 6


def test_import_export_import_changes_nothing(db, tmp_path):
    children("mosaic")
    assert run_import(extract(tmp_path, "mosaic"), actor=None).ok
    out = tmp_path / "out"
    counts = export(out, actor=None)
    assert counts["cin_episode"] == 9 and counts["assessment_factor"] == 5 and counts["contact"] == 9
    assert (out / "ssd_cla_episodes.csv").exists()
    again = run_import(out, actor=None)
    assert again.ok, [str(e) for e in again.errors]
    assert again.counts is not None
    assert not any(again.counts.created.values()), again.counts.created
    assert not any(again.counts.updated.values()), again.counts.updated


def test_the_ceased_date_under_its_v124_name_is_read(db, tmp_path):
    """v1.2.4 names the column `clae_cla_episode_ceased` (ssd_v124/README.md): Mosaic's
    file with its ceased-date column named so imports the same, with no unknown column."""
    kids = children("mosaic")
    folder = extract(tmp_path, "mosaic", ("cla_episodes",))
    path = folder / "ssd_cla_episodes.csv"
    header, _, rest = path.read_text(encoding="utf-8").partition("\n")
    path.write_text(header.replace("clae_cla_episode_ceased_date", "clae_cla_episode_ceased") + "\n" + rest)
    result = run_import(folder, actor=None)
    assert result.ok, [str(e) for e in result.errors]
    assert not result.warnings, [str(w) for w in result.warnings]
    episode = ClaEpisode.objects.get(person=kids["300103"], start_reason="S")
    assert episode.ceased_date == dt.date(2024, 9, 30)
