"""The council's record of a child on a day (socialcare.queries) and its card on the
child's page, from the Mosaic test extract (cshub/interchange/tests/extracts/mosaic)."""

import datetime as dt

from cshub.interchange.importer import run_import
from cshub.socialcare import queries
from cshub.socialcare.tests.test_import_tables import children, extract


def test_who_holds_the_case_and_the_childs_status_on_a_day(db, tmp_path):
    kids = children("mosaic")
    assert run_import(extract(tmp_path, "mosaic"), actor=None).ok
    # P4: worker 5013 (team 211) until 30 June 2024, then 5012 (team 104); a CP plan
    # from 1 December 2023 to 15 November 2024.
    before = queries.council_record(kids["300104"], on=dt.date(2024, 3, 1))
    assert (before.team, before.worker) == ("211", "5013")
    assert before.cp_plan is not None and before.cp_plan.source_id == "8801"
    after = queries.council_record(kids["300104"], on=dt.date(2025, 1, 1))
    assert (after.team, after.worker) == ("104", "5012") and after.cp_plan is None
    assert after.cin is not None and after.cin.source_id == "9000104"
    # P3: looked after from 4 March 2024, across two episodes.
    p3 = queries.council_record(kids["300103"], on=dt.date(2025, 1, 1))
    assert p3.cla is not None and p3.cla.source_id == "45313" and p3.looked_after_since == dt.date(2024, 3, 4)
    # P1: the exploitation factors of the council's assessment.
    p1 = queries.council_record(kids["300101"], on=dt.date(2025, 1, 1))
    assert p1.factors == ["4A", "10A", "11A"]
    assert [code for code, _ in p1.exploitation_factors] == ["10A", "11A"]
    # P7: a referral with no further action, no one holds the case.
    p7 = queries.council_record(kids["300107"], on=dt.date(2025, 7, 1))
    assert p7.cin is None and p7.worker == "" and p7.cla is None


def test_the_childs_page_shows_the_council_record(db, tmp_path, client_for):
    kids = children("mosaic")
    assert run_import(extract(tmp_path, "mosaic"), actor=None).ok
    page = client_for("practitioner").get(f"/children/{kids['300101'].pk}/").content.decode()
    assert "Council record" in page
    assert "Looked after" in page and "20 May 2024" in page
    assert "5011" in page  # the allocated worker, by the id the extract gives
    assert "Child sexual exploitation" in page


def test_a_team_given_by_its_id_says_its_name_is_not_in_the_extract(db, tmp_path, client_for):
    """Liquidlogic and Mosaic give a team as a department id ("104"): the card says so, and a
    team given by its name shows the name."""
    kids = children("mosaic")
    assert run_import(extract(tmp_path, "mosaic"), actor=None).ok
    page = client_for("practitioner").get(f"/children/{kids['300104'].pk}/").content.decode()
    assert "Team 104 (name not in the extract)" in page
    record = queries.council_record(kids["300104"], on=dt.date(2025, 1, 1))
    assert record.team_label == "Team 104 (name not in the extract)"
    record.team = "Complex Safeguarding North"
    assert record.team_label == "Complex Safeguarding North"
    record.team = ""
    assert record.team_label == ""
