"""Shared fixtures.

The whole suite runs once per database: ``make test`` runs it on SQLite and
again with ``KASVU_DATABASE_URL`` pointing to PostgreSQL. The test database
gets Finland's areas once per session; each test runs in a transaction that
is rolled back.
"""

from __future__ import annotations

import pytest

from kasvu.classification import data_path


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Tests create many users; PBKDF2's deliberate slowness took half of the suite's time. Real servers
    keep Django's default hashers: this applies to the test process only."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: F811 - extends pytest-django's fixture
    from kasvu.bank.areas import install_finland

    with django_db_blocker.unblock():
        install_finland()


@pytest.fixture
def restored_after_flush(transactional_db) -> None:
    """For transactional tests (browser tests): put back what a transactional test's flush empties: breakdowns 1–3 (total, male, female) of the
    migration ``bank 0002``, which ``kasvu.values.TOTAL`` and the loader rely on, and Finland's areas.

    Without it the flush leaves no breakdown 1, the next load creates "total" with a new id and the next
    browser test sees empty profiles: why two browser tests used to fail in one pytest process.
    """
    from kasvu.bank.areas import install_finland
    from kasvu.bank.models import Area, Breakdown

    for pk, key in enumerate(("total", "male", "female"), start=1):
        Breakdown.objects.get_or_create(pk=pk, defaults={"key": key, "sex": key})
    if not Area.objects.exists():
        install_finland()


@pytest.fixture
def data_file():
    """Path of a real data file bundled in kasvu/data."""
    return data_path


@pytest.fixture
def monthly(db, tmp_path):
    """A spec-built monthly PX table (11rc's layout, 2023M01–2024M12, Espoo, Helsinki, Vantaa: see
    importers/test_convention.make_px) imported with no mapping, beside the population."""
    from django.core.management import call_command

    from importers.test_convention import MONTHS, make_px
    from kasvu.bank.loader import load
    from kasvu.demo import population_2025

    load(population_2025(), kind="table")
    path = make_px(tmp_path / "99zz.px", areas=["KU049", "KU091", "KU092"], periods=MONTHS, time="Kuukausi")
    call_command("import_", "px", str(path))


@pytest.hookimpl(trylast=True)  # after pytest-django's own reordering, which would undo this
def pytest_collection_modifyitems(config, items):
    """Browser tests run last: their live server needs transactional tests, whose flush empties the
    database (breakdowns, Finland's areas) for every test after them. ``restored_after_flush`` repairs
    that between browser tests; running them last keeps a plain ``pytest`` of the whole suite passing.
    They need Debian's chromium; without it they are skipped, saying so."""
    import shutil

    browser = [item for item in items if item.get_closest_marker("browser")]
    items[:] = [item for item in items if not item.get_closest_marker("browser")] + browser
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        return
    skip = pytest.mark.skip(
        reason="browser test: install Debian's chromium (make test does when run as root)"
    )
    for item in browser:
        item.add_marker(skip)


def _clear_redis_caches(aliases):
    """Redis is not rolled back with a test's transaction: delete this run's keys (by its own prefix)."""
    from django.core.cache import caches

    from kasvu.sharedcache import PrefixedRedisCache

    for alias in aliases:
        if isinstance(caches[alias], PrefixedRedisCache):
            caches[alias].clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A test that renders a page in Swedish leaves Swedish active in this thread; the next test's command
    output (``kasvu knowledge search``) then came out in Swedish. Each test starts in the default language."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_value_caches():
    """Tests roll back their data, so ids (and with them the data version) repeat: forget cached values,
    cached pages and rate-limit counters."""
    from kasvu.readmodel import clear_caches

    clear_caches()
    _clear_redis_caches(("pages", "ratelimit"))
    yield
    clear_caches()


@pytest.fixture(autouse=True, scope="session")
def _no_keys_left_in_redis():
    """A run sharing a Redis with others leaves none of its keys behind."""
    yield
    from kasvu.sharedcache import TABLES

    _clear_redis_caches(TABLES)
