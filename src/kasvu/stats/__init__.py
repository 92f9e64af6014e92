"""The statistics core: pure functions over Polars frames and NumPy arrays, no Django.

See ``docs/statistics.md`` for the formulas, references and rules.
"""

from kasvu.stats.bands import BEST, MIDDLE, WORST, Direction, rank_bands
from kasvu.stats.groups import Rule, RuleNeedsScale, aggregate_groups, members_by_year, successor_closure
from kasvu.stats.intervals import (
    Intervals,
    clopper_pearson_interval,
    logit_interval,
    poisson_rate_interval,
    proportion_interval,
    wald_interval,
    wilson_interval,
)
from kasvu.stats.significance import (
    HIGHER,
    LOWER,
    NO_DIFFERENCE,
    NOT_TESTABLE,
    TestResult,
    benjamini_hochberg,
    compare_to_reference,
    rate_ratio_test,
    trend_test,
    two_proportion_test,
)
from kasvu.stats.suppression import (
    UnprotectableCells,
    additive_constraints,
    derivable_cells,
    primary_mask,
    protect,
    suppress,
)
from kasvu.stats.targets import NO_DATA, OFF_TRACK, ON_TRACK, REACHED, target_status

__all__ = [
    "BEST",
    "HIGHER",
    "LOWER",
    "MIDDLE",
    "NO_DATA",
    "NO_DIFFERENCE",
    "NOT_TESTABLE",
    "OFF_TRACK",
    "ON_TRACK",
    "REACHED",
    "WORST",
    "Direction",
    "Intervals",
    "Rule",
    "RuleNeedsScale",
    "TestResult",
    "UnprotectableCells",
    "additive_constraints",
    "aggregate_groups",
    "benjamini_hochberg",
    "clopper_pearson_interval",
    "compare_to_reference",
    "derivable_cells",
    "logit_interval",
    "members_by_year",
    "poisson_rate_interval",
    "primary_mask",
    "proportion_interval",
    "protect",
    "rank_bands",
    "rate_ratio_test",
    "successor_closure",
    "suppress",
    "target_status",
    "trend_test",
    "two_proportion_test",
    "wald_interval",
    "wilson_interval",
]
