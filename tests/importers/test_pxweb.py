"""The PxWeb API client against a local server built from the PxWebApi 2 specification (see pxweb_server.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kasvu.bank.loader import load
from kasvu.bank.models import Observation
from kasvu.demo import population_2025
from kasvu.importers.base import ImportFailed
from kasvu.importers.pxweb import PxWebClient, PxWebUnavailable, TableUrl

from .pxweb_server import AREAS, SEXES, YEARS, serve


@pytest.fixture
def pxweb():
    yield from serve(8141)


def client(**kw):
    return PxWebClient(sleep=lambda s: None, **kw)


def test_table_urls():
    v2 = TableUrl.parse("https://pxdata.stat.fi/api/v2/tables/statfin_vaerak_pxt_11re?lang=sv")
    assert (v2.version, v2.base, v2.table, v2.language) == (
        2,
        "https://pxdata.stat.fi/api/v2",
        "statfin_vaerak_pxt_11re",
        "sv",
    )
    v1 = TableUrl.parse("https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/vaerak/statfin_vaerak_pxt_11re.px")
    assert (v1.version, v1.table, v1.language) == (1, "statfin_vaerak_pxt_11re", "fi")
    with pytest.raises(ImportFailed, match="not a PxWeb table URL"):
        TableUrl.parse("https://stat.fi/tilasto/vaerak")


@pytest.mark.parametrize("version", [2, 1])
def test_whole_table_in_pages_within_the_cell_limit(pxweb, version):
    # Version 1 has no /config: the limit is given (Statistics Finland publishes 100,000 cells).
    with client(max_cells=None if version == 2 else 40) as px:
        cube = px.fetch(pxweb.v2 if version == 2 else pxweb.v1)
    assert len(cube.values) == len(AREAS) * len(YEARS) * len(SEXES)
    data = [url for method, url in pxweb.requests if "/data" in url or method == "POST"]
    # 105 cells, at most 40 a request: v2 splits by area (role geo, 21 cells each), v1 (no roles) by year.
    assert len(data) == (5 if version == 2 else 4)
    if version == 2:
        assert px.min_interval == pytest.approx(10 / 30)  # the server's rate limit
    frame = cube.to_frame()
    helsinki = frame.filter(
        (frame["Alue"] == "KU091") & (frame["Vuosi"] == "2025") & (frame["Sukupuoli"] == "SSS")
    )
    assert helsinki["value"].to_list() == [656_000.0]


def test_query_selects_and_is_checked(pxweb):
    with client() as px:
        cube = px.fetch(pxweb.v2, {"Alue": ["KU049", "Helsinki"], "Vuosi": "top(2)", "Sukupuoli": ["SSS"]})
        assert [d.codes for d in cube.dimensions] == [
            ["KU049", "KU091"],
            ["2024", "2025"],
            ["SSS"],
            ["vaerak-vaesto"],
        ]
        with pytest.raises(ImportFailed, match=r"field 'query.Alue': 'KU999' is not a value of 'Alue'"):
            px.fetch(pxweb.v2, {"Alue": ["KU999"]})
        with pytest.raises(ImportFailed, match="'Kunta', which is not a variable"):
            px.fetch(pxweb.v2, {"Kunta": ["KU049"]})


def test_busy_server_is_retried_then_reported():
    for state in serve(8142, busy_answers=2):
        with client() as px:
            assert len(px.fetch(state.v2, {"Alue": ["KU049"]}).values) == 21
    for state in serve(8143, busy_answers=99):
        with (
            client(attempts=3) as px,
            pytest.raises(PxWebUnavailable, match=r"after 3 attempts \(last: HTTP 429\)"),
        ):
            px.fetch(state.v2)


def test_answers_are_cached(pxweb, tmp_path):
    with client(cache_dir=tmp_path) as px:
        px.fetch(pxweb.v2)
    made = len(pxweb.requests)
    with client(cache_dir=tmp_path) as px:
        px.fetch(pxweb.v2)
    assert len(pxweb.requests) == made
    with client(cache_dir=tmp_path, refresh=True) as px:
        px.fetch(pxweb.v2)
    assert len(pxweb.requests) == 2 * made


@pytest.mark.django_db
def test_kasvu_import_pxweb_stores_the_table(pxweb, tmp_path, capsys):
    load(population_2025(), kind="table")
    query = tmp_path / "query.yaml"
    query.write_text("Alue: [KU091, KU049]\nVuosi: top(3)\n", encoding="utf-8")
    call_command("import_", "pxweb", pxweb.v2, "--query", str(query), "--cache-dir", str(tmp_path / "cache"))
    assert "18 added" in capsys.readouterr().out
    stored = Observation.objects.get(
        indicator__key="statfin:11re:vaerak-vaesto", area__code="091", year=2025, breakdown__key="female"
    )
    assert stored.value == round(656_000 * 0.51)
    assert stored.import_run.source_url == pxweb.v2
    assert stored.indicator.unit == "persons"


def test_inspect_a_pxweb_table_url(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for state in serve(8145):
        call_command("inspect", state.v2)
    out = capsys.readouterr().out
    assert "Alue" in out and "area" in out and "time (year)" in out
    assert "statfin:11re:vaerak-vaesto" in out and "[persons, 0 decimals]" in out
    assert f"Import as is: kasvu import pxweb {state.v2}" in out
    assert (tmp_path / "statfin_vaerak_pxt_11re.mapping.yaml").exists()
    assert not [url for _, url in state.requests if "/data" in url]  # the description is enough
