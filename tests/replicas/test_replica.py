"""Read replicas (kasvu.replicas): the rules, and a real streaming replica made by scripts/replica.sh."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import RequestFactory

from kasvu import replicas
from kasvu.config import Config, ConfigError

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "replica.sh"


def _request(method: str = "get", path: str = "/areas/", user=None, **headers):
    request = getattr(RequestFactory(), method)(path, headers=headers)
    request.user = user or AnonymousUser()
    return request


def test_anonymous_and_api_reads_may_use_a_replica_writes_and_signed_in_users_not():
    assert replicas.reads_may_use_replica(_request())
    assert replicas.reads_may_use_replica(_request(path="/api/v1/areas"))
    assert not replicas.reads_may_use_replica(_request("post"))
    assert not replicas.reads_may_use_replica(_request(user=User(username="editor")))
    pinned = _request()
    pinned.COOKIES[replicas.PIN_COOKIE] = "1"
    assert not replicas.reads_may_use_replica(pinned)


def test_the_router_sends_writes_accounts_and_cache_tables_to_the_primary():
    from django.contrib.sessions.models import Session

    from kasvu.bank.models import Observation

    router = replicas.ReplicaRouter()
    token = replicas._READS.set(replicas._Reads(alias="replica_1"))
    try:
        assert router.db_for_read(Observation) == "replica_1"
        assert router.db_for_read(Session) == "default" and router.db_for_read(User) == "default"
        assert router.db_for_write(Session) == "default"
        assert router.db_for_read(Observation) == "replica_1"  # a session or cache write changes no data
        assert router.db_for_write(Observation) == "default"
        assert router.db_for_read(Observation) == "default"  # once written, read your writes
    finally:
        replicas._READS.reset(token)
    assert router.db_for_read(Observation) == "default"  # outside a request: the primary
    assert not router.allow_migrate("replica_1", "bank") and router.allow_migrate("default", "bank")


def test_replica_settings_mirror_the_primary_in_tests_and_time_out_fast():
    dbs = replicas.replica_databases(["postgresql://kasvu@db-2:5432/kasvu"], {})
    assert list(dbs) == ["replica_1"]
    assert dbs["replica_1"]["TEST"] == {"MIRROR": "default"} and dbs["replica_1"]["HOST"] == "db-2"
    assert dbs["replica_1"]["OPTIONS"]["connect_timeout"] == 2


def test_a_bad_lag_limit_is_named(monkeypatch):
    monkeypatch.setenv("KASVU_REPLICA_MAX_LAG", "soon")
    with pytest.raises(ConfigError, match="KASVU_REPLICA_MAX_LAG"):
        Config.from_env()
    monkeypatch.setenv("KASVU_REPLICA_MAX_LAG", "2.5")
    monkeypatch.setenv("KASVU_DATABASE_REPLICA_URLS", "postgresql://a/k, postgresql://b/k")
    config = Config.from_env()
    assert config.replica_max_lag == 2.5 and config.replica_urls == ["postgresql://a/k", "postgresql://b/k"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _can_run_clusters() -> bool:
    has_bin = any(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup")) or shutil.which("pg_basebackup")
    return bool(has_bin) and (os.geteuid() == 0 or shutil.which("initdb") is not None)


@pytest.mark.slow
@pytest.mark.skipif(not _can_run_clusters(), reason="needs PostgreSQL's server programs (Debian postgresql)")
def test_a_real_replica_serves_reads_the_writer_sees_its_write_and_killing_it_loses_nothing():
    """scripts/replica.sh makes a primary and a streaming replica; kasvu runs against both."""
    base = Path(tempfile.mkdtemp(prefix="kasvu-replica-test-"))
    base.chmod(0o755)  # the clusters run as the postgres user
    primary, replica = base / "primary", base / "replica"
    p_port, r_port = _free_port(), _free_port()
    try:
        subprocess.run([SCRIPT, "primary", primary, str(p_port)], check=True, capture_output=True)
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres", "-qc", "CREATE DATABASE kasvu"],
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run([SCRIPT, "start", str(p_port), replica, str(r_port)], check=True, capture_output=True)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("KASVU_")},
            "KASVU_DEMO": "1",
            "KASVU_DATA_DIR": str(base / "data"),
            "KASVU_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{p_port}/kasvu",
            "KASVU_DATABASE_REPLICA_URLS": f"postgresql://postgres@127.0.0.1:{r_port}/kasvu",
            "KASVU_REPLICA_MAX_LAG": "3600",  # so that a paused replica is still read (and shows it is behind)
            "KASVU_RATE_LIMIT_API_ANONYMOUS": "10000/60",
        }
        kasvu = str(Path(sys.executable).with_name("kasvu"))
        subprocess.run([kasvu, "migrate", "--no-input", "-v0"], env=env, check=True, capture_output=True)
        run = subprocess.run(
            [sys.executable, Path(__file__).with_name("scenario.py"), SCRIPT, replica],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
        seen = json.loads(run.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run([SCRIPT, "remove", replica], capture_output=True)
        subprocess.run([SCRIPT, "remove", primary], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
    assert seen["anonymous_read"]["status"] == 200 and seen["anonymous_read"]["read"] == "replica"
    assert seen["anonymous_page"] == {"status": 200, "read": "replica"}
    assert seen["write"]["status"] == 201, seen["write"]
    # The writer sees its write (2023: 12.5) at once, from the primary, while the replica is still behind.
    assert seen["writer_reads"] == {"status": 200, "read": "primary", "values": [10.0, 12.5]}
    assert seen["anonymous_reads_replica_behind"] == {"status": 200, "read": "replica", "values": [10.0]}
    assert seen["anonymous_reads_replica_caught_up"] == {
        "status": 200,
        "read": "replica",
        "values": [10.0, 12.5],
    }
    # The replica is killed: the next requests are answered from the primary, none is lost.
    assert seen["after_kill_api"] == {"status": 200, "read": "primary", "values": [10.0, 12.5]}
    assert seen["after_kill_page"] == {"status": 200, "read": "primary"}
