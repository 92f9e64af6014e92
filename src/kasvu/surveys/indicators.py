"""From validated responses to published indicator estimates, as the codebook says.

This is the glue between :mod:`~kasvu.surveys.codebook`, :mod:`~kasvu.surveys.responses`
and :mod:`~kasvu.surveys.estimation`: it turns answer codes into 0/1 or numeric
values (missing codes and empty cells become null, so they are in no denominator),
takes the sampling design from the codebook, and estimates every indicator by
area × grade × sex with totals and area groups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import polars as pl

from kasvu.surveys.codebook import Codebook
from kasvu.surveys.estimation import Design, Item, LonelyPSU, estimate
from kasvu.surveys.responses import SurveyResponses

#: Sex meanings that form domains of their own; "other" and "missing" count in totals only.
SEX_DOMAINS = ("female", "male")


def indicator_values(frame: pl.DataFrame, codebook: Codebook) -> pl.DataFrame:
    """One Float64 column per indicator key: 1/0 for proportions, the value for means, null if not answered."""
    exprs = []
    for ind in codebook.indicators:
        q = codebook.question(ind.question)
        col = pl.col(q.id)
        if ind.statistic == "proportion":
            value = (
                pl.when(col.is_in(list(ind.yes_codes)))
                .then(1.0)
                .when(col.is_in(list(q.codes)))
                .then(0.0)
                .otherwise(None)
            )
        else:
            value = (
                pl.when(col.is_in([float(m) for m in q.missing])).then(None).otherwise(col.cast(pl.Float64))
            )
        exprs.append(value.cast(pl.Float64).alias(ind.key))
    return frame.select(exprs)


def design_of(codebook: Codebook, lonely_psu: LonelyPSU = "certainty") -> Design:
    """The sampling design the codebook declares, in terms of the standard response columns."""
    r = codebook.respondent
    return Design(
        weight="weight" if r.weight else None,
        strata="stratum" if r.stratum else None,
        cluster="cluster" if r.cluster else None,
        lonely_psu=lonely_psu,
    )


def estimate_indicators(
    responses: SurveyResponses,
    *,
    area_groups: Mapping[str, Sequence[str]] | None = None,
    design: Design | None = None,
    totals: bool = True,
    level: float = 0.95,
    lonely_psu: LonelyPSU = "certainty",
    mean_interval: Literal["normal", "t"] = "normal",
) -> pl.DataFrame:
    """Estimate all of the codebook's indicators by area × grade × sex (with totals and area groups).

    ``area_groups`` maps a group name to member municipality codes, e.g. the
    municipalities of West Uusimaa. The result has columns ``area``, ``grade``,
    ``sex``, ``area_kind`` ("value" = municipality, "group", "total")
    and :data:`kasvu.surveys.estimation.RESULT_COLUMNS`; cells with fewer
    respondents than the codebook's ``suppression_threshold`` have
    ``suppress_primary`` true.
    """
    cb = responses.codebook
    frame = responses.frame
    values = indicator_values(frame, cb)
    design = design or design_of(cb, lonely_psu)
    keep = [c for c in ("weight", "stratum", "cluster") if c in frame.columns]
    data = pl.concat(
        [
            frame.select(
                "area",
                pl.col("grade").cast(pl.String),
                pl.when(pl.col("sex").is_in(SEX_DOMAINS)).then(pl.col("sex")).alias("sex"),
                *keep,
            ),
            values,
        ],
        how="horizontal",
    )
    items = [Item(ind.key, ind.key, ind.statistic) for ind in cb.indicators]
    groups = {"area": {str(k): [str(m) for m in v] for k, v in (area_groups or {}).items()}}
    return estimate(
        data,
        items,
        design,
        by=("area", "grade", "sex"),
        groups=groups,
        totals=totals,
        level=level,
        threshold=cb.suppression_threshold,
        mean_interval=mean_interval,
    )
