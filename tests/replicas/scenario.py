"""Run by tests/replicas/test_replica.py in a process whose settings name a real streaming replica.

Prints one JSON object: what each step saw (status, where it read, what it found).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasvu.settings")
django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()

from django.contrib.auth import get_user_model  # noqa: E402

from kasvu.accounts.models import Profile, Role  # noqa: E402
from kasvu.api.tokens import create_token  # noqa: E402
from kasvu.bank.areas import install_finland  # noqa: E402
from kasvu.bank.loader import load  # noqa: E402
from kasvu.importers.base import IndicatorMeta, ParsedBatch  # noqa: E402

TABLE = b"""indicator,area_code,year,sex,value,numerator,denominator
local:placements,444,2023,total,12.5,25,200
"""
OBS = "/api/v1/observations?indicator=local:placements&area=444"


def replica_sql(sql: str) -> object:
    with connections["replica_1"].cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0]


def caught_up() -> None:
    """Wait until the replica has replayed everything the primary wrote (at most 30 s)."""
    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()::text")
        target = cur.fetchone()[0]
    for _ in range(300):
        if replica_sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.1)
    raise SystemExit("the replica did not catch up in 30 s")


def seen(response) -> dict[str, object]:
    body = response.json() if response["Content-Type"].startswith("application/json") else None
    values = [row.get("value") for row in body.get("items", [])] if isinstance(body, dict) else []
    return {"status": response.status_code, "read": response.get("X-Kasvu-Read"), "values": values}


def first_year() -> ParsedBatch:
    """Lohja 2022: 20 of 200 (10.0 %), so that the indicator is known before the write."""
    import polars as pl

    frame = pl.DataFrame(
        [{"indicator": "local:placements", "area_code": "444", "year": 2022, "sex": "total", "value": 10.0,
          "numerator": 20.0, "denominator": 200.0, "sample_size": None, "flags": 0, "row": 2}],
        schema_overrides={"sample_size": pl.Int64},
    )  # fmt: skip
    meta = IndicatorMeta(
        key="local:placements", source="local", source_id="placements",
        title={"fi": "Kodin ulkopuolelle sijoitetut, %", "en": "Children placed outside home, %"},
        unit="%", scale=100, aggregation="ratio", rights=["safety"], licence="CC BY 4.0",
        attribution="Source: test data",
    )  # fmt: skip
    return ParsedBatch(source_file="placements.csv", indicators=[meta], observations=frame)


out: dict[str, object] = {}
install_finland()
load(first_year(), kind="table")
user = get_user_model().objects.create_user("analyst", password="a-long-test-password-1")
Profile.objects.create(user=user, role=Role.ANALYST)
_token, key = create_token(user, "writer")
caught_up()
anonymous, writer = Client(), Client(headers={"Authorization": f"Bearer {key}"})

out["anonymous_read"] = seen(anonymous.get("/api/v1/areas?limit=1"))
out["anonymous_page"] = {
    "status": (r := anonymous.get("/areas/municipality/444/")).status_code,
    "read": r.get("X-Kasvu-Read"),
}

replica_sql("SELECT pg_wal_replay_pause()::text")  # the replica falls behind from here on
upload = io.BytesIO(TABLE)
upload.name = "placements.csv"
written = writer.post("/api/v1/imports", {"file": upload, "kind": "table"})
out["write"] = {"status": written.status_code, "body": written.content.decode()[:500]}
out["writer_reads"] = seen(writer.get(OBS))
out["anonymous_reads_replica_behind"] = seen(anonymous.get(OBS))
replica_sql("SELECT pg_wal_replay_resume()::text")
caught_up()
out["anonymous_reads_replica_caught_up"] = seen(anonymous.get(OBS + "&limit=10"))

subprocess.run([sys.argv[1], "kill", sys.argv[2]], check=True, capture_output=True)
out["after_kill_api"] = seen(anonymous.get(OBS + "&limit=11"))
out["after_kill_page"] = {
    "status": (r := anonymous.get("/areas/municipality/078/")).status_code,
    "read": r.get("X-Kasvu-Read"),
}
print(json.dumps(out))
