"""`cshub region` subcommands of this app (cshub/region/management/commands/region.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError


def send_encodings(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("`cshub region send-encodings` is not built yet")
