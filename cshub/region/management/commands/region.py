"""`cshub region …`: this instance in its region (docs/region.md).

cshub region keys                     make this instance's key pair (once) and print its public key
cshub region register --hub-id ID --name NAME --role hub|region --url URL --public-key FILE [--districts M8,BL9]
cshub region rotate-keys              a new key pair; peers accept the old one for a while
cshub region status                   every peer: link, last message each way, waiting, failed
cshub region deliver                  send the outbox's due messages now
cshub region run [--every SECONDS]    deliver, send changed encodings, send due returns, in a loop
cshub region send-encodings [--all]   (a hub) send the linkage keys of changed records now
cshub region send-return --quarter 2025-Q3 [--replace]   (a hub) send a quarterly return now
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cshub.linkage import cli as linkage_cli
from cshub.region import cli as region_cli
from cshub.regional import cli as regional_cli


class Command(BaseCommand):
    help = "This instance in its region: keys, peers, link status, and sending now."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("keys", help="make this instance's key pair (once) and print its public key")
        reg = sub.add_parser("register", help="register (or update) a hub or the region")
        reg.add_argument("--hub-id", required=True)
        reg.add_argument("--name", required=True)
        reg.add_argument("--role", choices=["hub", "region"], default="hub")
        reg.add_argument("--url", required=True)
        reg.add_argument("--public-key", required=True, metavar="FILE", help="its public key (PEM)")
        reg.add_argument("--districts", default="", help="postcode districts it covers, comma-separated")
        sub.add_parser("rotate-keys", help="a new key pair (peers accept the old one for a while)")
        sub.add_parser("status", help="every peer: link, last message each way, waiting, failed")
        sub.add_parser("deliver", help="send the outbox's due messages now")
        run = sub.add_parser("run", help="deliver, send changed encodings and due returns, in a loop")
        run.add_argument("--every", type=int, default=60, help="seconds between rounds")
        run.add_argument("--once", action="store_true", help="one round, then stop")
        enc = sub.add_parser("send-encodings", help="send the linkage keys of changed records now")
        enc.add_argument("--all", action="store_true", help="every record, changed or not")
        ret = sub.add_parser("send-return", help="send this hub's quarterly return to the region now")
        ret.add_argument("--quarter", required=True, help="YYYY-Qn of the reporting year")
        ret.add_argument("--replace", action="store_true", help="replace a return already received")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        commands = {
            "keys": region_cli.keys,
            "register": region_cli.register,
            "rotate-keys": region_cli.rotate_keys,
            "status": region_cli.status,
            "deliver": region_cli.deliver,
            "run": region_cli.run,
            "send-encodings": linkage_cli.send_encodings,
            "send-return": regional_cli.send_return,
        }
        commands[action](self, options)
