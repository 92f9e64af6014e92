"""kasvu disclosure report | set KEY ... | refresh: what disclosure control hides, and how an indicator is treated."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kasvu.bank import disclosure
from kasvu.bank.models import CountKind, Disclosure, Indicator


class Command(BaseCommand):
    help = (
        "report: cells hidden and the persons behind them, per indicator, and the share of hidden country, "
        "region and county values. set: mark an indicator not sensitive, declared safe or sensitive, its "
        "threshold or count kind (the pattern is recomputed). refresh: recompute every pattern."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["report", "set", "refresh"])
        parser.add_argument("indicator", nargs="*", metavar="KEY", help="Indicator keys (default: all).")
        rule = parser.add_mutually_exclusive_group()
        rule.add_argument("--not-sensitive", action="store_true", help="Publish every value, down to 1.")
        rule.add_argument(
            "--declared-safe",
            action="store_true",
            help="Publish values whose count cannot be derived (a rate without numerator and denominator).",
        )
        rule.add_argument("--sensitive", action="store_true", help="The default: hide small counts.")
        parser.add_argument("--threshold", type=int, help="Hide counts of 1 to N−1 (default 5).")
        parser.add_argument(
            "--count-kind",
            choices=["count", "rate", "derived"],
            help="count: the value is the number of persons; rate: value × denominator / scale; derived: "
            "from the aggregation and unit.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        keys = list(opts["indicator"])
        found = list(Indicator.objects.filter(key__in=keys)) if keys else None
        if found is not None and len(found) != len(set(keys)):
            missing = sorted(set(keys) - {i.key for i in found})
            raise CommandError(
                f"Unknown indicator {missing[0]!r}. See `kasvu disclosure report` for the keys."
            )
        ids = [i.id for i in found] if found is not None else None
        if opts["action"] == "set":
            self._set(found or [], opts)
        elif opts["action"] == "refresh":
            counts = disclosure.refresh(ids) if ids is not None else disclosure.refresh_all()
            self.stdout.write(
                f"{counts['primary']:,} small values, {counts['secondary']:,} protecting them, "
                f"{counts['internal']:,} internal only, {counts['groups']:,} group values withheld"
            )
        else:
            self._report(disclosure.losses(ids))

    def _set(self, indicators: list[Indicator], opts: dict[str, Any]) -> None:
        if not indicators:
            raise CommandError(
                "Name the indicators to change, e.g. `kasvu disclosure set local:x --not-sensitive`."
            )
        rule = (
            Disclosure.NOT_SENSITIVE
            if opts["not_sensitive"]
            else Disclosure.DECLARED_SAFE
            if opts["declared_safe"]
            else Disclosure.SENSITIVE
            if opts["sensitive"]
            else None
        )
        if opts["threshold"] is not None and opts["threshold"] < 1:
            raise CommandError("--threshold must be 1 or more (5 hides counts of 1 to 4).")
        with transaction.atomic():
            for ind in indicators:
                if rule is not None:
                    ind.disclosure = rule
                if opts["threshold"] is not None:
                    ind.suppression_threshold = opts["threshold"]
                if opts["count_kind"] is not None:
                    ind.count_kind = "" if opts["count_kind"] == "derived" else CountKind(opts["count_kind"])
                ind.save(update_fields=["disclosure", "suppression_threshold", "count_kind"])
            disclosure.refresh([i.id for i in indicators])
        for line in disclosure.summary_lines(disclosure.last_losses) or ["nothing hidden"]:
            self.stdout.write(line)

    def _report(self, found: list[disclosure.Loss]) -> None:
        head = f"{'indicator':<40} {'values':>8} {'hidden':>7} {'small':>6} {'protect':>7} {'internal':>8} "
        head += f"{'persons':>9} {'population':>11} {'ref. hidden':>12} {'munic. hidden':>14}"
        self.stdout.write(head)
        total = disclosure.Loss("all")
        for loss in found:
            self.stdout.write(
                f"{loss.key:<40} {loss.cells:>8,} {loss.hidden:>7,} {loss.primary:>6,} {loss.secondary:>7,} "
                f"{loss.internal:>8,} {loss.persons:>9,.0f} {loss.population:>11,.0f} "
                f"{_share(loss.reference_hidden, loss.reference_cells):>12} "
                f"{_share(loss.municipal_hidden, loss.municipal_cells):>14}"
            )
            for name in ("cells", "primary", "secondary", "internal", "reference_cells", "reference_hidden"):
                setattr(total, name, getattr(total, name) + getattr(loss, name))
            for name in ("municipal_cells", "municipal_hidden", "persons", "population"):
                setattr(total, name, getattr(total, name) + getattr(loss, name))
        self.stdout.write(
            f"all: {total.hidden:,} of {total.cells:,} values hidden ({total.primary:,} small, {total.secondary:,} "
            f"protecting them, {total.internal:,} internal only), {total.persons:,.0f} persons and "
            f"{total.population:,.0f} population behind them; country, region and county values hidden: "
            f"{total.reference_hidden:,} of {total.reference_cells:,} "
            f"({_share(total.reference_hidden, total.reference_cells)}); municipal values hidden: "
            f"{total.municipal_hidden:,} of {total.municipal_cells:,} "
            f"({_share(total.municipal_hidden, total.municipal_cells)})"
        )
        for loss in found:
            if loss.message:
                self.stdout.write(loss.message)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"
