"""Regenerate tests/surveys/r_reference.json: R survey's estimates for the generated test data.

Needs R with the ``survey`` package (Debian: r-base-core, r-cran-survey). Steps:

1. generate ``tests/surveys/data/reference_responses.csv`` (seeded, GENERATED data) unless
   ``--keep-data`` is given;
2. read it with kasvu's importer and codebook, write the 0/1 and numeric item values
   and the design spec for R;
3. run ``scripts/r/survey_reference.R`` (svydesign, svyby, svyciprop(method="logit"), svymean);
4. store R's output, R and survey versions in ``tests/surveys/r_reference.json``.

Usage: python scripts/regenerate_survey_reference.py [--keep-data] [--n 3000] [--seed 20240601]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

from kasvu.surveys.codebook import bundled_codebook
from kasvu.surveys.generate import generate_responses, write_responses
from kasvu.surveys.indicators import SEX_DOMAINS, indicator_values
from kasvu.surveys.responses import read_responses

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "surveys" / "data" / "reference_responses.csv"
OUT = ROOT / "tests" / "surveys" / "r_reference.json"
R_SCRIPT = ROOT / "scripts" / "r" / "survey_reference.R"
#: Area groups used in the reference (West and Central Uusimaa wellbeing services counties).
GROUPS = {
    "Länsi-Uusimaa": ["078", "149", "224", "235", "257", "444", "710", "755", "927"],
    "Keski-Uusimaa": ["106", "186", "505", "543", "611", "858"],
}
#: Designs and the items computed for each ("all" or a list); the partial ones keep the JSON small.
DESIGNS = {
    "stratified_cluster_certainty": "all",
    "srs_weighted": "all",
    "stratified_cluster_adjust": ["has_friends", "bullied_weekly", "active_days", "can_influence"],
    "srs_unweighted": ["feels_safe", "screen_hours", "lonely_often"],
}
COLUMNS = [
    "design",
    "item",
    "statistic",
    "area",
    "area_kind",
    "grade",
    "sex",
    "estimate",
    "se",
    "lower",
    "upper",
    "df",
]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep-data", action="store_true", help="reuse the existing response file")
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    codebook = bundled_codebook()
    if not args.keep_data:
        DATA.parent.mkdir(parents=True, exist_ok=True)
        write_responses(generate_responses(codebook, args.n, seed=args.seed), DATA)
    responses = read_responses(DATA, codebook)
    frame = responses.frame
    items = pl.concat(
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
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp)
        items.write_csv(spec / "items.csv", null_value="NA", float_precision=None)
        with open(spec / "items_spec.csv", "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["item", "statistic"])
            w.writerows([ind.key, ind.statistic] for ind in codebook.indicators)
        with open(spec / "groups.csv", "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["group", "area"])
            w.writerows([g, a] for g, members in GROUPS.items() for a in members)
        with open(spec / "designs.csv", "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["design", "items"])
            w.writerows([d, v if isinstance(v, str) else ";".join(v)] for d, v in DESIGNS.items())
        result = subprocess.run(
            ["Rscript", str(R_SCRIPT), str(spec / "items.csv"), str(spec), str(spec / "out.csv")],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            return result.returncode
        with open(spec / "out.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    records = []
    for row in rows:
        rec: list[object] = [row[k] for k in COLUMNS[:7]]
        rec += [float(row[k]) if row[k] not in ("NA", "NaN") else None for k in COLUMNS[7:11]]
        rec.append(int(float(row["df"])))
        records.append(rec)
    OUT.write_text(
        json.dumps(
            {
                "generated_by": "scripts/regenerate_survey_reference.py",
                "r_version": result.stdout.strip(),
                "data": str(DATA.relative_to(ROOT)),
                "groups": GROUPS,
                "designs": DESIGNS,
                "options": {
                    "survey.lonely.psu": "certainty or adjust as the design name says",
                    "glm.control": "epsilon 1e-14, maxit 100 (svyciprop's glm fully converged)",
                },
                "columns": COLUMNS,
                "rows": records,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(records)} rows to {OUT.relative_to(ROOT)} ({result.stdout.strip()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
