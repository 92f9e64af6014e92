"""kasvu sync: a configuration of the bundled Sotkanet fixtures and a PxWeb table (the local server of
pxweb_server.py, port 8144) runs twice with no change the second time, and reports exactly a revision."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from kasvu.bank.loader import load
from kasvu.bank.models import Observation
from kasvu.bank.sync import recent_reports, run
from kasvu.classification import data_path
from kasvu.demo import population_2025

from .pxweb_server import serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def pxweb():
    yield from serve(8144)


@pytest.fixture
def config(tmp_path, pxweb, settings):
    settings.KASVU_SYNC_REPORTS = str(tmp_path / "reports")
    load(population_2025(), kind="table")
    fixtures = tmp_path / "sotkanet"
    fixtures.mkdir()
    for name in ("sotkanet_171_fixture.json", "sotkanet_5513_fixture.json", "metadata_171_5513.json"):
        shutil.copy(data_path("sotkanet_fixtures", name), fixtures / name)
    path = tmp_path / "sync.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "sources": [
                    {
                        "name": "sotkanet fixtures",
                        "kind": "files",
                        "importer": "sotkanet",
                        "path": "sotkanet",
                        "pattern": "sotkanet_*_fixture.json",
                        "metadata": "sotkanet/metadata_171_5513.json",
                    },
                    {
                        "name": "population 11re",
                        "kind": "pxweb",
                        "url": pxweb.v2,
                        "query": {"Alue": ["KU049", "KU091"], "Vuosi": "top(2)"},
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    return path


def test_second_run_reports_no_change_and_a_revision_exactly(config, pxweb, capsys):
    first = run(config)
    assert not first.failed
    assert [s.added for s in first.sources] == [15, 12]  # 10 + 5 Sotkanet values; 2 areas × 2 years × 3 sexes
    stored = Observation.objects.count()

    call_command("sync", str(config))
    out = capsys.readouterr().out
    assert "No change." in out
    assert "sotkanet fixtures: 2 import(s); 0 new, 0 revised, 0 withdrawn, 15 unchanged" in out
    assert "population 11re: 1 import(s); 0 new, 0 revised, 0 withdrawn, 12 unchanged" in out
    assert Observation.objects.count() == stored

    pxweb.revise("KU091", "2025", "2", 334_000.0)  # Statistics Finland revises Helsinki's women in 2025
    revised = run(config)
    assert revised.sources[0].revised == []
    [change] = revised.sources[1].revised
    assert (change.indicator, change.area, change.year, change.breakdown) == (
        "statfin:11re:vaerak-vaesto",
        "Helsinki (municipality:091)",
        2025,
        "female",
    )
    assert (change.old, change.new) == (round(656_000 * 0.51), 334_000.0)
    assert revised.sources[1].added == 0 and revised.sources[1].withdrawn == []
    assert Observation.objects.count() == stored
    # The reports are kept for the web page, newest first.
    assert recent_reports()[0]["changed"] is True
    assert recent_reports()[1]["changed"] is False


def test_new_period_and_withdrawn_value(config, pxweb):
    run(config)
    doc = yaml.safe_load(config.read_text(encoding="utf-8"))
    doc["sources"][1]["query"]["Vuosi"] = "top(3)"  # one year more: 2023
    config.write_text(yaml.safe_dump(doc), encoding="utf-8")
    report = run(config)
    assert report.sources[1].new_periods == ["statfin:11re:vaerak-vaesto 2023"]
    assert report.sources[1].added == 6
    # Sotkanet withdraws Espoo's 2023 value of indicator 5513.
    fixture = config.parent / "sotkanet" / "sotkanet_5513_fixture.json"
    rows = [r for r in json.loads(fixture.read_text()) if r["region"] != 20]
    fixture.write_text(json.dumps(rows), encoding="utf-8")
    report = run(config)
    [gone] = report.sources[0].withdrawn
    assert (gone.indicator, gone.area, gone.year, gone.new) == (
        "sotkanet:5513",
        "Espoo (municipality:049)",
        2023,
        None,
    )
    assert (
        "  withdrawn (kept in the bank): sotkanet:5513 Espoo (municipality:049) 2023 total" in report.lines()
    )
    assert Observation.objects.filter(indicator__key="sotkanet:5513", area__code="049").exists()


def test_a_failing_source_is_reported_and_the_others_stored(config):
    doc = yaml.safe_load(config.read_text(encoding="utf-8"))
    doc["sources"][1]["query"] = {"Alue": ["KU999"]}
    config.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(CommandError, match="some sources failed"):
        call_command("sync", str(config))
    assert Observation.objects.filter(indicator__key="sotkanet:171").count() == 10
    assert not Observation.objects.filter(indicator__key__startswith="statfin:11re").exists()


def test_configuration_errors_name_the_source_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("sources:\n  - name: x\n    kind: pxweb\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"bad.yaml, sources\[1\], field 'url': a pxweb source needs 'url'"
    ):
        call_command("sync", str(path))


def test_data_updates_page_shows_the_revision_to_analysts(config, pxweb, client):
    from django.contrib.auth import get_user_model

    from kasvu.accounts.models import Profile, Role

    run(config)
    run(config)
    pxweb.revise("KU091", "2025", "2", 334_000.0)
    run(config)
    assert client.get("/data-updates/").status_code in (302, 403)  # not for the public
    user = get_user_model().objects.create_user("analyst", password="a-long-test-password-1")
    Profile.objects.create(user=user, role=Role.ANALYST)
    client.force_login(user)
    page = client.get("/data-updates/").content.decode()
    assert "Tietojen päivitykset" in page
    assert "0 uutta, 1 korjattua, 0 poistunutta ja 11 ennallaan olevaa arvoa." in page
    assert "Helsinki (091)" in page and "naiset" in page and "municipality" not in page
    assert "334\xa0560" in page and "334\xa0000" in page  # before and now, in Finnish notation
    assert "ei muutoksia" in page  # the run in between
    assert "Revised values" not in page  # no English on the Finnish page
    sv = client.get("/sv/data-updates/").content.decode()
    assert "Reviderade värden" in sv


def test_monthly_source_reports_new_and_revised_months(tmp_path, settings, client):
    from django.contrib.auth import get_user_model

    from importers.test_convention import MONTHS, make_px
    from kasvu.accounts.models import Profile, Role

    settings.KASVU_SYNC_REPORTS = str(tmp_path / "reports")
    load(population_2025(), kind="table")
    px = make_px(tmp_path / "99zz.px", areas=["KU049", "KU091"], periods=MONTHS[:-1], time="Kuukausi")
    config = tmp_path / "sync.yaml"
    source = {"name": "monthly", "kind": "files", "importer": "px", "path": str(px)}
    config.write_text(yaml.safe_dump({"sources": [source]}), encoding="utf-8")
    run(config)
    # December 2024 is published; Helsinki's November is revised (2 220 -> 2 225).
    make_px(px, areas=["KU049", "KU091"], periods=MONTHS, time="Kuukausi")
    px.write_bytes(px.read_bytes().replace(b"\n2220 23.2\n", b"\n2225 23.2\n"))
    report = run(config)
    [changes] = report.sources
    assert changes.new_periods == ["statfin:99zz:lkm 2024M12", "statfin:99zz:osuus 2024M12"]
    [revised] = changes.revised
    assert (revised.indicator, revised.area, revised.period, revised.old, revised.new) == (
        "statfin:99zz:lkm", "Helsinki (municipality:091)", "2024M11", 2220.0, 2225.0
    )  # fmt: skip
    lines = report.lines()
    assert "  new period: statfin:99zz:lkm 2024M12" in lines
    assert any(
        line.startswith("  revised: statfin:99zz:lkm Helsinki (municipality:091) 2024M11 total")
        for line in lines
    )
    user = get_user_model().objects.create_user("analyst", password="a-long-test-password-1")
    Profile.objects.create(user=user, role=Role.ANALYST)
    client.force_login(user)
    page = client.get("/data-updates/").content.decode()
    assert "marraskuu 2024" in page and "2M11" not in page
    assert "November 2024" in client.get("/en/data-updates/").content.decode()
