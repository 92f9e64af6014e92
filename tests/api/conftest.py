"""Users of every role with API tokens, a small indicator with hidden cells, a draft and an approved plan."""

from __future__ import annotations

import polars as pl
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kasvu import values
from kasvu.accounts.models import Profile, Role
from kasvu.api.tokens import create_token
from kasvu.bank.areas import create_group
from kasvu.bank.loader import load
from kasvu.bank.models import Area, Observation
from kasvu.importers.base import IndicatorMeta, ParsedBatch

PASSWORD = "a-long-test-password-1"
KEY = "local:placements"


def municipality(code: str) -> Area:
    return Area.objects.get(kind="municipality", code=code)


def make_user(name: str, role: str | None, areas: tuple[str, ...] = ()):
    user = get_user_model().objects.create_user(name, password=PASSWORD)
    if role is not None:
        profile = Profile.objects.create(user=user, role=role)
        profile.areas.set([municipality(c) for c in areas])
    return user


class ApiClient:
    """The Django test client with an optional bearer token."""

    def __init__(self, key: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def get(self, url: str, **headers: str):
        return self.client.get(url, headers={**self.headers, **headers})

    def post(self, url: str, data=None, **headers: str):
        return self.client.post(url, data or {}, headers={**self.headers, **headers})


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_caches():
    """kasvu.values caches by data version; a rolled-back test must not leave its values behind."""
    values.clear_caches()
    yield
    values.clear_caches()


@pytest.fixture
def users(db):
    return {
        "admin": make_user("admin", Role.REGIONAL_ADMIN),
        "analyst": make_user("analyst", Role.ANALYST),
        "lohja": make_user("lohja", Role.MUNICIPAL_EDITOR, ("444",)),
        "vihti": make_user("vihti", Role.MUNICIPAL_EDITOR, ("927",)),
        "viewer": make_user("viewer", Role.VIEWER),
    }


@pytest.fixture
def clients(users):
    """An API client per role (with a token) and ``anonymous`` (without)."""
    out = {"anonymous": ApiClient()}
    for name, user in users.items():
        out[name] = ApiClient(create_token(user, "test")[1])
    return out


def placements_batch(rows: list[tuple[str, int, float, float]]) -> ParsedBatch:
    """(area code, year, numerator, denominator) of a per-cent indicator with a threshold of 5."""
    frame = pl.DataFrame(
        [
            {
                "indicator": KEY,
                "area_code": code,
                "year": year,
                "sex": "total",
                "value": round(num / den * 100, 1),
                "numerator": num,
                "denominator": den,
                "sample_size": None,
                "flags": 0,
                "row": i + 2,
            }
            for i, (code, year, num, den) in enumerate(rows)
        ],
        schema_overrides={"sample_size": pl.Int64},
    )
    meta = IndicatorMeta(
        key=KEY,
        source="local",
        source_id="placements",
        title={
            "fi": "Kodin ulkopuolelle sijoitetut 0–17-vuotiaat, %",
            "en": "Children placed outside home, %",
        },
        unit="%",
        scale=100,
        aggregation="ratio",
        rights=["safety"],
        licence="CC BY 4.0",
        attribution="Source: test data",
    )
    return ParsedBatch(source_file="placements.csv", indicators=[meta], observations=frame)


#: Lohja 2022 has 3 placements: below the threshold of 5, so hidden for the public.
ROWS = [
    ("444", 2021, 40, 9000),
    ("444", 2022, 3, 9137),
    ("927", 2021, 25, 5600),
    ("927", 2022, 30, 5650),
]


@pytest.fixture
def placements(db):
    """The indicator, a group of Lohja and Vihti, and the hidden cell (Lohja 2022)."""
    create_group("lohja-vihti", {"fi": "Lohja ja Vihti"}, ["444", "927"])
    load(placements_batch(ROWS), kind="table")
    hidden = Observation.objects.get(indicator__key=KEY, area__code="444", year=2022)
    assert hidden.suppressed == 1
    return hidden


@pytest.fixture
def plans(db):
    from .plans import approved_and_draft

    return approved_and_draft()
