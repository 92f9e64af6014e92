"""Benchmark: survey estimation for 250,000 pupils × 100 items by municipality × grade × sex.

    python benchmarks/survey_bench.py [--n 250000] [--items 100] [--r-items 3] [--no-r]

Steps (GENERATED data from kasvu.surveys.generate, stratified by municipality, clustered by school,
weighted):

1. generate the response file (not timed) into a temporary directory;
2. in a fresh Python process: read and validate the CSV (timed), then estimate all items by
   municipality × grade × sex with logit intervals (timed), then the full publication run with
   totals over grade/sex/area and two area groups (timed); peak memory is the process's
   maximum resident set size (``resource.getrusage``), which includes Polars' native memory;
3. if Rscript is available: the same estimation with R survey (svyby + svyciprop(method="logit") /
   svymean) on the same values for ``--r-items`` items, extrapolated linearly to all items —
   R needs minutes per item at this size, so the output says clearly that R's total is an
   extrapolation. Targets: at least 20× faster than R, under 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

R_CODE = r"""
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "certainty")
args <- commandArgs(trailingOnly = TRUE)
items <- strsplit(args[2], ",")[[1]]
stats <- strsplit(args[3], ",")[[1]]
t0 <- proc.time()[["elapsed"]]
data <- read.csv(args[1], colClasses = c(area = "character", grade = "character", sex = "character",
                                          stratum = "character", cluster = "character"))
t1 <- proc.time()[["elapsed"]]
des <- svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight, nest = TRUE, data = data)
des <- subset(des, !is.na(sex))
t2 <- proc.time()[["elapsed"]]
for (i in seq_along(items)) {
  d <- des[!is.na(des$variables[[items[i]]]), ]
  f <- as.formula(paste0("~", items[i]))
  if (stats[i] == "proportion") {
    r <- suppressWarnings(svyby(f, ~area + grade + sex, d, svyciprop, method = "logit", vartype = c("se", "ci")))
  } else {
    r <- svyby(f, ~area + grade + sex, d, svymean, vartype = c("se", "ci"))
  }
}
t3 <- proc.time()[["elapsed"]]
cat(sprintf('{"read": %.3f, "design": %.3f, "estimate": %.3f, "items": %d, "rows": %d}\n',
            t1 - t0, t2 - t1, t3 - t2, length(items), nrow(r)))
