"""`cshub user add|disable|token`: manage accounts from the console."""

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cshub.access import actions
from cshub.access.models import User
from cshub.access.permissions import RoleCode
from cshub.access.scopes import DEFAULT_TOKEN_DAYS, TOKEN_DAYS, Scope
from cshub.core.codes import Agency

# `--password -` asks at a prompt, so the password stays out of shell history.
ASK_FOR_PASSWORD = "-"  # noqa: S105  (a sentinel, not a password)  # nosec B105


class Command(BaseCommand):
    help = "Add or disable a user, or give them an API token."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="add a user")
        add.add_argument("username")
        add.add_argument("--agency", required=True, choices=Agency.values)
        add.add_argument(
            "--role",
            action="append",
            required=True,
            choices=RoleCode.values,
            help="a role code; repeat for more than one",
        )
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        add.add_argument("--email", default="")
        add.add_argument("--password", help="set a password (asked for when --password - is given)")
        add.add_argument("--api-token", action="store_true", help="also create an API token and print it")
        add.add_argument(
            "--token-scope",
            action="append",
            choices=Scope.values,
            help="what the token may do; repeat for more than one (default: every scope the roles allow)",
        )
        add.add_argument(
            "--token-days",
            type=int,
            default=DEFAULT_TOKEN_DAYS,
            choices=TOKEN_DAYS,
            help=f"how long the token lasts (default {DEFAULT_TOKEN_DAYS})",
        )
        disable = sub.add_parser("disable", help="disable a user: signs them out and revokes their tokens")
        disable.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verb"] == "add":
                self._add(options)
            else:
                user = self._get(options["username"])
                actions.disable_user(user, actor=None)
                self.stdout.write(f"Disabled {user.username}: signed out everywhere, API tokens revoked.")
        except ValidationError as exc:
            messages = (
                [f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            raise CommandError("; ".join(messages)) from None

    def _get(self, username: str) -> User:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user called {username}") from None

    def _add(self, options: dict[str, Any]) -> None:
        password = options["password"]
        if password == ASK_FOR_PASSWORD:
            password = getpass.getpass("Password: ")
        user = actions.create_user(
            options["username"],
            agency=options["agency"],
            roles=options["role"],
            actor=None,
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
            password=password,
        )
        self.stdout.write(
            f"Added {user.username} ({user.get_agency_display()}; {', '.join(user.role_codes())})."
        )
        if options["api_token"]:
            _, raw = actions.create_api_token(
                user,
                "created by cshub user add",
                actor=None,
                scopes=options["token_scope"],
                days=options["token_days"],
            )
            self.stdout.write(f"API token (shown once, keep it safe): {raw}")
