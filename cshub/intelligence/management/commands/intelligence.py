"""`cshub intelligence export --around child:ID|subject:ID --hops N --format anx|csv
--user USERNAME OUT`: the network around a child or subject, as the page exports it, with
the same access rules and audit (channel "command")."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.http import Http404

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.ids import parse_id
from cshub.intelligence import export, queries
from cshub.intelligence.models import Subject
from cshub.people.access import get_child_for_user, may_see


class Command(BaseCommand):
    help = "Export the network around a child or subject (ANX or CSV). It names children: keep it safe."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("export")
        p.add_argument("--around", required=True, help="child:ID or subject:ID")
        p.add_argument("--hops", type=int, choices=[1, 2, 3], default=2)
        p.add_argument("--format", choices=["anx", "csv"], default="anx")
        p.add_argument("--user", required=True, help="the username the export is made as")
        p.add_argument("out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError("No active user has that username")
        if not user.has(Perm.VIEW_INTELLIGENCE):
            raise CommandError("This user may not see intelligence")
        kind, _, raw = str(options["around"]).partition(":")
        pk = parse_id(raw)
        if kind not in ("child", "subject") or pk is None:
            raise CommandError("Give --around as child:ID or subject:ID")
        with transaction.atomic():
            if kind == "child":
                try:
                    around: Any = get_child_for_user(user, pk, audit=False)
                except Http404:
                    raise CommandError("No such child, or this user may not see their record") from None
                child_id: int | None = around.pk
            else:
                around = Subject.objects.filter(pk=pk).select_related("person").first()
                if around is None or (around.person is not None and not may_see(user, around.person)):
                    raise CommandError("No such subject, or this user may not see it")
                child_id = around.person_id
            rows = queries.network(user, queries.Node(kind, pk), queries.Filters(hops=options["hops"]))
            try:
                content, _, _ = export.render(rows, user, options["format"], around=around, child_id=child_id)
            except export.EmptyView as exc:
                raise CommandError(str(exc)) from None
        options["out"].write_bytes(content)
        self.stdout.write(f"Wrote {options['out']}. It names children: store and delete it safely.")
