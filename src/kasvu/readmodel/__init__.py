"""The read model: the one way numbers leave the bank.

Every exit — web pages and their downloads, the API, the open-data bundle, the reports — asks here::

    from kasvu.readmodel import ValueQuery, read_values, area_tree, PeriodRange

    frame = read_values(ValueQuery(indicators=[ind_id], areas=[area_id], periods=PeriodRange.of_years(2015, 2024)))

and gets one frame (:data:`VALUE_SCHEMA`, columns explained in :mod:`kasvu.readmodel.schema`): stored
values, values computed from members for groups (:mod:`.groups`, one choice of weights), the read-side
disclosure gate (:mod:`.disclosure`, one small-number rule) and 95 % intervals (:mod:`.intervals`).
Areas, memberships by year, containment and default references: :func:`area_tree`; what each
indicator is compared with by default (a survey's own reference population for its indicators):
:mod:`.references`. Indicators:
:func:`indicator_frame`, :func:`indicator_infos`. Verdicts drawn from these frames: :mod:`kasvu.analysis`.

Caches are private to the read model and keyed by the bank's data version (:mod:`.cache`).
Only this package and the bank's own writers read observations.
"""

from kasvu.readmodel.areas import AreaInfo, AreaTree, area_tree
from kasvu.readmodel.bands import BAND_KINDS, bands_for
from kasvu.readmodel.cache import clear_caches, use_backend
from kasvu.readmodel.disclosure import apply_disclosure
from kasvu.readmodel.groups import POPULATION_KEYS, group_values, population_indicator
from kasvu.readmodel.indicators import (
    IndicatorInfo,
    indicator_frame,
    indicator_ids,
    indicator_infos,
    info_of,
    value_kind,
)
from kasvu.readmodel.intervals import add_intervals
from kasvu.readmodel.periods import Period, PeriodRange, UnknownPeriod
from kasvu.readmodel.query import ValueQuery, combined_values, finish, read_values
from kasvu.readmodel.references import all_references, references_by_indicator, references_for_area
from kasvu.readmodel.schema import (
    COLUMN_MEANINGS,
    OBS_COLUMNS,
    OBS_SCHEMA,
    R_COUNT,
    R_NO_COUNTS,
    R_PRIMARY,
    R_SECONDARY,
    TOTAL,
    VALUE_SCHEMA,
)
from kasvu.readmodel.store import (
    areas_with_data,
    breakdown_key,
    data_version,
    indicators_with_data,
    sync,
)
from kasvu.readmodel.text import pick_text

__all__ = [
    "BAND_KINDS", "COLUMN_MEANINGS", "OBS_COLUMNS", "OBS_SCHEMA", "POPULATION_KEYS", "R_COUNT", "R_NO_COUNTS",
    "R_PRIMARY", "R_SECONDARY", "TOTAL", "VALUE_SCHEMA", "AreaInfo", "AreaTree", "IndicatorInfo", "Period",
    "PeriodRange", "UnknownPeriod", "ValueQuery", "add_intervals", "apply_disclosure", "area_tree",
    "areas_with_data", "bands_for", "breakdown_key", "clear_caches", "combined_values", "data_version",
    "finish", "group_values", "indicator_frame", "indicator_ids", "indicator_infos", "indicators_with_data",
    "info_of", "pick_text", "population_indicator", "read_values", "references_by_indicator", "references_for_area", "all_references", "sync", "use_backend", "value_kind",
]  # fmt: skip
