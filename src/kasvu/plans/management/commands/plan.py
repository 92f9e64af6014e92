"""``kasvu plan export ID > plan.yaml`` and ``kasvu plan import plan.yaml``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.plans.models import Plan
from kasvu.plans.portable import PlanImportError, export_plan, import_plan


class Command(BaseCommand):
    help = "Export a child and youth welfare plan as YAML, or import one (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="Write the plan with this id as YAML to standard output.")
        exp.add_argument("id", type=int)
        imp = sub.add_parser("import", help="Create a plan from a YAML file ('-' reads standard input).")
        imp.add_argument("file")
        sub.add_parser("list", help="List plans: id, status, areas, period, title.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            plan = Plan.objects.filter(pk=options["id"]).first()
            if plan is None:
                raise CommandError(f"No plan has id {options['id']}. See `kasvu plan list`.")
            self.stdout.write(export_plan(plan), ending="")
        elif action == "import":
            name = options["file"]
            try:
                text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
            except OSError as err:
                raise CommandError(f"Cannot read {name}: {err.strerror}.") from None
            try:
                plan = import_plan(text)
            except PlanImportError as err:
                raise CommandError(f"{name}: {err}. Nothing was imported.") from None
            self.stdout.write(f"Imported plan {plan.pk}: {plan.title_fi}")
        else:
            for plan in Plan.objects.prefetch_related("areas"):
                codes = ",".join(a.code for a in plan.areas.all())
                self.stdout.write(
                    f"{plan.pk}\t{plan.status}\t{codes}\t{plan.start_year}–{plan.end_year}\t{plan.title_fi}"
                )
