"""Design-based estimates of proportions and means by domain, equal to R's ``survey`` package.

Why our own code and not a survey library: the unit's figures must be reproducible
with the tool statisticians already trust (R ``survey``), and we need all items ×
all domains at once on a quarter of a million pupils. The formulas below are the
ones ``survey`` 4.x uses; ``tests/surveys/test_r_equivalence.py`` pins them to R's
output to 1e-9.

Design (R: ``svydesign(ids=~cluster, strata=~stratum, weights=~w, nest=TRUE)``,
no finite population correction, so PSUs are treated as drawn with replacement).
Without a cluster each respondent is their own PSU; without strata there is one
stratum; without weights every weight is 1 (R: ``ids=~1``).

Domain estimation keeps the full design: a domain's linearised values are zero
outside the domain, and each stratum's number of PSUs ``n_h`` is counted in the
whole sample (what ``svyby`` and ``subset()`` on a design do). For indicator item
``y`` and domain ``d`` with weights ``w``::

    estimate  = sum_d w y / sum_d w                      (answered respondents only)
    z_hc      = sum_{i in PSU c of stratum h, in d} w_i (y_i - estimate) / sum_d w
    variance  = sum_h n_h / (n_h - 1) * sum_c (z_hc - mean_h(z))^2   (mean over all n_h PSUs)
    df        = (#PSUs with answers in d) - (#strata with answers in d)     (R: degf())

Strata with a single PSU ("lonely PSUs"): R fails by default. kasvu defaults to
``"certainty"`` (the stratum adds no variance — right when a small municipality's
only school is surveyed with certainty, as in a census of schools) and offers
``"adjust"`` (the PSU total is centred at the grand mean, i.e. zero, which is
conservative). Set the same ``options(survey.lonely.psu=...)`` in R to compare.

Intervals: proportions use R ``svyciprop(method="logit")``: the logit of the
estimate ± t(df) × se / (p(1-p)), transformed back; with df <= 0 there is no
interval (R: NaN), with p = 0 or 1 the interval is [p, p] (R returns values within
1e-11 of that). Means use ``confint()`` on ``svymean``/``svyby`` whose default is
the normal quantile; ``mean_interval="t"`` uses t(df) instead.

Missing answers (null ``y``) are outside every domain of that item, as
``svyby(~y, ~d, subset(design, !is.na(y)), ...)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from scipy import stats

TOTAL = "total"
LonelyPSU = Literal["certainty", "adjust"]

#: Output columns after the domain columns.
RESULT_COLUMNS = ("indicator", "statistic", "n", "estimate", "se", "lower", "upper", "df", "suppress_primary")


@dataclass(frozen=True)
class Design:
    """Which columns carry the sampling design. All ``None``: simple random sampling, equal weights."""

    weight: str | None = None
    strata: str | None = None
    cluster: str | None = None
    lonely_psu: LonelyPSU = "certainty"


@dataclass(frozen=True)
class Item:
    """One thing to estimate: a Float64 column that is 0/1 (proportion) or a value (mean); null = no answer."""

    key: str
    column: str
    statistic: Literal["proportion", "mean"] = "proportion"


class EstimationError(ValueError):
    """The input frame cannot be estimated as asked; the message says which column to fix."""


def estimate(
    frame: pl.DataFrame,
    items: Sequence[Item],
    design: Design = Design(),
    *,
    by: Sequence[str] = ("area", "grade", "sex"),
    groups: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    totals: bool = True,
    level: float = 0.95,
    threshold: int = 5,
    mean_interval: Literal["normal", "t"] = "normal",
    batch_size: int = 25,
) -> pl.DataFrame:
    """Estimate every item in every domain formed by the ``by`` columns.

    With ``totals`` each ``by`` column is also summed over (value ``"total"``), so
    area × grade × sex gives also area × grade, area, grade × sex, …, and the
    overall total. ``groups`` adds user-defined groups of values of a ``by``
    column, e.g. ``{"area": {"Länsi-Uusimaa": ["078", "149", ...]}}``; a group's
    figure is estimated from its respondents, never averaged from members'
    figures. Rows whose ``by`` value is null (e.g. sex "other") count in the
    totals only.

    Returns one row per domain × item: the ``by`` columns (String; plus
    ``<col>_kind`` = "value"/"group"/"total" for columns with groups), then
    :data:`RESULT_COLUMNS`. ``n`` is the number of respondents who answered;
    ``suppress_primary`` is ``n < threshold`` (the published value must be hidden).
    """
    groups = dict(groups or {})
    _check_columns(frame, items, design, by, groups)
    cells, n_psu = _finest_cells(frame, items, design, by, batch_size)
    parts = [
        _margin(cells, n_psu, len(items), by, margin, groups, design.lonely_psu)
        for margin in _margins(by, groups, totals)
    ]
    wide = pl.concat(parts, how="vertical")
    long = _to_long(wide, items, by, groups)
    return _add_intervals(long, level, threshold, mean_interval)


# ---------------------------------------------------------------------------- steps


def _check_columns(
    frame: pl.DataFrame,
    items: Sequence[Item],
    design: Design,
    by: Sequence[str],
    groups: Mapping[str, Mapping[str, Sequence[str]]],
) -> None:
    needed = [*by, *(i.column for i in items)]
    needed += [c for c in (design.weight, design.strata, design.cluster) if c]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise EstimationError(f"the frame lacks column(s) {missing}; columns are {frame.columns}.")
    unknown = sorted(set(groups) - set(by))
    if unknown:
        raise EstimationError(f"groups are given for {unknown}, which are not among by={list(by)}.")
    keys = [i.key for i in items]
    if len(set(keys)) != len(keys):
        raise EstimationError("item keys must be unique.")
    if design.weight:
        w = frame[design.weight]
        if w.null_count() or not w.dtype.is_numeric() or (w <= 0).any():
            raise EstimationError(f"weights in {design.weight!r} must be positive numbers without gaps.")


def _finest_cells(
    frame: pl.DataFrame, items: Sequence[Item], design: Design, by: Sequence[str], batch_size: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sum w·y, w and n per PSU × finest domain cell; count PSUs per stratum in the whole sample.

    Everything after this works on these sums, so the cost of the 250,000-row
    input is one group-by. Items are summed in batches to bound memory.
    """
    weight = pl.col(design.weight).cast(pl.Float64) if design.weight else pl.lit(1.0)
    stratum = pl.col(design.strata).cast(pl.String) if design.strata else pl.lit("1")
    psu = pl.col(design.cluster).cast(pl.String) if design.cluster else pl.int_range(pl.len()).cast(pl.String)
    base = frame.select(
        stratum.alias("_stratum"),
        psu.alias("_psu"),
        weight.alias("_w"),
        *[pl.col(c).cast(pl.String) for c in by],
        *[pl.col(it.column).cast(pl.Float64).alias(f"_y{k}") for k, it in enumerate(items)],
    )
    if base["_stratum"].null_count() or base["_psu"].null_count():
        raise EstimationError("stratum and cluster columns must not have empty values.")
    keys = ["_stratum", "_psu", *by]
    n_psu = base.group_by("_stratum").agg(pl.col("_psu").n_unique().alias("_nh"))
    cells: pl.DataFrame | None = None
    for start in range(0, len(items), batch_size):
        ks = range(start, min(start + batch_size, len(items)))
        aggs = []
        for k in ks:
            y = pl.col(f"_y{k}")
            aggs += [
                (y * pl.col("_w")).sum().alias(f"wy{k}"),
                pl.col("_w").filter(y.is_not_null()).sum().alias(f"w{k}"),
                y.is_not_null().sum().cast(pl.Int64).alias(f"n{k}"),
            ]
        part = base.group_by(keys, maintain_order=True).agg(aggs)
        cells = part if cells is None else cells.join(part, on=keys, how="left", nulls_equal=True)
    assert cells is not None
    return cells, n_psu


