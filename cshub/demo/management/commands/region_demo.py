"""`cshub region_demo hub|region`: one instance's part of the region demo (run by `cshub demo
--region` in each instance's own environment; see docs/region.md).

cshub region_demo region                          migrate and make the demo accounts (no case records)
cshub region_demo hub [--extra-children N]        this hub's records of the region's shared people
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cshub.demo.accounts import ensure_demo_accounts, refuse_real_database
from cshub.demo.region import make_shared_people


class Command(BaseCommand):
    help = "One instance's part of the region demo (`cshub demo --region` runs it): synthetic data only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("part", choices=["hub", "region"], help="this instance's part")
        parser.add_argument(
            "--extra-children",
            type=int,
            default=0,
            help="(a hub) also this many children of its own, for a hub without the demo city",
        )
        parser.add_argument("--seed", type=int, default=0, help="random seed of the extra children")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("The region demo runs only in demo mode (CSHUB_DEMO=1).")
        if options["part"] != settings.CSHUB_INSTANCE:
            raise CommandError(
                f"This instance is a {settings.CSHUB_INSTANCE} (CSHUB_INSTANCE), not a {options['part']}."
            )
        call_command("migrate", verbosity=0, interactive=False)
        refusal = refuse_real_database()
        if refusal:
            raise CommandError(refusal)
        if options["part"] == "region":
            ensure_demo_accounts()
            self.stdout.write(f"{settings.CSHUB_HUB_ID}: demo accounts ready (no case records).")
            return
        made = make_shared_people(
            settings.CSHUB_HUB_ID, extra_children=options["extra_children"], seed=options["seed"]
        )
        self.stdout.write(
            f"{settings.CSHUB_HUB_ID}: shared people added: children {made.children}, adults of "
            f"concern {made.adults}; missing episodes found in another hub's area: {made.missing}."
        )
