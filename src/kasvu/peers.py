"""Peer groups: the municipalities most like a given one on chosen background indicators.

Each background indicator is standardised over all candidate areas (z = (x − mean) / sd), counts such as
population on the log scale first (a town of 20,000 is more like one of 40,000 than 20,000 is like 0);
the peers are the nearest neighbours in Euclidean distance over the standardised values. Areas missing
any background value are left out. Pure: a frame in, a frame out.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import polars as pl


class NoBackground(ValueError):
    """The base area has no value for some background indicator, so no distance can be computed."""


def nearest(
    background: pl.DataFrame, base_id: int, k: int = 5, log_indicators: Collection[int] = ()
) -> pl.DataFrame:
    """The ``k`` areas nearest to ``base_id``: columns area_id, distance (ascending), then z per indicator.

    ``background`` has area_id, indicator_id, value (one value per area and indicator, e.g. each area's
    latest year).
    """
    data = background.filter(pl.col("value").is_not_null())
    logged = pl.col("indicator_id").is_in(list(log_indicators))
    data = data.with_columns(
        pl.when(logged).then(pl.col("value").clip(lower_bound=1).log()).otherwise(pl.col("value")).alias("x")
    )
    wide = data.pivot(on="indicator_id", index="area_id", values="x", aggregate_function="first").drop_nulls()
    cols = [c for c in wide.columns if c != "area_id"]
    if not cols or base_id not in wide["area_id"].to_list():
        raise NoBackground(
            "The area has no value for every background indicator; choose indicators it has values for."
        )
    matrix = wide.select(cols).to_numpy().astype(float)
    sd = matrix.std(axis=0)
    sd[sd == 0] = 1.0
    z = (matrix - matrix.mean(axis=0)) / sd
    ids = wide["area_id"].to_numpy()
    base = z[ids == base_id][0]
    dist = np.sqrt(((z - base) ** 2).sum(axis=1))
    out = pl.DataFrame({"area_id": ids, "distance": dist}).with_columns(
        [pl.Series(f"z_{c}", z[:, i]) for i, c in enumerate(cols)]
    )
    return out.filter(pl.col("area_id") != base_id).sort("distance", "area_id").head(k)
