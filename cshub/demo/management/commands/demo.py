"""`cshub demo`: migrate, make the synthetic city hub and the demo accounts, then serve."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from cshub.access.models import User
from cshub.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, refuse_real_database
from cshub.demo.generator import HubGenerator
from cshub.demo.history import HISTORY_SEED, import_history
from cshub.referrals.models import Referral

DEFAULT_SEED = 2026


class Command(BaseCommand):
    help = "Prepare the demo database (synthetic data, one account per role) and serve it on http://127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and exit")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the synthetic hub")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on")
        parser.add_argument(
            "--region",
            action="store_true",
            help="three synthetic hubs and the region, each its own server, from --addr's port on "
            "(docs/region.md)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["region"]:
            self._region(options)
            return
        call_command("migrate", verbosity=0, interactive=False)
        refusal = refuse_real_database()
        if refusal:
            raise CommandError(refusal)
        if not (settings.STATIC_ROOT / "vendor").exists():
            call_command("collectstatic", verbosity=0, interactive=False)
        if Referral.objects.exists():
            self.stdout.write(
                "Demo data already there: reusing it (delete var/cshub.sqlite3 to start again)."
            )
        else:
            generator = HubGenerator(seed=options["seed"])
            with tqdm(
                total=generator.count, desc="Making a synthetic city hub", unit=" referrals", disable=None
            ) as bar:
                summary = generator.run(progress=lambda n: bar.update(n - bar.n))
            self.stdout.write("Importing the 2022/23 history (the year of the Manchester published figures)…")
            # Its own history per seed (the region demo's hubs: not the same children three
            # times over); the default seed keeps the year the published figures were pinned on.
            history = import_history(seed=HISTORY_SEED + options["seed"] - DEFAULT_SEED)
            self.stdout.write(f"Imported {history.rows} rows of history.")
            self.stdout.write(
                f"Made {summary.people} children, {summary.referrals} referrals, "
                f"{summary.episodes} hub episodes ({summary.closed} closed), "
                f"{summary.consultations} consultations and a whole-area register of "
                f"{summary.register_children} children."
            )
            if summary.documents and not summary.documents_scanned:
                self.stdout.write(
                    self.style.WARNING(
                        f"No virus scanner answered on {settings.CSHUB_CLAMD_SOCKET}: the demo's "
                        f"{summary.documents} synthetic documents (drawn by the generator) were not "
                        "scanned and open anyway. Uploads wait for the scanner (docs/documents.md)."
                    )
                )
        self.stdout.write("\nDemo accounts (password for all: " + self.style.WARNING(DEMO_PASSWORD) + "):")
        for account in DEMO_ACCOUNTS:
            user = User.objects.get(username=account.username)
            self.stdout.write(
                f"  {account.username:<13} {', '.join(account.roles):<15} {user.get_agency_display()}"
            )
        self.stdout.write("Demo accounts skip the security code while CSHUB_DEMO=1.\n")
        if not options["no_serve"]:
            self.stdout.write(f"Serving CSHub on http://{options['addr']}/ (Ctrl+C to stop)")
            call_command("runserver", options["addr"], use_reloader=False)

    def _region(self, options: dict[str, Any]) -> None:
        from cshub.demo.region_serve import run_region_demo
        from cshub.region.instances import InstanceError

        host, _, port = options["addr"].rpartition(":")
        if host not in ("127.0.0.1", "localhost") or not port.isdigit():
            raise CommandError("The region demo serves on loopback only: --addr 127.0.0.1:PORT")

        def say(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            run_region_demo(
                settings.VAR_DIR / "region-demo",
                int(port),
                say,
                serve=not options["no_serve"],
            )
        except InstanceError as exc:
            raise CommandError(str(exc)) from exc
