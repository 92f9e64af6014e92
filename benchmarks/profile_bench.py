"""How fast is a municipality profile on a national-scale store? (issue 3: p95 < 100 ms)

A profile here is what the area profile page computes: 100 indicators × the last 10 years for the
municipality and 3 reference areas (its region, its county, the country), with confidence intervals,
significance against each reference (Benjamini–Hochberg over the profile), trend tests, ranking bands among
all municipalities and disclosure control for the public. The store is ``benchmarks/national_store.py``
(~15.8 million observations, built once per database).

    python benchmarks/profile_bench.py                 # SQLite and PostgreSQL
    python benchmarks/profile_bench.py --store sqlite --profiles 60

"Cold" is the first profile in a fresh process (indicator metadata, memberships and the ranking bands of
the shown year are read and cached); "warm" are the following profiles of other municipalities, which is
what a running server sees. Bands are cached per (indicator, year) and dropped on the next import.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGET_MS = 100.0


def child(kind: str, n_profiles: int, n_indicators: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import random

    from kasvu import profiles, values
    from kasvu.bank.models import Area, Indicator

    ids = list(Indicator.objects.filter(key__startswith="bench:").order_by("id").values_list("id", flat=True))
    ids = ids[:n_indicators]
    munis = list(Area.objects.filter(kind="municipality", valid_to__isnull=True).values_list("id", flat=True))
    random.Random(3).shuffle(munis)
    chosen = munis[: n_profiles + 1]
    t = time.perf_counter()
    first = profiles.build_profile(chosen[0], public=True, indicator_ids=ids, years=10)
    cold_ms = (time.perf_counter() - t) * 1000
    warm: list[float] = []
    reads: list[float] = []
    for area_id in chosen[1:]:
        t = time.perf_counter()
        p = profiles.build_profile(area_id, public=True, indicator_ids=ids, years=10)
        warm.append((time.perf_counter() - t) * 1000)
        reads.append(p.timings["read"] * 1000)
    rows = first.rows
    cells = sum(len(r.series) for r in rows) + sum(len(r.comparisons) for r in rows)
    warm.sort()
    values.clear_caches()
    return {
        "store": kind,
        "observations": _count(),
        "indicators": len(rows),
        "references": len(first.references),
        "values_per_profile": cells,
        "profiles": len(warm),
        "cold_ms": cold_ms,
        "median_ms": statistics.median(warm),
        "p95_ms": warm[int(0.95 * (len(warm) - 1))],
        "max_ms": warm[-1],
        "sql_read_median_ms": statistics.median(reads),
    }


def _count() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT MAX(id) FROM bank_observation")
        return int(cur.fetchone()[0] or 0)


def run(kind: str, n_profiles: int, n_indicators: int) -> dict[str, object]:
    import national_store

    env = national_store.ensure(kind)
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--profiles", str(n_profiles), "--indicators", str(n_indicators)],
        env={**os.environ, **env}, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--profiles", type=int, default=50)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.profiles, args.indicators)))
        return
    kinds = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
    print(f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    for kind in kinds:
        r = run(kind, args.profiles, args.indicators)
        ok = "OK" if float(r["p95_ms"]) < TARGET_MS else "OVER TARGET"  # type: ignore[arg-type]
        print(
            f"\n{kind}: {r['observations']:,} observations; profile of {r['indicators']} indicators, "
            f"{r['references']} references, {r['values_per_profile']:,} values\n"
            f"  cold (first in process, bands read)   {r['cold_ms']:8.1f} ms\n"
            f"  warm median ({r['profiles']} municipalities)     {r['median_ms']:8.1f} ms\n"
            f"  warm p95 (target < {TARGET_MS:.0f} ms)          {r['p95_ms']:8.1f} ms   "
            f"{float(r['p95_ms']) / TARGET_MS:.2f} of target  {ok}\n"  # type: ignore[arg-type]
            f"  warm max                              {r['max_ms']:8.1f} ms\n"
            f"  of which SQL read (median)            {r['sql_read_median_ms']:8.1f} ms"
        )


if __name__ == "__main__":
    main()
