"""This hub's return for a quarter: the engine's figures for the quarter's period, as CSV or
XLSX, every export on the audit trail (no personal data: the return holds none)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cshub.assurance.metrics import compute
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core.dates import format_date, format_datetime, local_today
from cshub.returns import write
from cshub.returns.schema import COLUMNS, HUB_ID, SCHEMA_VERSION, Quarter, Row, rows_from


class NotEndedError(ValueError):
    """The quarter has not ended: its return cannot be made yet."""


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str
    rows: int


def hub_id() -> str:
    hub = str(settings.CSHUB_HUB_ID)
    if not HUB_ID.fullmatch(hub):
        raise ValueError(f'CSHUB_HUB_ID "{hub}" is not a hub id (letters, digits and hyphens)')
    return hub


def last_ended() -> Quarter:
    return Quarter.containing(local_today()).previous()


def rows(quarter: Quarter) -> list[Row]:
    """The return's rows for an ended quarter, from `compute()` for its period only."""
    if quarter.period.end >= local_today():
        raise NotEndedError(f"{quarter} has not ended: it ends on {format_date(quarter.period.end)}")
    return rows_from(hub_id(), quarter, compute(quarter.period))


def read_me(quarter: Quarter) -> list[tuple[str, str | int]]:
    p = quarter.period
    return [
        ("Quarterly regional return", str(settings.CSHUB_HUB_NAME)),
        ("hub", hub_id()),
        ("quarter", str(quarter)),
        ("from", f"{format_date(p.start)} ({p.start.isoformat()})"),
        ("to", f"{format_date(p.end)} ({p.end.isoformat()})"),
        ("reporting year", f"{quarter.reporting_year} (1 April to 31 March)"),
        ("schema version", SCHEMA_VERSION),
        ("made", format_datetime(timezone.now())),
        ("values", "True values, not suppressed: the region suppresses small numbers when it publishes"),
        ("definitions", "docs/regional-return.md (the columns) and docs/metrics.md (each measure)"),
    ]


def export(quarter: Quarter, fmt: str, *, actor: object | None = None, via: str = "") -> Export:
    """The return as a file, and its EXPORT event (what was exported, never a figure)."""
    if fmt not in write.FORMATS:
        raise ValueError(f"{fmt} is not one of {', '.join(write.FORMATS)}")
    made = rows(quarter)
    cells = [r.cells() for r in made]
    if fmt == "csv":
        content = write.to_csv(COLUMNS, cells)
    else:
        content = write.to_xlsx("return", COLUMNS, cells, read_me(quarter))
    with transaction.atomic():
        record_event(
            actor,
            Action.EXPORT,
            detail={
                "export": "regional return",
                "quarter": str(quarter),
                "format": fmt,
                "rows": len(made),
                "schema": SCHEMA_VERSION,
                **({"via": via} if via else {}),
            },
        )
    return Export(content, write.CONTENT_TYPES[fmt], f"regional-return-{hub_id()}-{quarter}.{fmt}", len(made))