def _margins(
    by: Sequence[str], groups: Mapping[str, Mapping[str, Sequence[str]]], totals: bool
) -> list[dict[str, str]]:
    """Each margin says, per ``by`` column, whether it is kept ("value"), grouped ("group") or summed ("total")."""
    if not totals:
        return [dict.fromkeys(by, "value")]
    choices = [["value", "group", TOTAL] if groups.get(c) else ["value", TOTAL] for c in by]
    return [dict(zip(by, combo, strict=True)) for combo in itertools.product(*choices)]


def _margin(
    cells: pl.DataFrame,
    n_psu: pl.DataFrame,
    n_items: int,
    by: Sequence[str],
    margin: Mapping[str, str],
    groups: Mapping[str, Mapping[str, Sequence[str]]],
    lonely_psu: LonelyPSU,
) -> pl.DataFrame:
    """Estimates, variances and df of all items for the domains of one margin (wide: one column per item)."""
    frame = cells
    for col in by:
        mode = margin[col]
        if mode == "value":
            frame = frame.filter(pl.col(col).is_not_null())
        elif mode == TOTAL:
            frame = frame.with_columns(pl.lit(TOTAL).alias(col))
        else:
            members = pl.DataFrame(
                [(m, g) for g, ms in groups[col].items() for m in ms],
                schema={col: pl.String, "_group": pl.String},
                orient="row",
            )
            frame = frame.join(members, on=col, how="inner").drop(col).rename({"_group": col})
    by = list(by)
    sums = [pl.col(f"{p}{k}").sum() for k in range(n_items) for p in ("wy", "w", "n")]
    # sorted: group_by returns groups in any order, and float sums in another order differ in the last
    # bits, so re-publishing the same survey would "update" values (and could change the pattern)
    psu_level = frame.group_by(["_stratum", "_psu", *by]).agg(sums).sort(["_stratum", "_psu", *by])
    domain = psu_level.group_by(by).agg(sums)
    domain = domain.with_columns(
        [(pl.col(f"wy{k}") / pl.col(f"w{k}")).alias(f"est{k}") for k in range(n_items)]
    )
    # Linearised values per PSU: z = (sum w y - est * sum w) / W_domain; zero when no answers.
    joined = psu_level.join(
        domain.select(
            *by,
            *[pl.col(f"est{k}") for k in range(n_items)],
            *[pl.col(f"w{k}").alias(f"W{k}") for k in range(n_items)],
        ),
        on=by,
        how="left",
        nulls_equal=True,
    ).join(n_psu, on="_stratum", how="left")
    z = [
        pl.when(pl.col(f"n{k}") > 0)
        .then((pl.col(f"wy{k}") - pl.col(f"est{k}") * pl.col(f"w{k}")) / pl.col(f"W{k}"))
        .otherwise(0.0)
        .alias(f"z{k}")
        for k in range(n_items)
    ]
    strat_keys = [*by, "_stratum"]
    joined = joined.select(*strat_keys, "_nh", *[pl.col(f"n{k}") for k in range(n_items)], *z)
    # Centre within stratum at the mean over all n_h PSUs (absent PSUs have z = 0).
    mean_h = [(pl.col(f"z{k}").sum().over(strat_keys) / pl.col("_nh")).alias(f"m{k}") for k in range(n_items)]
    joined = joined.with_columns(mean_h)
    per_stratum = joined.group_by(strat_keys).agg(
        pl.col("_nh").first(),
        pl.len().alias("_present"),
        *[((pl.col(f"z{k}") - pl.col(f"m{k}")) ** 2).sum().alias(f"ss{k}") for k in range(n_items)],
        *[pl.col(f"m{k}").first() for k in range(n_items)],
        *[pl.col(f"z{k}").sum().alias(f"s{k}") for k in range(n_items)],
        *[(pl.col(f"n{k}") > 0).sum().alias(f"psu{k}") for k in range(n_items)],
    )
    nh = pl.col("_nh").cast(pl.Float64)
    contrib = []
    for k in range(n_items):
        centred = pl.col(f"ss{k}") + (nh - pl.col("_present")) * pl.col(f"m{k}") ** 2
        lonely = pl.col(f"s{k}") ** 2 if lonely_psu == "adjust" else pl.lit(0.0)
        contrib.append(pl.when(nh > 1).then(centred * nh / (nh - 1)).otherwise(lonely).alias(f"v{k}"))
    per_stratum = per_stratum.with_columns(contrib)
    variance = per_stratum.group_by(by).agg(
        *[pl.col(f"v{k}").sum() for k in range(n_items)],
        *[(pl.col(f"psu{k}").sum() - (pl.col(f"psu{k}") > 0).sum()).alias(f"df{k}") for k in range(n_items)],
    )
    out = domain.join(variance, on=by, how="left", nulls_equal=True)
    for col in groups:
        out = out.with_columns(pl.lit(margin[col]).alias(f"{col}_kind"))
    return out.select(
        *by,
        *[f"{col}_kind" for col in groups],
        *[c for k in range(n_items) for c in (f"n{k}", f"est{k}", f"v{k}", f"df{k}")],
    )


