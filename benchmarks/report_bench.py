"""Time the yearly regional report for 18 municipalities in HTML, PDF and DOCX.

    python benchmarks/report_bench.py [--keep DIR]

Sets up its own SQLite database in a temporary folder: Finland's areas, the real 2025 population and the
bundled generated demo indicators (8 indicators, 2015–2024, with numerators and denominators) for the
22 municipalities of West, Central and East Uusimaa plus the country's totals; then a group of 18
municipalities (West and Central Uusimaa and two of East Uusimaa). Times the build (database, statistics,
narrative), the charts (SVG and PNG), and each format. Target: under 60 s in total. Appends the figures
to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODES_18 = [
    *("078", "149", "224", "257", "444", "710", "755", "927"),  # West Uusimaa
    *("106", "186", "245", "505", "543", "611", "753", "858"),  # Central Uusimaa
    *("018", "434"),  # Askola, Loviisa (East Uusimaa)
]


def setup_database() -> None:
    import polars as pl
    from django.core.management import call_command

    from kasvu import demo
    from kasvu.bank.areas import create_group, install_finland
    from kasvu.bank.loader import load

    call_command("migrate", verbosity=0)
    install_finland()
    create_group("bench-18", {"fi": "Vertailuryhmä 18", "en": "Benchmark group 18"}, CODES_18)
    load(demo.population_2025(), kind="table")
    batch = demo.generate()
    obs = batch.observations.drop("row")
    scale = {i.key: i.scale for i in demo.DEMO_INDICATORS}
    country = (
        obs.group_by("indicator", "year", "sex")
        .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        .with_columns(
            area_code=pl.lit("FI"),
            value=(
                pl.col("numerator") / pl.col("denominator") * pl.col("indicator").replace_strict(scale)
            ).round(1),
            sample_size=pl.lit(None, pl.Int64),
            flags=pl.lit(8),
        )
    )
    subset = obs.filter(pl.col("area_code").is_in(CODES_18))
    batch.observations = pl.concat([subset, country.select(subset.columns)]).with_columns(
        row=pl.int_range(1, pl.len() + 1)
    )
    batch.area_kind = None
    load(batch, kind="demo")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="Write the files to this folder instead of a temporary one.")
    parser.add_argument("--no-results", action="store_true", help="Do not append to benchmarks/RESULTS.md.")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="kasvu-report-bench-")
    os.environ["KASVU_DATA_DIR"] = tmp
    os.environ.setdefault("KASVU_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kasvu.settings"
    import django

    django.setup()
    from kasvu.reports import formats, layouts, service
    from kasvu.reports.formats import html, pdf, word

    t0 = time.perf_counter()
    setup_database()
    setup = time.perf_counter() - t0
    out = Path(args.keep or tmp) / "out"
    out.mkdir(parents=True, exist_ok=True)
    template = layouts.find()
    times: dict[str, float] = {}

    t = time.perf_counter()
    report = service.build(service.request_for("regional", "bench-18", 2024, "fi", template=template))
    times["build (data, statistics, narrative)"] = time.perf_counter() - t
    t = time.perf_counter()
    formats.prepare(report, ["html", "pdf", "docx"])
    times[f"charts and maps ({len(report.figures())} SVG + PNG)"] = time.perf_counter() - t
    t = time.perf_counter()
    html.write_folder(report, out / report.slug, template)
    times["HTML folder"] = time.perf_counter() - t
    t = time.perf_counter()
    pdf_data = pdf.pdf_bytes(report, template)
    (out / f"{report.slug}.pdf").write_bytes(pdf_data)
    times["PDF (WeasyPrint, PDF/UA-1)"] = time.perf_counter() - t
    t = time.perf_counter()
    (out / f"{report.slug}.docx").write_bytes(word.docx_bytes(report, template))
    times["DOCX"] = time.perf_counter() - t
    total = sum(times.values())

    from pypdf import PdfReader

    pages = len(PdfReader(str(out / f"{report.slug}.pdf")).pages)
    lines = [f"  {name:<42} {sec:6.2f} s" for name, sec in times.items()]
    lines.append(f"  {'total (target < 60 s)':<42} {total:6.2f} s")
    summary = (
        f"Regional report, 18 municipalities, 8 indicators, {len(report.tables())} tables, "
        f"{len(report.figures())} figures, PDF {pages} pages ({len(pdf_data) / 1e6:.1f} MB); "
        f"database set-up {setup:.1f} s (not counted)"
    )
    print(summary)
    print("\n".join(lines))
    print(f"files: {out}" if args.keep else "(files removed; use --keep DIR to look at them)")
    if not args.no_results:
        results = ROOT / "benchmarks" / "RESULTS.md"
        machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
        section = (
            f"\n## Reports: regional report for 18 municipalities (`benchmarks/report_bench.py`)\n\n"
            f"{time.strftime('%Y-%m-%d')}, {machine}, SQLite. {summary}.\n\n```\n"
            + "\n".join(lines)
            + "\n```\n"
        )
        if not results.exists():
            results.write_text("# Benchmark results\n", "utf-8")
        with results.open("a", encoding="utf-8") as fh:
            fh.write(section)
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    if total > 60:
        sys.exit(f"too slow: {total:.1f} s > 60 s")


if __name__ == "__main__":
    main()
