"""Two syncs of one child's derived flags at once (an import's sync and an episode opening,
or `cshub register sync` beside a worker's action): on PostgreSQL the second waits on the
first's new rows; it must then go on without a duplicate or an error (it raised an
IntegrityError on the unique origin: a 500 for the worker)."""

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from cshub.register.models import AreaFlag
from cshub.register.sync import sync_people

pytestmark = pytest.mark.usefixtures("live_db")


def test_two_syncs_of_one_child_at_once_make_each_flag_once(hub: dict[str, Any]) -> None:
    child = hub["child"]
    AreaFlag.objects.filter(person=child).delete()  # as on the day the register is deployed
    first_wrote, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                sync_people([child.pk])
                first_wrote.set()
                release.wait(10)  # the second sync runs into these uncommitted rows
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_wrote.wait(10)
            sync_people([child.pk])
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_wrote.wait(10)
    threading.Event().wait(1)  # the second is now waiting on the first's rows (PostgreSQL)
    release.set()
    for t in threads:
        t.join(30)
    assert failures == []
    origins = list(AreaFlag.objects.filter(person=child).values_list("origin", flat=True))
    assert origins and len(origins) == len(set(origins))
