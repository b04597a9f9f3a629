"""`cshub bench metrics`, the dashboard: the performance page of the benchmark's year (and
the year before, beside it) fetched through the test client as a team manager. Cold is
a view with no figures kept at the current data version: the first view after the import,
then views after a write (the data version raised, as any action raises it); warm is a
repeat view, which reads the kept figures."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cshub.access.actions import create_user
from cshub.core import dataversion
from cshub.demo.search_bench import signed_in


@dataclass(frozen=True)
class View:
    seconds: float
    queries: int


@dataclass(frozen=True)
class DashboardTiming:
    cold: list[View]  # the first is the first view after the import
    warm: list[View]

    @staticmethod
    def median(views: list[View]) -> float:
        return statistics.median(v.seconds for v in views)


def _view(client: Client, url: str) -> View:
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - began
    if response.status_code != 200:
        raise RuntimeError(f"the performance page answered {response.status_code}")
    return View(seconds, len(captured.captured_queries))


def time_dashboard(year: int, *, colds: int = 3, warms: int = 5) -> DashboardTiming:
    """After an import: the first view (cold), `warms` repeats (warm), then `colds - 1` more
    cold views, each after the data version is raised."""
    manager = create_user(
        "bench-manager",
        agency="SOCIAL_CARE",
        roles=["team_manager"],
        actor=None,
        first_name="Bench",
        last_name="Manager",
    )
    client = signed_in(manager)
    url = f"/performance/?year={year}"
    cold = [_view(client, url)]
    warm = [_view(client, url) for _ in range(warms)]
    for _ in range(colds - 1):
        with transaction.atomic():
            dataversion.bump()  # as a write does
        cold.append(_view(client, url))
    return DashboardTiming(cold, warm)
