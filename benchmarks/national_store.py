"""A national-scale store for the speed benchmarks (about 15.8 million observations).

500 generated indicators (numerators, denominators, rights, directions) for
every current municipality, region, county and the country, 30 years, three
sexes: the size of Sotkanet's municipal data. Built once per database and
reused (a marker table row says it is complete):

    python benchmarks/national_store.py sqlite       # var/bench/national.sqlite3
    python benchmarks/national_store.py postgresql   # database kasvu_national on 127.0.0.1

Other benchmarks call :func:`environment` to point Django at the store.
Generated data only: nothing here is real.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_DIR = ROOT / "var" / "bench"
PG_ADMIN_URL = os.environ.get("KASVU_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
PG_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/kasvu_national"
N_INDICATORS = int(os.environ.get("KASVU_BENCH_INDICATORS", "500"))
YEARS = range(1995, 2025)
RIGHTS = ["equality", "care", "participation", "health", "safety", "learning", "leisure"]


def environment(kind: str) -> dict[str, str]:
    """Environment variables that point kasvu at the national store of ``kind``."""
    env = {"KASVU_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "kasvu.settings"}
    if kind == "sqlite":
        env["KASVU_DATA_DIR"] = str(SQLITE_DIR / "sqlite")
        env["KASVU_DATABASE_URL"] = ""
    else:
        env["KASVU_DATA_DIR"] = str(SQLITE_DIR / "pg-side")
        env["KASVU_DATABASE_URL"] = PG_URL
    return env


def _is_complete() -> bool:
    from django.db import connection

    from kasvu.bank.models import ImportRun

    return (
        "bank_importrun" in connection.introspection.table_names()
        and ImportRun.objects.filter(kind="national-bench-complete").exists()
    )


def build(kind: str) -> None:
    """Create the store (in this process: call with the environment of ``kind`` already set)."""
    import django

    django.setup()
    import numpy as np
    import polars as pl
    from django.core.management import call_command

    from kasvu.bank.areas import install_finland
    from kasvu.bank.loader import load
    from kasvu.bank.models import Area, ImportRun
    from kasvu.importers.base import FLAG_GENERATED, IndicatorMeta, ParsedBatch

    call_command("migrate", verbosity=0)
    if _is_complete():
        print(f"{kind}: national store already built")
        return
    install_finland()
    codes = [
        f"{a.kind}:{a.code}"
        for a in Area.objects.filter(
            valid_to__isnull=True, kind__in=["municipality", "region", "county", "country"]
        )
    ]
    rng = np.random.default_rng(7)
    n_years = len(YEARS)
    area = np.repeat(np.array(codes), n_years * 2)
    year = np.tile(np.repeat(np.arange(YEARS.start, YEARS.stop), 2), len(codes))
    sex = np.tile(np.array(["male", "female"]), len(codes) * n_years)
    base_pop = rng.integers(200, 60_000, len(codes))
    den_parts = np.repeat(base_pop, n_years * 2).astype(np.int64)
    t0, rows = time.perf_counter(), 0
    for i in range(N_INDICATORS):
        p = rng.uniform(0.01, 0.6)
        num = rng.binomial(den_parts, p).astype(float)
        parts = pl.DataFrame(
            {
                "area_code": area,
                "year": year,
                "sex": sex,
                "numerator": num,
                "denominator": den_parts.astype(float),
            }
        )
        total = parts.group_by(["area_code", "year"]).agg(
            pl.col("numerator").sum(), pl.col("denominator").sum()
        )
        frame = pl.concat(
            [parts, total.with_columns(sex=pl.lit("total")).select(parts.columns)]
        ).with_columns(
            indicator=pl.lit(f"bench:{i}"),
            value=(pl.col("numerator") / pl.col("denominator") * 100).round(1),
            sample_size=pl.lit(None, pl.Int64),
            flags=pl.lit(FLAG_GENERATED),
            row=pl.int_range(1, pl.len() + 1),
        )
        meta = IndicatorMeta(
            key=f"bench:{i}",
            source="bench",
            source_id=str(i),
            title={"fi": f"Testi {i}", "en": f"Bench {i}"},
            unit="%",
            scale=100,
            aggregation="ratio",
            rights=[RIGHTS[i % 7]],
            direction=["higher_better", "lower_better", "neutral"][i % 3],
            licence="CC0 1.0",
            attribution="Generated benchmark data, not real",
        )
        rows += load(
            ParsedBatch(
                source_file="national_store", indicators=[meta], observations=frame, area_scheme="code"
            ),
            kind="bench",
        ).added
        if i % 50 == 49:
            print(
                f"  {kind}: {i + 1} indicators, {rows:,} rows, {rows / (time.perf_counter() - t0):,.0f} rows/s",
                flush=True,
            )
    ImportRun.objects.create(kind="national-bench-complete", source_file=f"{rows} rows")
    print(f"{kind}: built {rows:,} observations in {time.perf_counter() - t0:.0f} s")


def ensure(kind: str) -> dict[str, str]:
    """Build the store of ``kind`` in a child process if needed; return its environment."""
    env = environment(kind)
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'kasvu_national'").fetchone()
            if not exists:
                conn.execute("CREATE DATABASE kasvu_national")
    SQLITE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, __file__, kind], check=True, env={**os.environ, **env})
    return env


if __name__ == "__main__":
    kind = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    if kind not in ("sqlite", "postgresql"):
        sys.exit("usage: national_store.py sqlite|postgresql")
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        sys.path.insert(0, str(ROOT / "src"))
        build(kind)
    else:
        ensure(kind)
