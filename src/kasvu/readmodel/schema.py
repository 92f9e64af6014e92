"""The one frame the read model returns, and what its columns mean.

:func:`kasvu.readmodel.read_values` returns one row per indicator, area and period (``year`` and ``sub``, with
the period's code in ``period``: see :mod:`kasvu.readmodel.periods`) with :data:`VALUE_SCHEMA`. The same meanings are written into every download's
metadata (:data:`COLUMN_MEANINGS`), so a CSV from the web, the API and the bundle explain themselves alike.
Pure.
"""

from __future__ import annotations

import polars as pl

TOTAL = 1  # Breakdown id of "total"

#: Stored observations as the read model reads them (one SQL query via the unique index).
OBS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "indicator_id": pl.Int64,
    "area_id": pl.Int64,
    "year": pl.Int64,
    "sub": pl.Int64,  # the period within the year: 0 the whole year (kasvu.readmodel.periods)
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "sample_size": pl.Int64,
    "ci_lower": pl.Float64,
    "ci_upper": pl.Float64,
    "flags": pl.Int64,
    "suppressed": pl.Int64,
}
OBS_COLUMNS = list(OBS_SCHEMA)

#: What :func:`kasvu.readmodel.read_values` adds to the stored columns.
DERIVED_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "period": pl.String,  # the period's code: 2024, 2024M03, 2024Q1, 2024H1, 2024/2025, 2022–2023
    "period_kind": pl.String,  # year, month, quarter, half_year, school_year, pooled
    "import_run_id": pl.Int64,  # the import that last changed a stored value; null when computed
    "computed": pl.Boolean,  # computed from the members (a group, region, county or the country)
    "approximate": pl.Boolean,  # weighted by the total population in place of its own (readmodel.weights)
    "missing_reason": pl.String,  # no value: why ("2 of 8 members have no data")
    "group_suppressed": pl.Int64,  # the stored disclosure pattern of a computed value (1/2)
    "hidden": pl.Boolean,  # hidden from the public (the stored pattern or the primary rule)
    "suppression_reason": pl.String,  # why hidden, in English (see R_PRIMARY, R_SECONDARY)
    "internal": pl.Boolean,  # shown only because the reader is internal
    "kind": pl.String,  # proportion / rate / count
    "scale": pl.Float64,  # 100 per cent, 1000 per mille, ...; 1 for counts
    "decimals": pl.Int64,
    "generated": pl.Boolean,  # generated demo data (by the source or by the flags)
    "lower": pl.Float64,  # 95 % interval: Wilson, exact Poisson or the source's own
    "upper": pl.Float64,
    "interval_method": pl.String,
    "interval_reason": pl.String,  # why there is no interval
}
VALUE_SCHEMA = {**OBS_SCHEMA, **DERIVED_SCHEMA}

# Reasons, in English; the web layer and the reports translate them (they are msgids in the catalogues).
R_PRIMARY = "fewer than {n} persons"
R_SECONDARY = "hidden to protect another value"
R_INTERNAL = "internal only: the number of persons is unknown"
R_COUNT = "a count has no sampling interval"
R_NO_COUNTS = "no numerator or denominator"


def empty_stored() -> pl.DataFrame:
    return pl.DataFrame(schema={**OBS_SCHEMA, "import_run_id": pl.Int64})


#: Meanings of the columns of every export (bank export, web downloads, API, open-data bundle).
COLUMN_MEANINGS = {
    "indicator": "kasvu's indicator key: <source>:<id at source>",
    "area": "kind:code, e.g. municipality:444",
    "breakdown": "total, male, female, or e.g. grade=5;sex=female",
    "period": "the period: 2024 (a year), 2024M03 (a month), 2024Q1 (a quarter), 2024H1 (a half-year), "
    "2024/2025 (a school year) or 2022–2023 (pooled years)",
    "period_start": "the period's first day",
    "period_end": "the period's last day",
    "value": "the value as published (unit in 'unit'); empty when suppressed for the public",
    "numerator": "count in the numerator (e.g. persons), where the source gives it",
    "denominator": "count in the denominator, where known",
    "sample_size": "respondents (surveys)",
    "ci_lower": "lower bound of the 95 % confidence interval (downloads of pages: the one shown; "
    "bank export and API: the source's own, surveys)",
    "lower": "lower bound of the 95 % interval: Wilson (per cent), exact Poisson (rates), or the source's",
    "suppressed": "hidden to protect persons (small numbers): true, or the reason",
    "reference_suppressed": "why the reference's value is hidden (small numbers), when it is",
    "computed": "true when kasvu computed the value of a group from its members",
    "computed_from_members": "true when kasvu computed the value of a group from its members",
    "internal_unpublished": "true when the value is shown only to internal users (would be suppressed)",
    "generated": "true for generated demo data, not real",
    "generated_demo_data": "true for generated demo data, not real",
    "flags": "provisional, break_in_series, suppressed_at_source, generated (generated demo data, not "
    "real), denominator_derived",
    "comparison": "the first area against this one (better, worse, higher, lower, no_difference, "
    "not_testable), after Benjamini–Hochberg adjustment over the page",
    "approximate": "true when a computed value is weighted by the total population in place of the population "
    "the indicator is per (see 'weight'); a proper weight or exact sums give false",
    "aggregation": "how a group's value is computed from its members: ratio, sum or weighted_mean",
    "weight": "the weights of a weighted mean (the population behind the rate)",
    "missing_reason": "why there is no value (e.g. 2 of 8 members have no data)",
    "import_id": "the import that last changed this value (see kasvu imports)",
    "retrieved_at": "when the source was read",
    "licence": "licence of the data; THL and Statistics Finland data are CC BY 4.0",
}