"""


def worker(data_dir: Path, n_items: int) -> None:
    """Run in a fresh process so that max RSS is the estimation's own peak."""
    from kasvu.surveys.codebook import bundled_codebook
    from kasvu.surveys.estimation import Design, Item, estimate
    from kasvu.surveys.generate import extend_codebook
    from kasvu.surveys.indicators import SEX_DOMAINS, estimate_indicators, indicator_values
    from kasvu.surveys.responses import read_responses

    codebook = extend_codebook(bundled_codebook(), n_items)
    t0 = time.perf_counter()
    responses = read_responses(data_dir / "responses.csv", codebook)
    t1 = time.perf_counter()
    frame = responses.frame
    data = pl.concat(
        [
            frame.select(
                "area",
                pl.col("grade").cast(pl.String),
                pl.when(pl.col("sex").is_in(SEX_DOMAINS)).then(pl.col("sex")).alias("sex"),
                "weight",
                "stratum",
                "cluster",
            ),
            indicator_values(frame, codebook),
        ],
        how="horizontal",
    )
    items = [Item(i.key, i.key, i.statistic) for i in codebook.indicators]
    t2 = time.perf_counter()
    cells = estimate(
        data, items, Design("weight", "stratum", "cluster"), by=("area", "grade", "sex"), totals=False
    )
    t3 = time.perf_counter()
    groups = {
        "Länsi-Uusimaa": ["078", "149", "224", "235", "257", "444", "710", "755", "927"],
        "Keski-Uusimaa": ["106", "186", "505", "543", "611", "858"],
    }
    full = estimate_indicators(responses, area_groups=groups)
    t4 = time.perf_counter()
    data.write_csv(data_dir / "items_for_r.csv", null_value="NA")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(
        json.dumps(
            {
                "read_validate": t1 - t0,
                "recode": t2 - t1,
                "estimate_cells": t3 - t2,
                "estimate_full": t4 - t3,
                "cell_rows": cells.height,
                "full_rows": full.height,
                "peak_bytes": peak,
                "respondents": frame.height,
                "items": [i.key for i in codebook.indicators],
                "statistics": [i.statistic for i in codebook.indicators],
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=250_000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--r-items", type=int, default=3, help="items R estimates (then extrapolated)")
    parser.add_argument("--no-r", action="store_true")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.items)
        return 0

    from kasvu.surveys.codebook import bundled_codebook
    from kasvu.surveys.generate import extend_codebook, generate_responses, write_responses

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        t = time.perf_counter()
        codebook = extend_codebook(bundled_codebook(), args.items)
        frame = generate_responses(codebook, args.n, seed=1)
        path = write_responses(frame, data_dir / "responses.csv")
        del frame
        print(
            f"generated {args.n:,} respondents × {args.items} items (GENERATED data) in "
            f"{time.perf_counter() - t:.1f} s; CSV {path.stat().st_size / 2**20:.0f} MiB"
        )
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", str(data_dir), "--items", str(args.items)],
            capture_output=True,
            text=True,
            check=True,
        )
        py = json.loads(proc.stdout.strip().splitlines()[-1])
        print("kasvu (Python/Polars/NumPy):")
        print(f"  read + validate CSV          {py['read_validate']:8.2f} s")
        print(f"  recode answers to items      {py['recode']:8.2f} s")
        print(
            f"  estimate municipality × grade × sex, {args.items} items, SE + logit CI: "
            f"{py['estimate_cells']:.2f} s ({py['cell_rows']:,} estimates)"
        )
        print(
            f"  full publication run (+ totals, 2 area groups): {py['estimate_full']:.2f} s "
            f"({py['full_rows']:,} estimates)"
        )
        print(
            f"  peak memory (max RSS of the process): {py['peak_bytes'] / 2**30:.2f} GiB "
            f"(target < 2 GiB: {'OK' if py['peak_bytes'] < 2 * 2**30 else 'MISSED'})"
        )
        if args.no_r or shutil.which("Rscript") is None:
            print("R: skipped (Rscript not found or --no-r)")
            return 0
        k = min(args.r_items, args.items)
        # Pick proportions and at least one mean if there is one among the first items.
        chosen = list(range(k))
        if "mean" in py["statistics"] and all(py["statistics"][i] != "mean" for i in chosen):
            chosen[-1] = py["statistics"].index("mean")
        r_script = data_dir / "bench.R"
        r_script.write_text(R_CODE, encoding="utf-8")
        r = subprocess.run(
            [
                "Rscript",
                str(r_script),
                str(data_dir / "items_for_r.csv"),
                ",".join(py["items"][i] for i in chosen),
                ",".join(py["statistics"][i] for i in chosen),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rt = json.loads(r.stdout.strip().splitlines()[-1])
        per_item = rt["estimate"] / rt["items"]
        r_total = rt["design"] + per_item * args.items
        print(
            f"R survey {rt['items']} item(s) measured ({', '.join(py['items'][i] for i in chosen)}): "
            f"{rt['estimate']:.1f} s, {per_item:.1f} s per item (read.csv {rt['read']:.1f} s not counted)"
        )
        print(
            f"R survey, all {args.items} items: {r_total:.0f} s  <-- EXTRAPOLATED linearly from "
            f"{rt['items']} measured item(s), not measured"
        )
        ratio = r_total / py["estimate_cells"]
        print(
            f"speed-up kasvu vs R (municipality × grade × sex, estimation only): {ratio:.0f}× "
            f"(target ≥ 20×: {'OK' if ratio >= 20 else 'MISSED'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
