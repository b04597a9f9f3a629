"""A problem about a whole file (no line, no column: "-" in `cshub import`'s output) is
shown on the pages as the file and what is wrong, without a "-" column (issue 16)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from cshub.interchange.tests.test_returns import head, uploads_in_tmp  # noqa: F401


def test_a_cin_census_warning_about_the_file_shows_no_dash_column(client_for, uploads_in_tmp):  # noqa: F811
    manager = client_for("team_manager")
    upload = SimpleUploadedFile(
        "census.xml", head("cin_census", "cin_census_2025_26.xml"), content_type="text/xml"
    )
    assert manager.post("/imports/", {"files": upload})["Location"] == "/imports/review/"
    review = manager.get("/imports/review/").content.decode()
    assert "<li>census.xml: elements not read: CINPlanDates" in review
    assert ": -:" not in review and "<code>-</code>" not in review
    done = manager.post("/imports/confirm/", {"decision": "import"})
    run = manager.get(done["Location"]).content.decode()
    assert "<li>census.xml: elements not read: CINPlanDates" in run and ": -:" not in run


def test_a_file_level_error_has_an_empty_column_cell(client_for, uploads_in_tmp):  # noqa: F811
    manager = client_for("team_manager")
    upload = SimpleUploadedFile("person.csv", b"", content_type="text/csv")
    manager.post("/imports/", {"files": upload})
    review = manager.get("/imports/review/").content.decode()
    assert "the file is empty: it needs a header row" in review
    assert "<code>-</code>" not in review
