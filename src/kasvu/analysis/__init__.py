"""What kasvu concludes from values: comparisons, trends and ranking bands. Pure: frames in, frames out.

The frames are those of :func:`kasvu.readmodel.read_values` (columns ``indicator_id``, ``area_id``,
``year``, ``kind``, ``value``, ``numerator``, ``denominator``, ``ci_lower``/``ci_upper``, ``hidden``, …).
No Django, no database: the profile, the compare page, the indicator page, the reports, the narrative and
the API all draw their verdicts from here, so that they say the same thing about the same numbers.
Hidden values (the disclosure gate's ``hidden``) take part in no test, trend or band.

* :mod:`.comparisons`: an area against a reference (two-proportion z test, exact rate-ratio test, an
  approximate test from two intervals; Benjamini–Hochberg over a family), and ``assessment`` (better /
  worse by the indicator's direction).
* :mod:`.trends`: the trend test over the shown years.
* :mod:`.bands`: best fifth / middle / worst fifth among areas of one kind.
"""

from kasvu.analysis.bands import band_table
from kasvu.analysis.comparisons import adjust_family, assessment, compare, compare_series
from kasvu.analysis.trends import series_trends, trends

__all__ = [
    "adjust_family",
    "assessment",
    "band_table",
    "compare",
    "compare_series",
    "series_trends",
    "trends",
]