def _to_long(
    wide: pl.DataFrame, items: Sequence[Item], by: Sequence[str], groups: Mapping[str, object]
) -> pl.DataFrame:
    keys = [*by, *[f"{c}_kind" for c in groups]]
    parts = [
        wide.select(
            *keys,
            pl.lit(it.key).alias("indicator"),
            pl.lit(it.statistic).alias("statistic"),
            pl.col(f"n{k}").cast(pl.Int64).alias("n"),
            pl.when(pl.col(f"n{k}") > 0).then(pl.col(f"est{k}")).alias("estimate"),
            pl.when(pl.col(f"n{k}") > 0).then(pl.col(f"v{k}").clip(0.0).sqrt()).alias("se"),
            pl.col(f"df{k}").cast(pl.Int64).alias("df"),
        )
        for k, it in enumerate(items)
    ]
    return pl.concat(parts).sort([*keys, "indicator"], maintain_order=True)


def _add_intervals(
    frame: pl.DataFrame, level: float, threshold: int, mean_interval: Literal["normal", "t"]
) -> pl.DataFrame:
    """Logit intervals for proportions (svyciprop) and symmetric ones for means (confint)."""
    p = frame["estimate"].to_numpy().astype(np.float64)
    se = frame["se"].to_numpy().astype(np.float64)
    df = frame["df"].to_numpy().astype(np.float64)
    is_prop = (frame["statistic"] == "proportion").to_numpy()
    alpha = (1.0 - level) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        q_t = np.where(df > 0, stats.t.ppf(1.0 - alpha, np.where(df > 0, df, 1.0)), np.nan)
        q_mean = q_t if mean_interval == "t" else np.full_like(p, stats.norm.ppf(1.0 - alpha))
        # Proportions on the logit scale.
        inner = (p > 0) & (p < 1)
        pc = np.where(inner, p, 0.5)
        logit = np.log(pc / (1 - pc))
        half = q_t * se / (pc * (1 - pc))
        lo_p = np.where(inner, _expit(logit - half), p)
        hi_p = np.where(inner, _expit(logit + half), p)
        lo_p = np.where(df > 0, lo_p, np.nan)
        hi_p = np.where(df > 0, hi_p, np.nan)
        lower = np.where(is_prop, lo_p, p - q_mean * se)
        upper = np.where(is_prop, hi_p, p + q_mean * se)
    return frame.with_columns(
        pl.Series("lower", lower).fill_nan(None),
        pl.Series("upper", upper).fill_nan(None),
        (pl.col("n") < threshold).alias("suppress_primary"),
    ).select(*[c for c in frame.columns if c not in RESULT_COLUMNS], *RESULT_COLUMNS)


def _expit(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))
