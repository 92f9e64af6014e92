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
        parser.add_argument(
            "--if-needed", action="store_true",
            help="Only when the current data version has not been computed ahead and no other process is "
            "at it (what `kasvu serve` starts in the background); progress as lines, not a bar.",
        )  # fmt: skip

    def handle(self, *args: Any, **opts: Any) -> None:
        from kasvu import precompute

        if opts["if_needed"]:
            if precompute.done(opts["language"]) or not precompute.claim():
                return
            self.stdout.write("precomputing profiles in the background; pages compute themselves meanwhile")
            state = precompute.run(progress=self._lines(), languages=opts["language"])
        else:
            with precompute.progress_bar() as show:
                state = precompute.run(progress=show, languages=opts["language"])
        self.stdout.write(state.line())

    def _lines(self) -> Any:
        """Progress as a line at every tenth of the job (for a server's log)."""
        said = [0]

        def show(state: Any) -> None:
            tenth = state.done * 10 // max(state.total, 1)
            if tenth > said[0] and state.done < state.total:
                said[0] = tenth
                self.stdout.write(
                    f"precomputing: {state.done} of {state.total} profiles, {state.seconds:.0f} s"
                )
                self.stdout.flush()

        return show
