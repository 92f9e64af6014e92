"""kasvu precompute: compute every area's public profile ahead into the shared cache (kasvu.precompute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Compute every current area's public profile (all indicators, default references), with its group "
        "values and ranking bands, into the shared cache, so that no visitor waits. Imports and `kasvu areas` "
        "do this themselves; run it after restoring a database or emptying the cache."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language", action="append", choices=["fi", "sv", "en"],
            help="Only this language (repeatable). Default: fi, sv and en.",
        )  # fmt: skip

    def handle(self, *args: Any, **opts: Any) -> None:
        from kasvu import precompute

        with precompute.progress_bar() as show:
            state = precompute.run(progress=show, languages=opts["language"])
        self.stdout.write(state.line())
