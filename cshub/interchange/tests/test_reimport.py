"""Re-importing a history: the queries do not grow with the number of children, unchanged
rows change nothing, and a changed row (of any column kind) is still updated."""

import csv
import datetime as dt
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cshub.audit.models import AuditEvent
from cshub.casework.models import Episode
from cshub.demo.bench import Scale, generate
from cshub.interchange.importer import ImportResult, run_import
from cshub.missing.models import MissingEpisode
from cshub.referrals.models import Referral


def _history(folder: Path, children: int, years: int, last_year: int = 2025) -> Path:
    folder.mkdir()
    scale = Scale(1, years, children=children, referrals=children // 2, workers=2)
    generate(folder, scale, last_year=last_year)
    return folder


def _reimport_queries(folder: Path) -> tuple[int, ImportResult]:
    first = run_import(folder, actor=None)
    assert first.ok and sum(first.counts.created.values()) > 0
    with CaptureQueriesContext(connection) as ctx:
        again = run_import(folder, actor=None)
    assert again.ok
    assert sum(again.counts.created.values()) == sum(again.counts.updated.values()) == 0
    # Nothing changed, so no child's trail names the re-import.
    assert not AuditEvent.objects.filter(detail__import=again.run.pk).exclude(child_id=None).exists()
    return len(ctx.captured_queries), again


def test_a_re_import_asks_the_same_number_of_queries_whatever_the_number_of_children(db, tmp_path):
    small, _ = _reimport_queries(_history(tmp_path / "small", children=6, years=1, last_year=2022))
    larger, again = _reimport_queries(_history(tmp_path / "larger", children=30, years=2))
    assert again.rows > 4 * 40  # several times the small history's rows
    assert larger == small


def _rewrite(path: Path, ident: str, **cells: str) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    head = rows[0]
    for row in rows[1:]:
        if row[0] == ident:
            for name, value in cells.items():
                row[head.index(name)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def test_a_re_import_updates_each_kind_of_changed_value(db, tmp_path):
    folder = _history(tmp_path / "h", children=6, years=1)
    assert run_import(folder, actor=None).ok
    missing = MissingEpisode.objects.filter(returned_at__isnull=False).order_by("pk").first()
    episode = Episode.objects.filter(close_date__isnull=False).order_by("pk").first()
    referral = Referral.objects.order_by("pk").first()
    assert missing and episode and referral and episode.close_date != episode.open_date
    returned = missing.reported_at.astimezone(dt.UTC) + dt.timedelta(hours=5, minutes=7)
    _rewrite(
        folder / "missing.csv",
        missing.source_id or "",
        miss_missing_episode_end_date=f"{returned:%Y-%m-%dT%H:%M}:00Z",
    )
    _rewrite(folder / "csh_episode.csv", episode.source_id or "", close_date=episode.open_date.isoformat())
    _rewrite(folder / "csh_referral.csv", referral.source_id or "", other_types="CSE;TRAFFICKING")
    again = run_import(folder, actor=None)
    assert again.ok
    assert again.counts.updated == {
        "professional": 0,
        "person": 0,
        "address": 0,
        "referral": 1,
        "episode": 1,
        "assessment": 0,
        "missing": 1,
        "return_interview": 0,
        "population": 0,
    }
    missing.refresh_from_db()
    episode.refresh_from_db()
    referral.refresh_from_db()
    assert missing.returned_at == returned
    assert episode.close_date == episode.open_date
    assert referral.other_types == ["CSE", "TRAFFICKING"]
    changed = AuditEvent.objects.get(child_id=missing.person_id, detail__import=again.run.pk).detail
    assert changed["changed"]["missing.missingepisode"] == {str(missing.pk): ["returned_at"]}
