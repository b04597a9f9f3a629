"""Two `cshub region send-encodings` at once (a person's command and the scheduled round, say):
on PostgreSQL they really overlap (CI runs this on both databases). Each record gets one
opaque ref and is put in the outbox once, whichever of the two sends it."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from django.db import connections

from cshub.access.models import User
from cshub.linkage import actions
from cshub.linkage.models import LinkageRef
from cshub.linkage.tests.helpers import make_peer
from cshub.region.models import Direction, Message, PeerRole

pytestmark = pytest.mark.usefixtures("live_db")


def test_two_sends_at_once_put_each_record_in_the_outbox_once(
    hub: dict[str, Any], personas: dict[str, User]
) -> None:
    make_peer("gm-region", PeerRole.REGION)
    worker = personas["practitioner"]
    barrier = Barrier(2)

    def send() -> int:
        try:
            barrier.wait(timeout=30)
            return actions.send_encodings(actor=worker)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        counts = sorted(pool.map(lambda _: send(), range(2)))
    refs = list(LinkageRef.objects.all())
    assert refs, "the hub's children were encoded"
    # One ref per record: neither send made a second ref for a person the other had made.
    assert len({(r.person_id, r.subject_id) for r in refs}) == len(refs)
    sent = Counter(
        record["ref"]
        for payload in Message.objects.filter(direction=Direction.OUT, kind="linkage.encodings").values_list(
            "payload", flat=True
        )
        for record in payload["records"]
    )
    # Every record sent, none twice: the second send found nothing changed.
    assert set(sent) == {r.ref for r in refs}
    assert set(sent.values()) == {1}
    assert counts == [0, len(refs)]
