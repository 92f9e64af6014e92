"""Disclosure control at national scale: ``disclosure.refresh([id])`` per indicator, SQLite and PostgreSQL.

Builds a fresh database in a child process (temporary KASVU_DATA_DIR; the PostgreSQL database of
``KASVU_BENCH_DISCLOSURE_PG``, default ``disclosure``, is flushed), installs Finland's areas and stores N indicators for every current municipality, region,
county and the country × 30 years × 3 sexes (about 31,600 cells each) in two flavours:

* ``random``: numerators uniform 0–5000 as in import_bench.py, 2 % of them 0–9 so that primary
  suppression happens; group values and totals do NOT add up to their members (like THL's own
  regional values beside municipal ones, rounded or revised separately: the non-additive case).
* ``additive``: realistic counts. Municipal counts are Poisson with a mean proportional to a population
  drawn log-uniformly (many small municipalities, so many small counts); regions, counties and the
  country are the sums of their members in that year, total = male + female.

Then times ``disclosure.refresh([id])`` per indicator (protection and the exact audit, stored) and
prints the median and max seconds per indicator, the share of cells hidden and the share of hidden
country, region and county cells.

    python benchmarks/disclosure_bench.py                    # 5 indicators per flavour, both databases
    python benchmarks/disclosure_bench.py --only sqlite --indicators 2 --profile

Target (issue 14): under 2 s per national indicator on both flavours and both databases.
Results go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from import_bench import setup_django  # the same child-process set-up (this folder is on sys.path)

PG_URL = os.environ.get("KASVU_BENCH_DISCLOSURE_PG", "postgresql://postgres@127.0.0.1:5432/disclosure")
YEARS = range(1995, 2025)
KINDS = ("municipality", "region", "county", "country")


def national_frame(flavour: str, key: str, seed: int) -> Any:
    """One indicator's observations (area_code = kind:code) in the given flavour."""
    import numpy as np
    import polars as pl

    from kasvu.bank.disclosure import memberships_frame
    from kasvu.bank.models import Area
    from kasvu.stats.groups import members_by_year

    areas = pl.DataFrame(
        list(Area.objects.filter(valid_to__isnull=True, kind__in=KINDS).values_list("id", "kind", "code")),
        schema={"area_id": pl.Int64, "kind": pl.String, "code": pl.String},
        orient="row",
    ).with_columns(pl.concat_str("kind", pl.lit(":"), "code").alias("area_code"))
    rng = np.random.default_rng(seed)
    years = pl.DataFrame({"year": list(YEARS)}, schema={"year": pl.Int32})
    cells = (
        areas.join(years, how="cross")
        .join(pl.DataFrame({"sex": ["male", "female"]}), how="cross")
        .sort("area_id", "year", "sex")  # the same numbers in every run
    )
    n = cells.height
    if flavour == "random":
        num = rng.integers(0, 5000, n).astype(float)
        small = rng.random(n) < 0.02
        num[small] = rng.integers(0, 10, small.sum())
        cells = cells.with_columns(numerator=pl.Series(num))
        total = cells.group_by("area_id", "year").agg(pl.col("numerator").sum() + 1)  # not additive
    else:
        munis = areas.filter(pl.col("kind") == "municipality")
        population = np.exp(rng.uniform(np.log(100), np.log(300_000), munis.height))
        rate = rng.uniform(0.0005, 0.02)
        mean = munis.select("area_id").with_columns(mean=pl.Series(population * rate / 2))
        leaf = cells.join(mean, on="area_id").sort("area_id", "year", "sex")
        leaf = leaf.with_columns(numerator=pl.Series(rng.poisson(leaf["mean"].to_numpy()).astype(float)))
        leaf = leaf.select("area_id", "year", "sex", "numerator")
        links = members_by_year(memberships_frame(), years["year"])
        level, found = leaf, [leaf]
        for _ in range(len(KINDS)):  # nested groups: municipality < region < country
            level = (
                links.join(level, left_on=["member_id", "year"], right_on=["area_id", "year"])
                .group_by(pl.col("group_id").alias("area_id"), "year", "sex")
                .agg(pl.col("numerator").sum())
            )
            found.append(level.select(leaf.columns))
        sums = pl.concat(found).unique(["area_id", "year", "sex"], keep="first")
        cells = cells.join(sums, on=["area_id", "year", "sex"], how="left").with_columns(
            pl.col("numerator").fill_null(0.0)
        )
        total = cells.group_by("area_id", "year").agg(pl.col("numerator").sum())
    cells = pl.concat(
        [
            cells.select("area_id", "area_code", "year", "sex", "numerator"),
            total.join(areas.select("area_id", "area_code"), on="area_id").select(
                "area_id", "area_code", "year", pl.lit("total").alias("sex"), "numerator"
            ),
        ]
    )
    return cells.with_columns(
        indicator=pl.lit(key),
        denominator=pl.col("numerator") * 20 + 1000,
        sample_size=pl.lit(None, pl.Int64),
        flags=pl.lit(0),
        row=pl.int_range(1, pl.len() + 1),
    ).with_columns(value=(pl.col("numerator") / pl.col("denominator") * 1000).round(1))


