"""kasvu quality: outliers against the area's own series and against its peers, and breaks in series."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from kasvu.bank.loader import load
from kasvu.bank.quality import warnings
from kasvu.classification import data_path
from kasvu.demo import population_2025

pytestmark = pytest.mark.django_db

PX = data_path("statfin_px", "statfin_vaerak_pxt_11rc.px")


@pytest.fixture
def bank():
    load(population_2025(), kind="table")


def test_real_population_series_has_no_warning_and_a_typo_is_flagged(bank, tmp_path, capsys):
    call_command(
        "import_", "px", str(PX), "--mapping", str(data_path("mappings", "statfin_vaerak_11rc.yaml"))
    )
    assert warnings(["statfin:11rc:vaesto"]) == []
    # The same file with a digit too many in the 2023 total (5 603 851 -> 56 038 510).
    raw = PX.read_bytes()
    bad = tmp_path / "typo.px"
    bad.write_bytes(raw.replace(b"5603851", b"56038510", 1))
    call_command(
        "import_", "px", str(bad), "--mapping", str(data_path("mappings", "statfin_vaerak_11rc.yaml"))
    )
    call_command("quality", "--indicator", "statfin:11rc:vaesto")
    out = capsys.readouterr().out
    assert re.search(
        r"statfin:11rc:vaesto Suomi \(country:FI\) 2023 total = 5\.6038.e\+07: change of \+5\.04", out
    )
    assert "in the area's own series" in out and "possible error or break in series" in out
    assert "1 warning(s)." in out


def test_a_share_far_from_its_peers_is_flagged(bank, tmp_path):
    rows = ["indicator,area_code,year,sex,value"]
    shares = {"049": 21.0, "091": 19.5, "092": 22.1, "853": 20.4, "837": 18.9, "564": 23.0, "179": 95.0}
    rows += [f"local:meals,{code},2024,total,{v}" for code, v in shares.items()]
    path = tmp_path / "meals.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "meals.indicators.csv").write_text(
        "key,title_fi,unit,decimals,aggregation,scale\nlocal:meals,Kouluruokailu,%,1,ratio,100\n",
        encoding="utf-8",
    )
    call_command("import_", "table", str(path))
    [warning] = warnings(["local:meals"])
    assert warning.area == "Jyväskylä (municipality:179)"
    assert warning.value == 95.0
    assert "against the median 21 ± 1.5 of 7 municipality areas in the same year" in warning.reason


def test_break_in_series_marked_at_source_is_listed(bank, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(
        "indicator,area_code,year,sex,value,flags\nlocal:x,049,2023,total,10,\nlocal:x,049,2024,total,12,break\n",
        encoding="utf-8",
    )
    (tmp_path / "b.indicators.csv").write_text(
        "key,title_fi,unit,decimals,aggregation,scale\nlocal:x,X,index,1,none,1\n", encoding="utf-8"
    )
    call_command("import_", "table", str(path))
    [warning] = warnings(["local:x"])
    assert (warning.year, warning.reason) == (2024, "break in series, as the source marks it")


def test_indicator_page_shows_quality_warnings_to_analysts_only(bank, tmp_path, client):
    """Issue 17: the warnings of `kasvu quality` on the indicator page, in fi/sv/en, for analysts only."""
    from django.contrib.auth import get_user_model

    from kasvu.accounts.models import Profile, Role

    test_a_share_far_from_its_peers_is_flagged(bank, tmp_path)
    url = "/indicators/local:meals/?area=municipality:179"
    anonymous = client.get(url).content.decode()
    assert client.get(url).status_code == 200 and 'id="quality"' not in anonymous
    users = get_user_model().objects
    viewer = users.create_user("viewer", password="a-long-test-password-1")
    Profile.objects.create(user=viewer, role=Role.VIEWER)
    client.force_login(viewer)
    assert 'id="quality"' not in client.get(url).content.decode()
    analyst = users.create_user("analyst", password="a-long-test-password-1")
    Profile.objects.create(user=analyst, role=Role.ANALYST)
    client.force_login(analyst)
    expected = {
        "": "Jyväskylä 2024: 95,0, kun saman vuoden 7 samantasoisen alueen mediaani on 21,0 ± 1,5",
        "/sv": "Jyväskylä 2024: 95,0, mot medianen 21,0 ± 1,5 för 7 områden av samma slag samma år",
        "/en": "Jyväskylä 2024: 95.0, against the median 21.0 ± 1.5 of 7 areas of the same kind in the same year",
    }
    for prefix, sentence in expected.items():
        html = client.get(prefix + url).content.decode()
        assert 'id="quality"' in html, prefix
        assert sentence in html, prefix


def test_monthly_values_are_compared_with_peers_of_the_same_month():
    """An area far below its peers in February 2024 is flagged; January's values are no peers of it."""
    import polars as pl

    from kasvu.bank.quality import outliers

    rows = [(1, a, "municipality", 2024, 1, 1, 10.0 + a / 10) for a in range(1, 9)]
    rows += [(1, a, "municipality", 2024, 2, 1, 50.0 + a / 10) for a in range(1, 8)] + [
        (1, 8, "municipality", 2024, 2, 1, 10.0)
    ]
    frame = pl.DataFrame(
        rows,
        schema=["indicator_id", "area_id", "kind", "year", "sub", "breakdown_id", "value"],
        orient="row",
    )
    flagged = outliers(frame, years=None, peer_indicators=[1]).filter(pl.col("check") == "peers")
    assert flagged.select("area_id", "year", "value").rows() == [(8, 2024, 10.0)]
