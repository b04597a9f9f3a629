"""`cshub region` subcommands of this app (cshub/region/management/commands/region.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cshub.region import transport
from cshub.regional import actions
from cshub.returns.export import NotEndedError
from cshub.returns.schema import Quarter


def send_return(command: BaseCommand, options: dict[str, Any]) -> None:
    """Put this hub's return for an ended quarter in the outbox (`cshub region deliver` or
    `run` sends it); `--replace` asks the region to replace one it has received."""
    if transport.is_region():
        raise CommandError("This instance is the region: a hub sends its return")
    try:
        quarter = Quarter.parse(options["quarter"])
        message = actions.send_return(quarter, replace=bool(options.get("replace")))
    except (ValueError, NotEndedError) as exc:
        raise CommandError(str(exc)) from None
    except transport.Refused as exc:
        raise CommandError(str(exc)) from None
    rows = len(message.payload["rows"])
    command.stdout.write(
        f"The return for {quarter} ({rows} rows) is waiting to be sent to {message.peer.name}"
        f"{' (to replace the one received)' if options.get('replace') else ''}: message {message.id}."
    )