def store(flavour: str, i: int) -> int:
    """Store one indicator without disclosure control; returns its id."""
    from kasvu.bank import disclosure
    from kasvu.bank.loader import load
    from kasvu.bank.models import Indicator
    from kasvu.importers.base import IndicatorMeta, ParsedBatch

    key = f"bench:{flavour}-{i}"
    meta = IndicatorMeta(
        key=key,
        source="bench",
        source_id=f"{flavour}-{i}",
        title={"fi": f"Testi {key}", "en": f"Bench {key}"},
        unit="per 1000",
        scale=1000,
        aggregation="ratio",
    )
    frame = national_frame(flavour, key, seed=1000 * (flavour == "additive") + i)
    real, disclosure.refresh = disclosure.refresh, lambda ids: {}  # type: ignore[assignment]
    try:
        load(
            ParsedBatch(
                source_file="disclosure_bench", indicators=[meta], observations=frame, area_scheme="code"
            ),
            kind="bench",
        )
    finally:
        disclosure.refresh = real  # type: ignore[assignment]
    return Indicator.objects.get(key=key).id


def run(data_dir: Path, database_url: str | None, n: int, profile: bool) -> None:
    """In a child process: fresh database, store, time refresh per indicator, print JSON."""
    setup_django(data_dir, database_url)
    from django.core.management import call_command

    from kasvu.bank import disclosure
    from kasvu.bank.areas import install_finland
    from kasvu.bank.models import GroupSuppression, Observation

    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    install_finland()
    out: dict[str, Any] = {}
    for flavour in ("random", "additive"):
        ids = [store(flavour, i) for i in range(n)]
        seconds = []
        for ind in ids:
            t = time.perf_counter()
            disclosure.refresh([ind])
            seconds.append(time.perf_counter() - t)
        cells = Observation.objects.filter(indicator_id__in=ids)
        out[flavour] = {
            "seconds": seconds,
            "cells": cells.count(),
            "primary": cells.filter(suppressed=disclosure.PRIMARY).count(),
            "secondary": cells.filter(suppressed=disclosure.SECONDARY).count(),
            "groups": GroupSuppression.objects.filter(indicator_id__in=ids).count(),
            # the years with wellbeing services counties, where the country has three kinds of members
            "cells_2023": cells.filter(year__gte=2023).count(),
            "hidden_2023": cells.filter(year__gte=2023).exclude(suppressed=0).count(),
            "references": cells.filter(area__kind__in=["country", "region", "county"]).count(),
            "references_hidden": cells.filter(area__kind__in=["country", "region", "county"])
            .exclude(suppressed=0)
            .count(),
        }
        if profile:
            prof = cProfile.Profile()
            prof.runcall(disclosure.refresh, ids[:1])
            text = io.StringIO()
            pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(25)
            out[flavour]["profile"] = text.getvalue()
    print(json.dumps(out))


def measure(database_url: str | None, n: int, profile: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kasvu-bench-") as data_dir:
        args = [sys.executable, __file__, "--child", "--data-dir", data_dir, "--indicators", str(n)]
        args += ["--database-url", database_url or ""] + (["--profile"] if profile else [])
        done = subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--indicators", type=int, default=5, help="Indicators per flavour.")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--profile", action="store_true", help="cProfile one refresh per flavour.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(Path(args.data_dir), args.database_url or None, args.indicators, args.profile)
        return
    print(
        f"load average {os.getloadavg()[0]:.2f}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '')}"
    )
    for name, url in (("sqlite", None), ("postgresql", PG_URL)):
        if args.only and args.only != name:
            continue
        for flavour, r in measure(url, args.indicators, args.profile).items():
            s = r["seconds"]
            hidden = (r["primary"] + r["secondary"]) / r["cells"]
            ok = "met" if max(s) < 2 else "NOT met"
            print(
                f"{name:<11} {flavour:<9} {len(s)} × {r['cells'] // len(s):,} cells: median {statistics.median(s):.2f} s, "
                f"max {max(s):.2f} s per indicator; hidden {hidden:.1%} (primary {r['primary'] / r['cells']:.1%}, "
                f"secondary {r['secondary'] / r['cells']:.1%}), {r['groups'] / len(s):,.0f} group values "
                f"withheld per indicator; 2023–2024 hidden {r['hidden_2023'] / r['cells_2023']:.1%} "
                f"; country/region/county hidden {r['references_hidden'] / r['references']:.1%} "
                f"(target < 2 s: {ok})"
            )
            if "profile" in r:
                print(r["profile"])


if __name__ == "__main__":
    main()
