"""Fixtures for the survey tests: the bundled codebook, small generated response sets, and (for the
Django app) a GENERATED response file, an imported and a published survey, users of every role."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import polars as pl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kasvu.accounts.models import Profile, Role
from kasvu.bank.areas import create_group
from kasvu.bank.models import Area, ImportRun, Indicator, Observation, Source
from kasvu.classification import DEMO_GROUPS
from kasvu.surveys.codebook import Codebook, bundled_codebook
from kasvu.surveys.generate import generate_responses, write_responses
from kasvu.surveys.models import Response, Survey, SurveyImport

HERE = Path(__file__).parent
REFERENCE_DATA = HERE / "data" / "reference_responses.csv"
R_REFERENCE = HERE / "r_reference.json"

CODEBOOK = Path(str(resources.files("kasvu.data").joinpath("surveys/pupil_survey_2024.yaml")))
KEY = "pupil_survey_2024"
RESPONDENTS = 1500  # small enough that small municipalities have cells below the threshold


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    return bundled_codebook()


@pytest.fixture(scope="session")
def small_responses(codebook: Codebook) -> pl.DataFrame:
    """200 GENERATED respondents with every column the codebook expects."""
    return generate_responses(codebook, 200, seed=7)


@pytest.fixture(scope="session")
def generated_frame() -> pl.DataFrame:
    return generate_responses(bundled_codebook(), RESPONDENTS, seed=11)


@pytest.fixture
def responses_csv(generated_frame: pl.DataFrame, tmp_path: Path) -> Path:
    return write_responses(generated_frame, tmp_path / "vastaukset.csv")


@pytest.fixture
def west_uusimaa(db) -> Area:
    names, members = DEMO_GROUPS["west-uusimaa"]
    return create_group("west-uusimaa", names, members)


@pytest.fixture
def imported(db, responses_csv: Path, west_uusimaa: Area) -> Survey:
    call_command("survey", "import", str(CODEBOOK), str(responses_csv), "--user", "analyst1")
    return Survey.objects.get(key=KEY)


@pytest.fixture
def published(imported: Survey) -> Survey:
    call_command("survey", "publish", KEY, "--user", "analyst1")
    imported.refresh_from_db()
    return imported


def db_state() -> dict[str, int]:
    """Row counts of everything an import or publish could touch."""
    models = (Survey, SurveyImport, Response, Source, Indicator, Observation, ImportRun, Area)
    return {m.__name__: m.objects.count() for m in models}


def make_user(name: str, role: str | None, areas: tuple[str, ...] = ()):
    user = get_user_model().objects.create_user(name, password="a-long-test-password-1")
    if role is not None:
        profile = Profile.objects.create(user=user, role=role)
        profile.areas.set([Area.objects.get(kind="municipality", code=c) for c in areas])
    return user


@pytest.fixture
def users(db):
    return {
        "admin": make_user("admin", Role.REGIONAL_ADMIN),
        "analyst": make_user("analyst", Role.ANALYST),
        "editor": make_user("lohja", Role.MUNICIPAL_EDITOR, ("444",)),
        "viewer": make_user("viewer", Role.VIEWER),
    }
