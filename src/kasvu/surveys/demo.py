"""The demo survey: GENERATED pupil-survey responses, imported and published like a real round.

``kasvu demo load`` calls :func:`load_demo_survey` (unless ``--no-generated``). Everything it
makes is labelled: the response file has ``generated = 1`` in every row, the survey and its
bank source are marked generated, and every published value carries ``FLAG_GENERATED``.
The generated microdata are kept so that ``kasvu survey estimate`` and ``purge`` can be tried;
``purge=True`` deletes them after publishing, as the privacy rules ask of real rounds.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kasvu.surveys import microdata
from kasvu.surveys.codebook import bundled_codebook
from kasvu.surveys.generate import generate_responses, write_responses
from kasvu.surveys.publication import publish

DEMO_CODEBOOK = "pupil_survey_2024"
DEMO_RESPONDENTS = 5000
DEMO_SEED = 2024


@dataclass(frozen=True)
class DemoSurvey:
    key: str
    respondents: int
    published: int
    suppressed: int
    purged: int

    def __str__(self) -> str:
        return (
            f"survey {self.key}: {self.respondents:,} GENERATED respondents (not real), "
            f"{self.published:,} cells published, {self.suppressed:,} suppressed"
            + (f", {self.purged:,} responses purged" if self.purged else "")
        )


def load_demo_survey(
    respondents: int = DEMO_RESPONDENTS, *, seed: int = DEMO_SEED, user: str = "demo", purge: bool = False
) -> DemoSurvey:
    """Generate (seeded), import and publish the demo pupil survey (and purge it if asked). Idempotent."""
    codebook = bundled_codebook(DEMO_CODEBOOK)
    text = resources.files("kasvu.data").joinpath(f"surveys/{DEMO_CODEBOOK}.yaml").read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{DEMO_CODEBOOK}_GENERATED.csv"
        write_responses(generate_responses(codebook, respondents, seed=seed), path)
        codebook_path = Path(tmp) / f"{DEMO_CODEBOOK}.yaml"
        codebook_path.write_text(text, encoding="utf-8")
        imp = microdata.import_survey(codebook_path, path, user=user, replace=True)
    survey = imp.survey
    publish(survey, user=user)
    survey.refresh_from_db()
    purged = microdata.purge(survey, user=user) if purge else 0
    return DemoSurvey(survey.key, imp.rows, survey.published_cells, survey.suppressed_cells, purged)
