"""`cshub region` subcommands of this app (cshub/region/management/commands/region.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cshub.linkage import actions
from cshub.region import transport


def send_encodings(command: BaseCommand, options: dict[str, Any]) -> None:
    if transport.is_region():
        raise CommandError("The region sends no encodings: a hub does.")
    try:
        sent = actions.send_encodings(full=bool(options.get("all")), actor=None)
    except transport.Refused as refused:
        raise CommandError(str(refused)) from None
    command.stdout.write(f"{sent} record(s) to send to the region (run `cshub region deliver` to send now).")
