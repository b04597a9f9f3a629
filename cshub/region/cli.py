"""`cshub region` subcommands of this app (cshub/region/management/commands/region.py)."""

import importlib
import importlib.util
import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from cshub.core.dates import format_datetime
from cshub.region import actions, queries, transport
from cshub.region import keys as instance_keys

log = logging.getLogger("cshub.region")

# Periodic work of the other parts of the region, run after each delivery round when built.
TICKS = ("cshub.linkage.schedule", "cshub.regional.schedule")


def keys(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        pem = instance_keys.make_keys()
    except instance_keys.KeyFileError as problem:
        raise CommandError(str(problem)) from problem
    command.stdout.write(
        f"Made this instance's key pair ({instance_keys.key_file()}, readable by its owner only)."
    )
    command.stdout.write(f"Fingerprint: {instance_keys.fingerprint(pem)}")
    command.stdout.write("Give this public key to the region and to each hub you share with:")
    command.stdout.write(pem.rstrip())


def register(command: BaseCommand, options: dict[str, Any]) -> None:
    key_path = Path(options["public_key"])
    try:
        pem = key_path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(
            f"Could not read the public key file {key_path}: {type(error).__name__}"
        ) from error
    try:
        peer, created = actions.register_peer(
            hub_id=options["hub_id"],
            name=options["name"],
            role=options["role"],
            url=options["url"],
            public_key=pem,
            districts=options.get("districts") or "",
            actor=None,
        )
    except ValidationError as invalid:
        raise CommandError("; ".join(invalid.messages)) from invalid
    verb = "Registered" if created else "Updated"
    command.stdout.write(
        f"{verb} {peer.hub_id} ({peer.name}, {peer.get_role_display().lower()}) at {peer.url}"
    )
    command.stdout.write(f"Key: {instance_keys.fingerprint(peer.public_key)}")
    if peer.previous_key_until and not created and peer.previous_key:
        command.stdout.write(f"Its previous key is accepted until {format_datetime(peer.previous_key_until)}")


def rotate_keys(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        pem, peers = actions.rotate_keys(actor=None)
    except instance_keys.KeyFileError as problem:
        raise CommandError(str(problem)) from problem
    command.stdout.write(f"New key: {instance_keys.fingerprint(pem)}")
    command.stdout.write(
        f"Peers accept the previous key for {instance_keys.GRACE.days} days. Told by a signed message "
        f"(region.key, sent by `cshub region deliver` or `run`): {', '.join(p.hub_id for p in peers) or 'no peer yet'}."
    )
    command.stdout.write(pem.rstrip())


def _when(value: Any) -> str:
    return format_datetime(value) if value else "never"


def status(command: BaseCommand, options: dict[str, Any]) -> None:
    command.stdout.write(f"This instance: {settings.CSHUB_HUB_ID} ({settings.CSHUB_INSTANCE})")
    try:
        own = instance_keys.public_pem(instance_keys.private_key())
        command.stdout.write(f"Key: {instance_keys.fingerprint(own)}")
    except instance_keys.KeyFileError as problem:
        command.stdout.write(f"Key: {problem}")
    rows = queries.peer_status()
    if not rows:
        command.stdout.write("No peer is registered: `cshub region register …`")
    for row in rows:
        p = row.peer
        state = "" if p.active else " (not active)"
        command.stdout.write(f"\n{p.hub_id}: {p.name}, {p.get_role_display().lower()}{state}")
        command.stdout.write(f"  address       {p.url}")
        command.stdout.write(f"  key           {row.fingerprint}")
        if row.previous_fingerprint:
            command.stdout.write(
                f"  previous key  {row.previous_fingerprint} until {format_datetime(p.previous_key_until)}"
            )
        if p.districts:
            command.stdout.write(f"  districts     {', '.join(p.districts)}")
        command.stdout.write(f"  last sent     {_when(row.last_sent)}")
        command.stdout.write(f"  last received {_when(row.last_received)}")
        command.stdout.write(
            f"  waiting {row.waiting}, failed {row.failed}, refused by them {row.refused_by_them}, "
            f"refused by us {row.refused_by_us}"
        )


def _deliver_round(command: BaseCommand) -> None:
    outcomes = transport.deliver_due()
    if outcomes:
        parts = ", ".join(f"{n} {status}" for status, n in sorted(outcomes.items()))
        command.stdout.write(f"Sent {sum(outcomes.values())}: {parts}")
    else:
        command.stdout.write("Nothing due to send.")


def deliver(command: BaseCommand, options: dict[str, Any]) -> None:
    _deliver_round(command)


def tick_others() -> list[str]:
    """Run `schedule.tick()` of each other part of the region that has one. The names run."""
    ran: list[str] = []
    for name in TICKS:
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        tick = getattr(module, "tick", None)
        if callable(tick):
            tick()
            ran.append(name)
    return ran


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    every = int(options.get("every") or 60)
    if every < 1:
        raise CommandError("--every must be at least 1 second")
    once = bool(options.get("once"))
    while True:
        try:
            _deliver_round(command)
        except DatabaseError:  # the database away for a moment: logged, tried next round
            log.exception("region run: delivery failed")
        try:
            tick_others()
        except Exception:  # a failing part must not stop delivery: logged, tried next round
            log.exception("region run: a periodic part failed")
        if once:
            return
        try:
            time.sleep(every)
        except KeyboardInterrupt:
            return
        close_old_connections()  # a connection broken while asleep is opened again
