"""`cshub region` subcommands of this app (cshub/region/management/commands/region.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError


def keys(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("`cshub region keys` is not built yet")


def register(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("`cshub region register` is not built yet")


def rotate_keys(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("`cshub region rotate-keys` is not built yet")


def status(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("`cshub region status` is not built yet")


def deliver(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("`cshub region deliver` is not built yet")


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("`cshub region run` is not built yet")
