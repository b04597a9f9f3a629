"""Derived flags (social care, hub): STUB on the demo's branch of issue 21.

Part 2 of the issue builds the real `sync_people` (set-based, idempotent on `origin`);
the merge keeps theirs. The demo (`cshub.demo.generator`) calls it at the end of its build
so the hub's own children and the locality's CIN assessment factors get their flags."""

from collections.abc import Iterable


def sync_people(person_ids: Iterable[int] | None = None) -> None:
    """Make the SOCIAL_CARE and HUB flags of these people (all when None) match their
    sources. Stub: does nothing until part 2's module replaces it."""
