"""Fuzzing every importer with random byte mutations of real files.

Whatever the bytes, reading and loading either works or raises ImportFailed with a message — never
another exception — and a failed import leaves the database exactly as it was. CI runs a fixed set of
examples; hunt for new bugs with ``KASVU_FUZZ_RANDOM=1 KASVU_FUZZ_EXAMPLES=500 pytest tests/robustness``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kasvu.bank.loader import load
from kasvu.bank.models import ImportRun, Indicator, Observation
from kasvu.classification import data_path
from kasvu.importers import ImportFailed, import_file
from kasvu.importers.table import write_template

pytestmark = pytest.mark.django_db

TABLE_CSV = (
    b"indicator,area_code,year,sex,value,numerator,denominator\n"
    b"local:placements,444,2021,total,0.4,40,9000\n"
    b"local:placements,927,2021,total,0.4,25,5600\n"
)
JSONSTAT_MAPPING = data_path("mappings", "statfin_11re.yaml")


def _template_xlsx() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.xlsx"
        write_template(path)
        return path.read_bytes()


#: (name, importer kind, original bytes, file suffix, mapping)
TARGETS = [
    ("table-csv", "table", lambda: TABLE_CSV, ".csv", None),
    ("table-xlsx", "table", _template_xlsx, ".xlsx", None),
    ("sotkanet-json", "sotkanet", lambda: data_path("sotkanet_fixtures", "sotkanet_171_fixture.json").read_bytes(),
     ".json", None),
    ("sotkanet-regions-json", "sotkanet",
     lambda: data_path("sotkanet_fixtures", "sotkanet_regions_fixture.json").read_bytes(), ".json", None),
    ("px", "px", lambda: data_path("statfin_px", "statfin_vaerak_pxt_11rc.px").read_bytes(), ".px",
     data_path("mappings", "statfin_vaerak_11rc.yaml")),
    ("jsonstat", "jsonstat", lambda: data_path("statfin_jsonstat", "api-query-three-cities.json").read_bytes(),
     ".json", JSONSTAT_MAPPING),
]  # fmt: skip

mutations = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.floats(0, 1), st.integers(0, 255)),
        st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 64)),
        st.tuples(st.just("truncate"), st.floats(0, 1), st.none()),
    ),
    min_size=1,
    max_size=6,
)


def mutate(data: bytes, steps: list[tuple]) -> bytes:
    buf = bytearray(data)
    for op, where, arg in steps:
        pos = min(int(where * len(buf)), max(len(buf) - 1, 0))
        if op == "set" and buf:
            buf[pos] = arg
        elif op == "insert":
            buf[pos:pos] = arg
        elif op == "delete":
            del buf[pos : pos + arg]
        elif op == "truncate":
            del buf[pos:]
    return bytes(buf)


def state() -> tuple[int, int, int]:
    return Observation.objects.count(), ImportRun.objects.count(), Indicator.objects.count()


def _id(t) -> str:
    return (t.values[0] if hasattr(t, "values") else t)[0]


@pytest.mark.parametrize("target", TARGETS, ids=[_id(t) for t in TARGETS])
def test_mutated_files_fail_cleanly(target, placements):
    name, kind, original, suffix, mapping = target
    data = original()

    @settings(
        max_examples=int(os.environ.get("KASVU_FUZZ_EXAMPLES", "20")),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=not os.environ.get("KASVU_FUZZ_RANDOM"),  # CI: the same examples every run
    )
    @given(steps=mutations)
    def run(steps):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"fuzzed{suffix}"
            path.write_bytes(mutate(data, steps))
            before = state()
            try:
                batch = import_file(path, kind=kind, mapping=mapping)
                load(batch, kind=kind)
            except ImportFailed as exc:
                assert str(exc).strip()
                assert state() == before, "a failed import changed the database"

    run()
