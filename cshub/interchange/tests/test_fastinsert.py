import datetime as dt
import gc
from pathlib import Path

import pytest

from cshub.audit.models import AuditEvent
from cshub.interchange import fastinsert
from cshub.interchange.fastinsert import insert_rows, reserve_ids
from cshub.interchange.importer import run_import
from cshub.interchange.models import ImportRun

pytestmark = pytest.mark.django_db(transaction=False)


def test_reserved_ids_are_never_ones_already_used_or_deleted():
    runs = [ImportRun.objects.create(source=f"r{n}") for n in range(3)]
    top = runs[-1].pk
    runs[-1].delete()  # its id must not come back
    assert reserve_ids(ImportRun, 2) == [top + 1, top + 2]
    assert reserve_ids(ImportRun, 0) == []


def test_rows_read_back_as_the_orm_wrote_them():
    when = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)  # the clock-change night
    insert_rows(
        AuditEvent,
        ["at", "action", "object_type", "object_id", "via", "actor_agency", "request_id", "reason", "detail"],
        [(when, "IMPORT", "x.y", "7", "import", "", "", "", {"import": 1})],
    )
    event = AuditEvent.objects.get(object_id="7")
    assert event.at == when and event.detail == {"import": 1}
    assert AuditEvent.objects.filter(at__gte=when, at__lt=when + dt.timedelta(seconds=1)).count() == 1


def test_rows_beyond_one_statement_all_arrive_in_order(monkeypatch):
    monkeypatch.setattr(fastinsert, "ROWS_PER_INSERT", 3)  # 7 rows: two full statements and one
    names = [
        "at",
        "action",
        "object_type",
        "object_id",
        "via",
        "actor_agency",
        "request_id",
        "reason",
        "detail",
    ]
    when = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    insert_rows(
        AuditEvent, names, [(when, "IMPORT", "x.y", str(n), "import", "", "", "", {"n": n}) for n in range(7)]
    )
    events = AuditEvent.objects.filter(object_type="x.y").order_by("pk")
    assert [(e.object_id, e.detail) for e in events] == [(str(n), {"n": n}) for n in range(7)]


def test_an_import_leaves_the_cycle_collector_as_it_found_it(tmp_path: Path):
    (tmp_path / "person.csv").write_text("pers_person_id,pers_forename\np1,Sam\n")  # errors: not written
    assert gc.isenabled()
    result = run_import(tmp_path, actor=None)
    assert result.errors and gc.isenabled()
