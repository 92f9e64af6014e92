"""Do region values kasvu computes from municipalities agree with THL's own? (issue 15)

The bundled 2013 archive (``kasvu import sotkanet-2013``) holds THL's municipal values *and* THL's own
published values for the regions (maakunta). For every indicator THL publishes only as a rate
(aggregation ``weighted_mean``), this computes each region's value from its municipalities exactly as a
profile would (:func:`kasvu.values.group_values`: memberships by year, the indicator's weight) and
compares it with THL's value for the same region and year.

A value *agrees* when it is within 0.3 (in the indicator's unit) or within 1 % of THL's. The table gives,
per indicator, the share of THL's region-years that kasvu reproduces, the share it withholds (no proper
weight stored: "ikäryhmän väestöä ei ole"), the worst relative error of what it shows, and the weight it
used. Counts (aggregation ``sum``) must agree exactly.

    python benchmarks/weights_bench.py              # fresh SQLite store in a temporary directory
    python benchmarks/weights_bench.py --markdown   # the table for benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ABS_TOL = 0.3
REL_TOL = 0.01


def setup_store(data_dir: str) -> None:
    """A fresh SQLite store with Finland's areas and the whole 2013 archive, through the real commands."""
    os.environ.update(
        KASVU_DATA_DIR=data_dir,
        KASVU_DEMO="1",
        KASVU_DATABASE_URL="",
        DJANGO_SETTINGS_MODULE="kasvu.settings",
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from kasvu.classification import data_path

    call_command("migrate", "--no-input", verbosity=0)
    call_command("areas", "install", verbosity=0)
    call_command("import_", "sotkanet-2013", str(data_path("sotkanet_2013")), verbosity=0)


def agreement() -> list[dict[str, object]]:
    """One record per aggregated indicator: THL's region-years, agreeing, withheld, worst error, weight."""
    import polars as pl

    from kasvu.bank.models import Area
    from kasvu.readmodel import clear_caches, indicator_frame, store
    from kasvu.readmodel.groups import group_values

    clear_caches()
    meta = indicator_frame().filter(pl.col("aggregation").is_in(["weighted_mean", "sum", "ratio"]))
    ids = meta["indicator_id"].to_list()
    regions = list(Area.objects.filter(kind="region"))
    thl = store.observations([r.id for r in regions], ids).select(
        "indicator_id", "area_id", "year", pl.col("value").alias("thl")
    )
    ours = pl.concat(
        group_values(r.id, ids).select("indicator_id", "area_id", "year", "value", "missing_reason")
        for r in regions
    )
    both = thl.join(ours, on=["indicator_id", "area_id", "year"], how="left")
    diff = (pl.col("value") - pl.col("thl")).abs()
    ok = (diff <= ABS_TOL) | (diff <= REL_TOL * pl.col("thl").abs())
    per = both.group_by("indicator_id").agg(
        pl.len().alias("thl_values"),
        pl.col("value").is_not_null().sum().alias("shown"),
        ok.fill_null(False).sum().alias("agree"),
        (diff / pl.col("thl").abs()).max().alias("worst_rel"),
    )
    out = per.join(meta.select("indicator_id", "key", "title_fi", "aggregation"), on="indicator_id")
    used = _weights_used(ids)
    rows = [{**r, "weight": used.get(int(r["indicator_id"]), "")} for r in out.to_dicts()]
    return sorted(rows, key=lambda r: (str(r["aggregation"]), int(str(r["key"]).split(":")[1])))


def _weights_used(ids: list[int]) -> dict[int, str]:
    """The weight of each weighted mean, as the read model chose it (before issue 15: population for all)."""
    try:
        from kasvu.readmodel.groups import weight_choices
    except ImportError:  # the code before the weights study
        return {}
    return {i: c.describe() for i, c in weight_choices(ids).items()}


def report(rows: list[dict[str, object]], markdown: bool) -> str:
    lines = []
    if markdown:
        lines.append(
            "| indicator | rule | weight | THL region-years | agree | withheld | worst error shown |"
        )
        lines.append("|---|---|---|---:|---:|---:|---:|")
    for r in rows:
        n, agree, shown = int(r["thl_values"]), int(r["agree"]), int(r["shown"])  # type: ignore[call-overload]
        withheld = n - shown
        worst = f"{float(r['worst_rel']) * 100:.1f} %" if r["worst_rel"] is not None else "–"  # type: ignore[arg-type]
        title = str(r["title_fi"])[:60]
        weight = str(r["weight"] or ("–" if r["aggregation"] != "weighted_mean" else "population"))
        weight = weight.replace("sotkanet:", "")
        if markdown:
            lines.append(
                f"| {r['key']} {title} | {r['aggregation']} | {weight} | {n} | {agree / n:.0%} | "
                f"{withheld / n:.0%} | {worst} |"
            )
        else:
            lines.append(
                f"{r['key']:>15} {r['aggregation']:>13} {weight:>22} n={n:4d} agree={agree / n:5.0%} "
                f"withheld={withheld / n:5.0%} worst={worst:>8}  {title}"
            )
    weighted = [r for r in rows if r["aggregation"] == "weighted_mean" and int(r["shown"])]  # type: ignore[call-overload]
    all_ok = sum(1 for r in weighted if r["agree"] == r["shown"])
    lines.append(
        f"\n{all_ok} of {len(weighted)} weighted indicators with shown values agree for every value shown; "
        f"counts exact: {all(r['agree'] == r['thl_values'] for r in rows if r['aggregation'] == 'sum')}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--data-dir", help="Use (and fill) this data directory instead of a temporary one.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kasvu-weights-") as tmp:
        setup_store(args.data_dir or tmp)
        print(report(agreement(), args.markdown))


if __name__ == "__main__":
    main()
