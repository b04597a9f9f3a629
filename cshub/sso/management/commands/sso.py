"""`cshub sso check|link|unlink`: single sign-on from the console."""

from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cshub.access.models import User
from cshub.sso import actions, config


class Command(BaseCommand):
    help = "Check the identity provider's settings, or link a user to their identity there."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("check", help="read the provider's discovery document and show the endpoints used")
        link = sub.add_parser(
            "link",
            help="link a user to the value of the matching claim (CSHUB_OIDC_MATCH_CLAIM), e.g. their oid",
        )
        link.add_argument("username")
        link.add_argument("value")
        unlink = sub.add_parser("unlink", help="remove a user's link to the provider")
        unlink.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "check":
            self._check()
            return
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user called {options['username']}") from None
        try:
            if options["verb"] == "link":
                actions.link(user, options["value"], actor=None)
                self.stdout.write(f"Linked {user.username} by {settings.CSHUB_OIDC_MATCH_CLAIM}.")
            else:
                removed = actions.unlink(user, actor=None)
                self.stdout.write(f"Removed {removed} link(s) of {user.username}.")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None

    def _check(self) -> None:
        if not config.enabled():
            self.stdout.write("Single sign-on is off (CSHUB_OIDC is not set).")
        for name in config.DISCOVERED:
            try:
                value = config.setting(name, "")
            except (requests.RequestException, ValueError) as exc:
                raise CommandError(f"The provider's discovery document could not be read: {exc}") from None
            self.stdout.write(f"{name}: {value or '(not set)'}")
        self.stdout.write(f"Accounts are matched by the {settings.CSHUB_OIDC_MATCH_CLAIM} claim.")
        self.stdout.write(f"amr values that skip CSHub's code: {', '.join(settings.CSHUB_OIDC_MFA_AMR)}")
