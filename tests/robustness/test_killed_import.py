"""An import killed mid-transaction (SIGKILL) leaves nothing behind, on SQLite and PostgreSQL.

The test databases of pytest-django are invisible to other processes, so this test makes a real one:
a temporary SQLite file, or a throwaway database on the PostgreSQL server of KASVU_DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

CHILD = Path(__file__).with_name("import_child.py")
SRC = Path(__file__).resolve().parents[2] / "src"


def _run(mode: str, env: dict[str, str], timeout: int = 180) -> str:
    result = subprocess.run(
        [sys.executable, str(CHILD), mode], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _environment(tmp_path: Path) -> tuple[dict[str, str], object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONPATH"] = str(SRC)
    env["KASVU_DATA_DIR"] = str(tmp_path / "data")
    env["KASVU_DEMO"] = "1"
    env["KASVU_KILL_MARKER"] = str(tmp_path / "marker")
    url = os.environ.get("KASVU_DATABASE_URL", "")
    if not url.startswith("postgres"):
        env["KASVU_DATABASE_URL"] = ""
        return env, None
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"kasvu_kill_{os.getpid()}"
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    parts = conninfo_to_dict(make_conninfo(url, dbname=name))
    env["KASVU_DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + str(parts["dbname"])

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return env, drop


def test_killed_import_leaves_no_partial_data(tmp_path):
    env, drop = _environment(tmp_path)
    try:
        _run("setup", env)
        before = json.loads(_run("count", env))
        log = tmp_path / "child.log"
        with log.open("wb") as err:
            child = subprocess.Popen([sys.executable, str(CHILD), "import"], env=env, stderr=err)
        marker = Path(env["KASVU_KILL_MARKER"])
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the import never reached its transaction"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        after = json.loads(_run("count", env))
        assert after == before
        assert after["runs"] == 0 and after["indicators"] == 0
    finally:
        if drop is not None:
            drop()
