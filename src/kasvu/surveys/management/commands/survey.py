"""kasvu survey import | estimate | publish | purge | generate | list: survey rounds from the command line.

A thin shell over :mod:`kasvu.surveys.microdata` and :mod:`kasvu.surveys.publication`;
errors are printed without tracebacks (CommandError) and say what to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.importers.base import ImportFailed
from kasvu.surveys import microdata
from kasvu.surveys.codebook import CodebookInvalid, bundled_codebook, load_codebook
from kasvu.surveys.disclosure import blank_suppressed
from kasvu.surveys.estimation import TOTAL
from kasvu.surveys.generate import generate_responses, write_responses
from kasvu.surveys.models import Survey
from kasvu.surveys.publication import protected_estimates, publish

DIMENSIONS = ("area", "grade", "sex")
FAILURES = (
    ImportFailed,
    CodebookInvalid,
    microdata.SurveyNotFound,
    microdata.SurveyAlreadyImported,
    microdata.MicrodataPurged,
    microdata.SurveyNotPublished,
)


class Command(BaseCommand):
    help = "Survey rounds: import responses, estimate, publish into the indicator bank, purge microdata."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imp = sub.add_parser("import", help="Validate a response file against its codebook and store it.")
        imp.add_argument("codebook", help="The survey's codebook (YAML).")
        imp.add_argument("responses", help="Response file: .csv, .xlsx or .sav.")
        imp.add_argument("--replace", action="store_true", help="Replace the round's stored responses.")
        imp.add_argument("--user", default=None, help="Recorded as who imported (default: login name).")

        est = sub.add_parser("estimate", help="Print estimates with intervals; suppressed cells as such.")
        est.add_argument("key", help="Survey key, e.g. pupil_survey_2024 (see `kasvu survey list`).")
        est.add_argument(
            "--by", default="area,grade,sex", help="Comma-separated domains: area, grade, sex (default all)."
        )
        est.add_argument("--format", choices=["table", "csv"], default="table")
        est.add_argument("--indicator", nargs="+", default=[], metavar="KEY", help="Only these indicators.")
        est.add_argument("--output", "-o", help="Write to this file instead of the terminal.")

        pub = sub.add_parser(
            "publish", help="Estimate, suppress and store the figures in the indicator bank."
        )
        pub.add_argument("key")
        pub.add_argument("--user", default=None, help="Recorded as who published (default: login name).")

        purge = sub.add_parser("purge", help="Delete the microdata of a published survey.")
        purge.add_argument("key")
        purge.add_argument(
            "--force", action="store_true", help="Purge even if the results are not published."
        )
        purge.add_argument("--user", default=None, help="Recorded as who purged (default: login name).")

        gen = sub.add_parser("generate", help="Write a GENERATED demo response file (.csv, .xlsx, .sav).")
        gen.add_argument("output")
        gen.add_argument("--codebook", help="Codebook YAML (default: the bundled pupil survey 2024).")
        gen.add_argument("--respondents", "-n", type=int, default=5000)
        gen.add_argument("--seed", type=int, default=2024)

        sub.add_parser("list", help="Surveys, imports and publication status (no microdata).")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        user = opts.get("user")
        opts["user"] = microdata.default_user() if user is None else user
        try:
            getattr(self, f"_{action}")(opts)
        except FAILURES as exc:
            suffix = "\nNothing was stored." if action == "import" else ""
            raise CommandError(f"{exc}{suffix}") from exc

    # ------------------------------------------------------------------ actions

    def _import(self, opts: dict[str, Any]) -> None:
        imp = microdata.import_survey(
            opts["codebook"], opts["responses"], user=opts["user"], replace=opts["replace"]
        )
        label = " GENERATED data (not real)" if imp.generated else ""
        self.stdout.write(
            f"{imp.file_name}: {imp.rows:,} respondents stored as survey {imp.survey.key}{label}. "
            f"Next: kasvu survey estimate {imp.survey.key}, then kasvu survey publish {imp.survey.key}."
        )

    def _estimate(self, opts: dict[str, Any]) -> None:
        survey = microdata.get_survey(opts["key"])
        by = [d.strip() for d in opts["by"].split(",") if d.strip()]
        unknown = sorted(set(by) - set(DIMENSIONS))
        if unknown:
            raise CommandError(f"--by: unknown domain(s) {unknown}; use area, grade and/or sex.")
        est = protected_estimates(survey, microdata.COMMAND_LINE, create_total_area=False)
        table = blank_suppressed(est.table)
        for dim in DIMENSIONS:
            if dim not in by:
                table = table.filter(pl.col(dim) == TOTAL)
        if opts["indicator"]:
            table = table.filter(pl.col("indicator").is_in(opts["indicator"]))
        table = table.select(
            *by, "indicator", "statistic", "n", "estimate", "se", "lower", "upper", "df", "suppression"
        )
        out = open(opts["output"], "w", encoding="utf-8") if opts["output"] else None  # noqa: SIM115
        try:
            stream = out or self.stdout
            if opts["format"] == "csv":
                stream.write(table.write_csv().rstrip("\n"))
            else:
                stream.write(_text_table(table))
        finally:
            if out:
                out.close()
        if out:
            self.stdout.write(f"{opts['output']}: {table.height:,} rows.")
        if est.generated:
            self.stderr.write("Note: GENERATED demo data, not real responses.")

    def _publish(self, opts: dict[str, Any]) -> None:
        survey = microdata.get_survey(opts["key"])
        summary = publish(survey, user=opts["user"])
        survey.refresh_from_db()
        self.stdout.write(
            f"survey {survey.key} published as source {survey.source_key}: {summary}. "
            f"{survey.published_cells:,} cells published, {survey.suppressed_cells:,} suppressed "
            "(stored empty, flagged suppressed_at_source)."
            + (" GENERATED data, flagged generated." if survey.generated else "")
        )

    def _purge(self, opts: dict[str, Any]) -> None:
        survey = microdata.get_survey(opts["key"])
        deleted = microdata.purge(survey, user=opts["user"], force=opts["force"])
        self.stdout.write(
            f"survey {survey.key}: {deleted:,} responses deleted by {opts['user'] or 'unknown'}. "
            "The published figures stay in the bank."
        )

    def _generate(self, opts: dict[str, Any]) -> None:
        codebook = load_codebook(opts["codebook"]) if opts["codebook"] else bundled_codebook()
        path = Path(opts["output"])
        try:
            frame = generate_responses(codebook, opts["respondents"], seed=opts["seed"])
            write_responses(frame, path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{path}: {frame.height:,} GENERATED respondents (not real; column generated = 1), seed "
            f"{opts['seed']}."
        )

    def _list(self, opts: dict[str, Any]) -> None:
        surveys = Survey.objects.all()
        if not surveys:
            self.stdout.write("No surveys. Import one with `kasvu survey import CODEBOOK.yaml FILE`.")
        for s in surveys:
            imp = s.current_import
            state = (
                "purged"
                if s.purged_at
                else "published"
                if s.is_published
                else "published (out of date)"
                if s.published_at
                else "not published"
            )
            rows = f"{imp.rows:,} respondents from {imp.file_name}" if imp else "no import"
            flag = " GENERATED" if s.generated else ""
            self.stdout.write(f"{s.key}{flag}: {rows}; {state}")


def _text_table(table: pl.DataFrame) -> str:
    """Aligned text; proportions in per cent; suppressed cells say so instead of showing numbers."""
    pct = pl.col("statistic") == "proportion"

    def num(col: str, digits: int) -> pl.Expr:
        value = pl.when(pct).then(pl.col(col) * 100).otherwise(pl.col(col))
        return value.round(digits).cast(pl.String).fill_null("")

    shown = table.select(
        *[pl.col(c) for c in table.columns if c in DIMENSIONS],
        "indicator",
        pl.when(pct).then(pl.lit("%")).otherwise(pl.lit("mean")).alias("unit"),
        pl.col("n").cast(pl.String).fill_null(""),
        pl.when(pl.col("suppression").is_not_null())
        .then(pl.format("suppressed ({})", pl.col("suppression")))
        .otherwise(num("estimate", 1))
        .alias("estimate"),
        num("se", 2).alias("se"),
        num("lower", 1).alias("lower"),
        num("upper", 1).alias("upper"),
    )
    widths = {c: max([len(c), *(len(v) for v in shown[c].to_list())]) for c in shown.columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in shown.columns)]
    lines += [
        "  ".join(str(v).ljust(widths[c]) for c, v in zip(shown.columns, row, strict=True))
        for row in shown.iter_rows()
    ]
    return "\n".join(line.rstrip() for line in lines)
