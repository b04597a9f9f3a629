"""run_import(): validate everything; on any error write nothing; else write in one transaction."""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from cshub.access.models import User
from cshub.core import dataversion, locks
from cshub.interchange import codelists, reader, validate, write
from cshub.interchange.models import ImportRun
from cshub.people.models import Person


@dataclass
class ImportResult:
    errors: list[reader.Problem] = field(default_factory=list)
    warnings: list[reader.Problem] = field(default_factory=list)
    counts: write.Counts | None = None
    run: ImportRun | None = None
    rows: int = 0
    unplaced: list[codelists.Unplaced] = field(default_factory=list)  # codes a manager may map
    lookalikes: list[reader.LookAlike] = field(default_factory=list)  # may already have a record

    @property
    def ok(self) -> bool:
        return not self.errors


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's collector of reference cycles paused while an import reads and writes: the
    rows are millions of objects that live until the import ends and form no cycles, and
    each full collection would walk all of them again (about an eighth of an import's
    time). Reference counting still frees everything as usual; the collector is restored
    afterwards, whatever happens."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(
    path: Path,
    actor: User | None = None,
    max_bytes: int | None = None,
    mappings: Iterable[codelists.MapEntry] = (),
) -> tuple[reader.Parsed, ImportResult]:
    """`mappings`: code mappings to use for this check only, besides those kept."""
    with cycle_collection_paused(), codelists.mappings_loaded(mappings):
        parsed = reader.read(path, max_bytes)
        validate.check(parsed, actor)  # every error, including those across files, in one report
    result = ImportResult(
        sorted(parsed.errors),
        parsed.warnings,
        rows=sum(len(t.rows) for t in parsed.tables.values()),
        unplaced=parsed.unplaced,
        lookalikes=parsed.lookalikes,
    )
    return parsed, result


def run_import(
    path: Path,
    *,
    actor: User | None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    source: str = "",
    max_bytes: int | None = None,
    mappings: Iterable[codelists.MapEntry] = (),
) -> ImportResult:
    """Import a folder or .zip; `source` names it in the import history (default: the file name)."""
    with cycle_collection_paused():
        parsed, result = check(path, actor, max_bytes, mappings)
        if result.errors or dry_run:
            return result
        return _write(parsed, result, path, actor=actor, progress=progress, source=source)


def _write(
    parsed: reader.Parsed,
    result: ImportResult,
    path: Path,
    *,
    actor: User | None,
    progress: Callable[[int], None] | None,
    source: str,
) -> ImportResult:
    with transaction.atomic():
        # One import writes at a time: two uploads of the same extract confirmed together
        # must not both decide a record is new. The second waits, then finds the records.
        locks.hold(locks.IMPORT)
        run = ImportRun.objects.create(
            source=source or path.name, actor=actor, warnings=[str(w) for w in result.warnings]
        )
        result.counts = write.write(parsed, run, actor=actor, progress=progress)  # and its audit events
        if result.lookalikes:
            run.lookalikes = lookalike_pairs(result.lookalikes)
            run.save(update_fields=["lookalikes"])
        dataversion.bump()  # once, last: figures kept from before the import are not served after it
    result.run = run
    counts = result.counts
    if sum(counts.created.values()) + sum(counts.updated.values()) >= ANALYZE_FROM_ROWS:
        refresh_statistics(write.written_tables(counts))
    return result


def lookalike_pairs(lookalikes: list[reader.LookAlike]) -> list[dict[str, int | str]]:
    """Kept with the import run: each new record (now with its CSHub id) and the existing
    record it looks like, for a worker to compare. Ids and lines only, no names."""
    created = dict(
        Person.objects.filter(source_id__in={a.source_id for a in lookalikes}).values_list("source_id", "pk")
    )
    return [
        {"file": a.file, "line": a.line, "new": created[a.source_id], "existing": a.existing}
        for a in lookalikes
        if a.source_id in created and created[a.source_id] != a.existing
    ]


ANALYZE_FROM_ROWS = 10_000  # records created or changed: a re-import that changed nothing leaves them


def refresh_statistics(tables: list[str]) -> None:
    """After a large import, the planner's statistics describe the tables as they were: a
    search for a child right after a council's first import would be planned for an empty
    index (a million people searched by sequential scan). PostgreSQL's autovacuum catches
    up in a minute or so; until then every query pays, so the import brings them up to date
    itself: ANALYZE of the tables it wrote on PostgreSQL (the whole database took as long
    as the writing of a city's history), PRAGMA optimize on SQLite (which picks the tables
    that need it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if tables:
                cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")
        else:
            cursor.execute("PRAGMA optimize")
