"""Users of every role and the bundled social services round (seed 000's yearly survey)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model

from kasvu.accounts.models import Profile, Role
from kasvu.bank.models import Area
from kasvu.classification import data_path
from kasvu.collection import services, spec

PASSWORD = "a-long-test-password-1"


def municipality(code: str) -> Area:
    return Area.objects.get(kind="municipality", code=code)


def make_user(name: str, role: str, areas: tuple[str, ...] = (), email: str = ""):
    user = get_user_model().objects.create_user(name, password=PASSWORD, email=email)
    profile = Profile.objects.create(user=user, role=role)
    profile.areas.set([municipality(c) for c in areas])
    return user


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(db):
    return {
        "admin": make_user("admin", Role.REGIONAL_ADMIN),
        "analyst": make_user("analyst", Role.ANALYST),
        "lohja": make_user("lohja", Role.MUNICIPAL_EDITOR, ("444",), "kirjaamo@lohja.example"),
        "vihti": make_user("vihti", Role.MUNICIPAL_EDITOR, ("927",), "sosiaali@vihti.example"),
        "viewer": make_user("viewer", Role.VIEWER),
    }


def round_file(name: str = "social_services.yaml") -> Path:
    return data_path("collection", name)


def round_data(name: str = "social_services.yaml") -> dict:
    return yaml.safe_load(round_file(name).read_text(encoding="utf-8"))


@pytest.fixture
def social(db):
    """The bundled social services round, open, for eight West Uusimaa municipalities."""
    round_ = services.create_round(spec.round_from_data(round_data(), "social_services.yaml"), user="test")
    services.open_round(round_, "test")
    return round_


LOHJA = {
    "sw-posts": "24,5",
    "sw-qualified": "20",
    "caseload": "31,5",
    "assessments-in-time": "96,4",
    "family-work-total": "1 234",
    "family-work-shl": "900",
    "family-work-lsl": "334",
    "placed": "180",
    "notes": "",
}
