"""Survey data: codebooks, validated response files and design-based estimates (pure; no Django).

The usual path::

    codebook = load_codebook("pupil_survey_2024.yaml")
    responses = read_responses("vastaukset.xlsx", codebook)        # or .csv / .sav
    table = estimate_indicators(responses, area_groups={"Länsi-Uusimaa": [...]})

See ``docs/surveys.md``.
"""

from kasvu.surveys.codebook import Codebook, CodebookInvalid, bundled_codebook, load_codebook
from kasvu.surveys.estimation import Design, EstimationError, Item, estimate
from kasvu.surveys.indicators import estimate_indicators, indicator_values
from kasvu.surveys.responses import SurveyResponses, read_responses

__all__ = [
    "Codebook",
    "CodebookInvalid",
    "Design",
    "EstimationError",
    "Item",
    "SurveyResponses",
    "bundled_codebook",
    "estimate",
    "estimate_indicators",
    "indicator_values",
    "load_codebook",
    "read_responses",
]
