"""Fixtures for the knowledge bank: users by role, the seed-004 coding sheet, a few entries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kasvu.accounts.models import Profile, Role
from kasvu.bank.models import Area

DATA = Path(__file__).with_name("data")


@pytest.fixture
def seed004_csv() -> Path:
    return DATA / "seed004_coding.csv"


def _user(django_user_model, username: str, role: str, areas: list[str] = ()):  # type: ignore[assignment]
    user = django_user_model.objects.create_user(username=username, password="a-long-test-password")
    profile = Profile.objects.create(user=user, role=role)
    profile.areas.set(Area.objects.filter(kind="municipality", code__in=areas))
    return user


@pytest.fixture
def admin_user(django_user_model):
    return _user(django_user_model, "admin1", Role.REGIONAL_ADMIN)


@pytest.fixture
def editor(django_user_model):
    """A municipal editor of Lohja (444)."""
    return _user(django_user_model, "lohja-editor", Role.MUNICIPAL_EDITOR, ["444"])


@pytest.fixture
def viewer(django_user_model):
    return _user(django_user_model, "viewer1", Role.VIEWER)


@pytest.fixture
def area():
    def get(code: str, kind: str = "municipality") -> Area:
        return Area.objects.get(kind=kind, code=code)

    return get


CONSENT = {
    "consent_date": dt.date(2025, 1, 15),
    "consent_method": "signed form",
    "consent_recorded_by": "admin1",
}


@pytest.fixture
def bank(area):
    """Entries covering every kind, areas, rights and periods."""
    from kasvu.knowledge.entries import set_rights
    from kasvu.knowledge.models import Entry

    def make(key, kind, title, areas=(), rights=(), **fields):
        entry = Entry.objects.create(key=key, kind=kind, title_fi=title, **fields)
        entry.areas.set([area(c) for c in areas])
        set_rights(entry, list(rights))
        return entry

    return {
        "perhekeskus": make(
            "practice:perhekeskus",
            "practice",
            "Perhekeskus",
            ["444"],
            ["care", "health"],
            title_sv="Familjecentral",
            title_en="Family centre",
            description_fi="Lasten ja perheiden palvelut kokoava toimintamalli.",
        ),
        "aani": make(
            "project:lapsen-aani",
            "project",
            "Lapsen ääni",
            ["444", "106"],
            ["participation"],
            start_year=2009,
            end_year=2011,
            funder="STM / Kaste-ohjelma",
        ),
        "arvo": make(
            "project:arvo",
            "project",
            "Lapsuuden arvokas arki – ARVO",
            ["444"],
            ["care"],
            start_year=2007,
            end_year=2009,
            description_fi="Perhekeskusten kehittäminen Länsi-Uudellamaalla.",
        ),
        "ulappa": make(
            "network:ulappa", "network", "Ulappa-verkosto", ["257"], ["participation"], start_year=2010
        ),
        "expert": make(
            "expert:1",
            "expert",
            "Esimerkki Asiantuntija (generated)",
            ["444"],
            ["care"],
            description_fi="Perhekeskustoiminnan asiantuntija.",
            is_generated=True,
            **CONSENT,
        ),
    }


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    """WhiteNoise warns (an error here) when STATIC_ROOT is missing; pages need none of it."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
