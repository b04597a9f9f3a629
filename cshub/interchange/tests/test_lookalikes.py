"""The import's "People who may already have a record" section: reported on the check
page and kept with the import run, with a link to compare each pair; never merged."""

from pathlib import Path
from typing import Any

from cshub.interchange.importer import run_import
from cshub.interchange.models import ImportRun
from cshub.interchange.views import SESSION_KEY
from cshub.people.models import Person


def extract(folder: Path, dob: str) -> Path:
    folder.mkdir()
    (folder / "person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_dob\n"
        f"LL-1,Kofy,Ashcombe,{dob}\n"
        "LL-2,Zebedee,Quarrington,2012-02-02\n",
        encoding="utf-8",
    )
    return folder


def test_the_import_reports_look_alikes_and_keeps_them_with_the_run(
    hub: dict[str, Any], tmp_path: Path, client_for: Any
) -> None:
    child, manager = hub["child"], hub["manager"]
    result = run_import(extract(tmp_path / "x", child.date_of_birth.isoformat()), actor=manager)
    assert result.ok and result.run is not None
    new = Person.objects.get(source_id="LL-1")
    run = ImportRun.objects.get(pk=result.run.pk)
    assert run.lookalikes == [{"file": "person.csv", "line": 2, "new": new.pk, "existing": child.pk}]
    assert new.merged_into is None  # the import never merges

    page = client_for("team_manager").get(f"/imports/{run.pk}/").content.decode()
    assert "People who may already have a record" in page
    assert f"/children/{new.pk}/compare/{child.pk}/" in page
    assert "may be the same person" not in page


def test_the_check_page_has_the_section_not_a_warning_per_row(
    hub: dict[str, Any], tmp_path: Path, client_for: Any
) -> None:
    from cshub.interchange import uploads

    browser = client_for("team_manager")
    folder = extract(tmp_path / "x", hub["child"].date_of_birth.isoformat())
    with (folder / "person.csv").open("rb") as f:
        browser.post("/imports/", {"files": f})
    assert browser.session.get(SESSION_KEY) and uploads.path(browser.session[SESSION_KEY])
    page = browser.get("/imports/review/").content.decode()
    assert "People who may already have a record" in page
    assert f"Kofi Ashcombe (CSHub ID {hub['child'].pk})" in page
    assert "may be the same person" not in page
