"""Every real file imports and is stored as in the file; bad input leaves the database exactly as before."""

import gzip
import json
import shutil

import httpx
import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from kasvu.bank.loader import load, observations_frame
from kasvu.bank.models import Area, Indicator, Observation
from kasvu.classification import data_path
from kasvu.demo import population_2025
from kasvu.importers.sotkanet import SotkanetClient, SotkanetUnavailable

pytestmark = pytest.mark.django_db


def stored(key, area_kind, code, year, sex="total"):
    return Observation.objects.get(
        indicator__key=key, area__kind=area_kind, area__code=code, year=year, breakdown__key=sex
    )


def database_state():
    """Everything an import could touch, to compare before and after."""
    frame = observations_frame().drop("id").sort(["indicator_id", "area_id", "year", "breakdown_id"])
    return (frame.to_dicts(), list(Indicator.objects.order_by("key").values()), Area.objects.count())


@pytest.fixture
def archive():
    call_command("import_", "sotkanet-2013", str(data_path("sotkanet_2013")))


def test_2013_archive_is_stored_as_in_the_files(archive):
    with gzip.open(data_path("sotkanet_2013", "values_kunta.csv.gz"), "rt", encoding="utf-8") as fh:
        raw = pl.read_csv(fh, infer_schema_length=0)
    assert Observation.objects.filter(area__kind="municipality").count() == raw.height
    # First data rows of the file, by name: Äänekoski (992).
    assert stored("sotkanet:761", "municipality", "992", 1995).value == 48.7
    assert stored("sotkanet:1280", "municipality", "992", 1990).value == 66.6
    # Karjalohja's and Nummi-Pusula's values are already inside Lohja (2013 division).
    assert not Observation.objects.filter(area__code__in=["220", "540"]).exists()
    # A municipality merged after 2013 keeps its own series under its own code.
    assert stored("sotkanet:127", "municipality", "476", 2012).area.name_fi == "Maaninka"
    # values_maakunta.csv.gz: "[YLEISET] Väestö 31.12.,Uusimaa,2012,1566835.0"
    assert stored("sotkanet:127", "region", "01", 2012).value == 1_566_835


def test_sotkanet_fixture_values_and_counts(archive):
    meta = str(data_path("sotkanet_fixtures", "metadata_171_5513.json"))
    call_command(
        "import_",
        "sotkanet",
        str(data_path("sotkanet_fixtures", "sotkanet_171_fixture.json")),
        "--metadata",
        meta,
    )
    rows = json.loads(data_path("sotkanet_fixtures", "sotkanet_171_fixture.json").read_text())
    for row in rows:
        obs = Observation.objects.get(
            indicator__key="sotkanet:171", area__sotkanet_id=row["region"], year=row["year"]
        )
        assert (obs.value, obs.numerator) == (row["value"], row["absValue"])


def test_px_and_jsonstat_with_mappings():
    call_command(
        "import_",
        "px",
        str(data_path("statfin_px", "statfin_vaerak_pxt_11rc.px")),
        "--mapping",
        str(data_path("mappings", "statfin_vaerak_11rc.yaml")),
    )
    assert stored("statfin:11rc:vaesto", "country", "FI", 2023).value == 5_603_851
    assert stored("statfin:11rc:vaesto:0-4", "country", "FI", 2023).value == 235_606
    call_command(
        "import_",
        "jsonstat",
        str(data_path("statfin_jsonstat", "api-query-three-cities.json")),
        "--mapping",
        str(data_path("mappings", "statfin_11re.yaml")),
    )
    # The same numbers as the population file (an external check across two sources).
    assert stored("statfin:11re:total", "municipality", "049", 2025).value == 325_716
    assert stored("statfin:11re:total", "municipality", "091", 2025).value == 694_392


def test_demo_load_is_idempotent_and_labels_generated_data(capsys):
    call_command("demo", "load")
    first = Observation.objects.count()
    call_command("demo", "load")
    assert Observation.objects.count() == first
    generated = Indicator.objects.filter(source__is_generated=True)
    assert generated.filter(key__startswith="demo:").count() == 8
    assert generated.filter(key__startswith="survey-").exists()  # the generated pupil survey
    assert not Observation.objects.filter(indicator__in=generated).exclude(flags__in=[8, 8 | 4]).exists()
    assert "GENERATED demo data" in capsys.readouterr().out


# ---------------------------------------------------------------- bad input leaves the database as before


@pytest.fixture
def before():
    load(population_2025(), kind="table")
    return database_state()


def test_truncated_json(tmp_path, before):
    bad = tmp_path / "truncated.json"
    bad.write_text(data_path("sotkanet_fixtures", "sotkanet_127_fixture.json").read_text()[:150])
    with pytest.raises(CommandError, match="truncated.json"):
        call_command("import_", "sotkanet", str(bad))
    assert database_state() == before


def test_px_in_the_wrong_code_page(tmp_path, before):
    text = data_path("statfin_px", "statfin_vaerak_pxt_11rc.px").read_bytes().decode("iso-8859-15")
    bad = tmp_path / "utf8.px"
    bad.write_bytes(text.encode("utf-8"))  # re-saved as UTF-8, still declaring iso-8859-15
    with pytest.raises(CommandError, match="utf8.px"):
        call_command(
            "import_", "px", str(bad), "--mapping", str(data_path("mappings", "statfin_vaerak_11rc.yaml"))
        )
    assert database_state() == before


