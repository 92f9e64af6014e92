"""Time the statistics core on a municipality profile: 100 indicators x 10 years x 4 areas.

    python benchmarks/stats_bench.py

Intervals for every value, tests against 3 references, bands among 300 municipalities, suppression with
a region hierarchy and the sex breakdown. Target: well under 100 ms in total.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from kasvu.stats import (
    additive_constraints,
    benjamini_hochberg,
    poisson_rate_interval,
    rank_bands,
    rate_ratio_test,
    suppress,
    two_proportion_test,
    wilson_interval,
)

RNG = np.random.default_rng(2024)
INDICATORS, YEARS, AREAS, REFERENCES, MUNICIPALITIES = 100, 10, 4, 3, 300


def profile() -> dict[str, Any]:
    size = INDICATORS * YEARS * AREAS
    n = RNG.integers(200, 50000, size).astype(float)
    x = RNG.binomial(n.astype(int), 0.05).astype(float)
    ref_n = n * RNG.uniform(5, 50, size)
    ref_x = RNG.binomial(ref_n.astype(int), 0.05).astype(float)
    ranking = pl.DataFrame(
        {
            "indicator": np.repeat([f"i{i}" for i in range(INDICATORS)], YEARS * MUNICIPALITIES),
            "year": np.tile(np.repeat(np.arange(2015, 2015 + YEARS), MUNICIPALITIES), INDICATORS),
            "sex": "total",
            "area_id": np.tile([f"m{j}" for j in range(MUNICIPALITIES)], INDICATORS * YEARS),
            "value": RNG.normal(50, 10, INDICATORS * YEARS * MUNICIPALITIES),
        }
    )
    directions = {f"i{i}": ("higher_better" if i % 2 else "lower_better") for i in range(INDICATORS)}
    return {"n": n, "x": x, "ref_n": ref_n, "ref_x": ref_x, "ranking": ranking, "directions": directions}


def suppression_cells() -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """The profile's 4 areas as a region and 3 member municipalities, by sex (12,000 cells)."""
    areas = ["region", "a", "b", "c"]
    rows = []
    for i in range(INDICATORS):
        for y in range(2015, 2015 + YEARS):
            kids = {a: (int(RNG.integers(0, 40)), int(RNG.integers(0, 40))) for a in areas[1:]}
            kids["region"] = (sum(v[0] for v in kids.values()), sum(v[1] for v in kids.values()))
            for a, (m, f) in kids.items():
                for sex, v in (("total", m + f), ("male", m), ("female", f)):
                    rows.append((f"i{i}", a, y, sex, float(v), 1000.0, v / 10))
    cells = pl.DataFrame(
        rows,
        schema=["indicator", "area_id", "year", "sex", "numerator", "denominator", "value"],
        orient="row",
    )
    return cells, [pl.DataFrame({"group_id": ["region"] * 3, "member_id": areas[1:]})]


def timed(label: str, fn: Callable[[], object], repeat: int = 5) -> float:
    best = min(_once(fn) for _ in range(repeat))
    print(f"{label:<48} {best * 1000:8.1f} ms")
    return best


def _once(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    p = profile()
    cells, hierarchies = suppression_cells()
    n_values = p["n"].size
    print(f"{INDICATORS} indicators x {YEARS} years x {AREAS} areas = {n_values} values")
    total = 0.0
    total += timed(
        "intervals (Wilson + exact Poisson)",
        lambda: (wilson_interval(p["x"], p["n"]), poisson_rate_interval(p["x"], p["n"])),
    )

    half = n_values // 2  # half the indicators are proportions, half rates

    def significance() -> None:
        for _ in range(REFERENCES):
            args = (p["x"], p["n"], p["ref_x"], p["ref_n"])
            two = two_proportion_test(*(a[:half] for a in args), contained=True)
            rate = rate_ratio_test(*(a[half:] for a in args), contained=True)
            benjamini_hochberg(np.concatenate([two.p_value, rate.p_value]))

    total += timed(f"significance vs {REFERENCES} references (+ BH)", significance)
    total += timed(
        f"bands among {MUNICIPALITIES} municipalities", lambda: rank_bands(p["ranking"], p["directions"])
    )
    total += timed(
        f"suppression ({cells.height} cells, region + sex)",
        lambda: suppress(cells, additive_constraints(cells, hierarchies)),
    )
    print(f"{'total':<48} {total * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
