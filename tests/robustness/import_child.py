"""Child process for test_killed_import: ``python import_child.py setup|import|count``.

``import`` loads a batch and, inside the transaction (after every row is written, before the commit),
writes ``KASVU_KILL_MARKER`` and waits to be killed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasvu.settings")

import django  # noqa: E402

django.setup()


def batch():
    import polars as pl

    from kasvu.bank.models import Area
    from kasvu.importers.base import IndicatorMeta, ParsedBatch

    codes = list(
        Area.objects.filter(kind="municipality", valid_to__isnull=True).values_list("code", flat=True)
    )
    rows = [
        {"indicator": "local:kill", "area_code": c, "year": y, "sex": "total", "value": 1.0, "numerator": 10.0,
         "denominator": 1000.0, "sample_size": None, "flags": 0, "row": i}
        for i, (c, y) in enumerate((c, y) for c in codes for y in range(1990, 2025))
    ]  # fmt: skip
    meta = IndicatorMeta(key="local:kill", source="local", source_id="kill", title={"fi": "Kill"}, scale=100)
    frame = pl.DataFrame(rows, schema_overrides={"sample_size": pl.Int64})
    return ParsedBatch(source_file="kill.csv", indicators=[meta], observations=frame)


def main(mode: str) -> None:
    from django.core.management import call_command

    from kasvu.bank.models import ImportRun, Indicator, Observation

    if mode == "setup":
        call_command("migrate", verbosity=0)
        from kasvu.bank.areas import install_finland

        install_finland()
    elif mode == "import":
        from kasvu.bank import disclosure
        from kasvu.bank.loader import load

        def hang(ids):  # called inside load()'s transaction, after the rows are written
            assert Observation.objects.filter(indicator__key="local:kill").exists()
            Path(os.environ["KASVU_KILL_MARKER"]).write_text("in transaction")
            time.sleep(120)

        disclosure.refresh = hang
        load(batch(), kind="table")
    elif mode == "count":
        print(json.dumps({
            "observations": Observation.objects.count(), "runs": ImportRun.objects.count(),
            "indicators": Indicator.objects.filter(key="local:kill").count(),
        }))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1])