def test_px_without_data_block(tmp_path, before):
    raw = data_path("statfin_px", "statfin_vaerak_pxt_11rc.px").read_bytes()
    bad = tmp_path / "nodata.px"
    bad.write_bytes(raw[: raw.index(b"DATA=")])
    with pytest.raises(CommandError, match="DATA"):
        call_command(
            "import_", "px", str(bad), "--mapping", str(data_path("mappings", "statfin_vaerak_11rc.yaml"))
        )
    assert database_state() == before


def _template_with_rows(tmp_path, rows):
    path = tmp_path / "local.xlsx"
    call_command("template", str(path))
    wb = load_workbook(path)
    ws = wb["observations"]
    header = [c.value for c in ws[1]]
    ws.delete_rows(2, ws.max_row)
    for row in rows:
        ws.append([row.get(h) for h in header])
    wb.save(path)
    return path


def test_xlsx_with_text_in_a_number_column(tmp_path, before):
    path = _template_with_rows(
        tmp_path,
        [
            {"indicator": "local:school-meals", "area_code": "444", "year": 2024, "value": 12.5},
            {"indicator": "local:school-meals", "area_code": "927", "year": 2024, "value": "n/a"},
        ],
    )
    with pytest.raises(CommandError, match=r"local.xlsx.*row 3.*'value'.*'n/a'"):
        call_command("import_", "table", str(path))
    assert database_state() == before


def test_unknown_area_code(tmp_path, before):
    path = _template_with_rows(
        tmp_path, [{"indicator": "local:school-meals", "area_code": "998", "year": 2024, "value": 1.0}]
    )
    with pytest.raises(CommandError, match=r"row 2.*'998' is unknown"):
        call_command("import_", "table", str(path))
    assert database_state() == before


def test_duplicate_rows(tmp_path, before):
    row = {"indicator": "local:school-meals", "area_code": "444", "year": 2024, "value": 1.0}
    path = _template_with_rows(tmp_path, [row, row])
    with pytest.raises(CommandError, match="duplicate"):
        call_command("import_", "table", str(path))
    assert database_state() == before


def test_table_import_round_trip(tmp_path):
    path = _template_with_rows(
        tmp_path,
        [
            {
                "indicator": "local:school-meals",
                "area_code": "444",
                "year": 2024,
                "sex": "female",
                "value": 12.5,
                "numerator": 25,
                "denominator": 200,
            }
        ],
    )
    call_command("import_", "table", str(path))
    obs = stored("local:school-meals", "municipality", "444", 2024, "female")
    assert (obs.value, obs.numerator, obs.denominator) == (12.5, 25, 200)


def _recorded(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/indicators/171"):
        meta = json.loads(data_path("sotkanet_fixtures", "metadata_171_5513.json").read_text())
        return httpx.Response(200, json=meta["indicators"]["171"])
    return httpx.Response(
        200, content=data_path("sotkanet_fixtures", "sotkanet_171_fixture.json").read_bytes()
    )


def test_sotkanet_500_then_success_is_retried_and_stored():
    calls = []

    def handler(request):
        calls.append(request.url.path)
        if len(calls) == 1:
            return httpx.Response(500)
        return _recorded(request)

    client = SotkanetClient(transport=httpx.MockTransport(handler), sleep=lambda s: None, min_interval=0)
    summary = load(client.fetch(171, [2019, 2023], ["total"]), kind="sotkanet")
    assert summary.added == 10 and len(calls) == 3
    assert stored("sotkanet:171", "municipality", "049", 2023).value == 7.2


def test_sotkanet_that_keeps_failing_changes_nothing(before):
    client = SotkanetClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(503)),
        sleep=lambda s: None,
        min_interval=0,
        attempts=3,
    )
    with pytest.raises(SotkanetUnavailable, match="503"):
        load(client.fetch(171, [2023], ["total"]), kind="sotkanet")
    assert database_state() == before


def test_template_command_refuses_to_overwrite(tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("template", str(path))
    with pytest.raises(CommandError, match="--force"):
        call_command("template", str(path))
    shutil.rmtree(tmp_path)


def test_files_are_stored_in_order_until_one_fails(tmp_path, before):
    """`kasvu import` reads the next file while storing this one; a bad file still stops it at its turn."""
    good = data_path("sotkanet_fixtures", "sotkanet_171_fixture.json")
    bad = tmp_path / "truncated.json"
    bad.write_text(good.read_text()[:150])
    never = data_path("sotkanet_fixtures", "sotkanet_5513_fixture.json")
    meta = str(data_path("sotkanet_fixtures", "metadata_171_5513.json"))
    with pytest.raises(CommandError, match="truncated.json"):
        call_command("import_", "sotkanet", str(good), str(bad), str(never), "--metadata", meta)
    stored = set(Indicator.objects.filter(observations__isnull=False).values_list("key", flat=True))
    assert "sotkanet:171" in stored and "sotkanet:5513" not in stored
    assert Observation.objects.filter(indicator__key="sotkanet:171").count() == len(
        json.loads(good.read_text())
    )
