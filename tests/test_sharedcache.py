"""The cache all server processes share (kasvu.sharedcache): what one process computes, another reads."""

from __future__ import annotations

import os

import pytest
from django.core.cache import caches
from django.db import connection

from kasvu import sharedcache
from kasvu.readmodel import data_version
from kasvu.readmodel.cache import LocalBackend


def test_without_redis_the_caches_are_database_tables():
    setting = sharedcache.caches_setting(None, "kasvu")
    assert {a: c["LOCATION"] for a, c in setting.items()} == sharedcache.TABLES
    assert {c["BACKEND"] for c in setting.values()} == {"django.core.cache.backends.db.DatabaseCache"}


def test_with_redis_every_cache_has_its_own_prefix_in_one_database():
    setting = sharedcache.caches_setting("redis://127.0.0.1:6379/3", "west")
    assert {c["LOCATION"] for c in setting.values()} == {"redis://127.0.0.1:6379/3"}
    assert {c["KEY_PREFIX"] for c in setting.values()} == {"west:default", "west:pages", "west:ratelimit"}


def test_each_test_process_has_a_prefix_of_its_own():
    assert sharedcache.run_prefix() != sharedcache.run_prefix()
    assert str(os.getpid()) in sharedcache.run_prefix()


@pytest.mark.django_db
def test_migrate_created_the_cache_tables():
    tables = set(connection.introspection.table_names())
    assert set(sharedcache.TABLES.values()) <= tables


@pytest.mark.django_db
def test_a_value_one_process_computed_is_read_by_another_under_the_same_data_version():
    version = data_version()
    first, second = LocalBackend(), LocalBackend()  # two server processes
    first.sync(version)
    first.put(("group", 1, 1, 7), {"computed": "once"})
    second.sync(version)
    assert second.get(("group", 1, 1, 7)) == {"computed": "once"}
    second.sync((*version[:-1], (version[-1] or 0) + 1))  # a new import: a new version
    assert second.get(("group", 1, 1, 7)) is None


@pytest.mark.django_db
def test_clear_hides_old_entries_from_every_process():
    version = data_version()
    first, second = LocalBackend(), LocalBackend()
    first.sync(version)
    first.put("indicators", "old")
    first.clear()
    second.sync(version)
    assert second.get("indicators") is None


def _redis_url() -> str:
    url = os.environ.get("KASVU_REDIS_URL")
    if not url:
        pytest.skip("needs Redis: set KASVU_REDIS_URL (make test-postgres does)")
    return url


def test_clearing_one_prefix_leaves_other_runs_keys_alone():
    url = _redis_url()
    mine = sharedcache.PrefixedRedisCache(url, {"KEY_PREFIX": sharedcache.run_prefix()})
    theirs = sharedcache.PrefixedRedisCache(url, {"KEY_PREFIX": sharedcache.run_prefix()})
    try:
        mine.set_many({f"k{i}": i for i in range(1500)})
        theirs.set("k1", "still here")
        mine.clear()
        assert mine.get("k1") is None and mine.get("k1499") is None
        assert theirs.get("k1") == "still here"
    finally:
        theirs.clear()


def test_the_configured_caches_are_redis_when_the_url_is_set():
    _redis_url()
    assert all(isinstance(caches[a], sharedcache.PrefixedRedisCache) for a in sharedcache.TABLES)


def test_entries_kept_by_another_release_of_the_code_are_never_read(monkeypatch):
    version = (3, 1418, 1418, 233, 5)
    mine = sharedcache.version_key(version)
    assert sharedcache.version_key(version) == mine  # the same code: the same key, in every process
    monkeypatch.setattr(sharedcache, "code_version", lambda: "another-release")
    assert sharedcache.version_key(version) != mine
