"""Issue 14's leaks, each on real municipal codes: a small number must not come out of any public exit.

West of Uusimaa as a user group of three municipalities, Karkkila (224) with 3 children placed outside
the home, Lohja (444) and Vihti (927) with more. Every test reads what the public gets
(:func:`kasvu.values.area_values` with ``public=True``: what pages, charts, downloads, reports and the
API read) and tries to get the 3 back.
"""

import polars as pl
import pytest

from kasvu import values
from kasvu.bank import disclosure
from kasvu.bank.areas import create_group, find_area
from kasvu.bank.loader import load
from kasvu.bank.models import Indicator, Observation
from kasvu.importers.base import IndicatorMeta, ParsedBatch

pytestmark = pytest.mark.django_db

CHILDREN = {"224": 1700, "444": 8300, "927": 5600}
IN_CARE = {"224": 3, "444": 61, "927": 38}


def meta(key: str, **kw: object) -> IndicatorMeta:
    fields: dict = {"unit": "%", "scale": 100.0, "aggregation": "ratio"} | kw
    return IndicatorMeta(key=key, source="local", source_id=key.split(":")[1], title={"fi": key}, **fields)


def table(rows: list[dict], metas: list[IndicatorMeta]) -> ParsedBatch:
    base = {
        "sex": "total",
        "year": 2024,
        "numerator": None,
        "denominator": None,
        "sample_size": None,
        "flags": 0,
    }
    frame = pl.DataFrame(
        [base | r | {"row": i + 2} for i, r in enumerate(rows)],
        schema_overrides={
            "numerator": pl.Float64,
            "denominator": pl.Float64,
            "value": pl.Float64,
            "sample_size": pl.Int64,
        },
    )
    return ParsedBatch(
        source_file="placed.csv", indicators=metas, observations=frame, area_kind="municipality"
    )


def published(key: str, codes: list[str]) -> dict[str, float | None]:
    ind = Indicator.objects.get(key=key)
    ids = {find_area(c).id: c for c in codes}
    frame = values.area_values(list(ids), [ind.id], public=True)
    return {ids[a]: v for a, v in frame.select("area_id", "value").iter_rows()}


@pytest.fixture
def west():
    return create_group("west", {"fi": "Länsi"}, list(CHILDREN))


def test_count_indicator_value_of_3_is_hidden(west):
    # Before: only the numerator column was looked at, so a count stored as the value was published.
    rows = [{"indicator": "local:in-care", "area_code": c, "value": float(n)} for c, n in IN_CARE.items()]
    load(table(rows, [meta("local:in-care", unit="persons", aggregation="sum", scale=1.0)]), kind="table")
    shown = published("local:in-care", ["224", "444", "927", "group:west"])
    assert shown["224"] is None
    # nor by subtraction: the group minus the other members
    assert shown["group:west"] is None or None in (shown["444"], shown["927"])
    assert shown["group:west"] == 102.0  # the group's own value stays published
    assert shown["927"] is None and shown["444"] == 61.0  # Vihti's 38 is the cheapest protection


def test_share_with_denominator_but_no_numerator_is_hidden(west):
    # 0.176 % of 1,700 is 3 persons: value × denominator / scale.
    rows = [
        {
            "indicator": "local:in-care-share",
            "area_code": c,
            "value": round(IN_CARE[c] / d * 100, 3),
            "denominator": float(d),
        }
        for c, d in CHILDREN.items()
    ]
    load(table(rows, [meta("local:in-care-share")]), kind="table")
    obs = Observation.objects.get(area__code="224", indicator__key="local:in-care-share")
    assert obs.suppressed == disclosure.PRIMARY
    shown = published("local:in-care-share", ["224", "444", "927"])
    assert shown["224"] is None


def test_same_count_under_two_indicators_gets_one_pattern(west):
    # The count and the share of the same children: whatever one hides, the other hides too, or the
    # share's Vihti would give the count's hidden Vihti (and then Karkkila as West − Lohja − Vihti).
    rows = []
    for c, d in CHILDREN.items():
        rows.append({"indicator": "local:in-care", "area_code": c, "value": float(IN_CARE[c])})
        rows.append(
            {"indicator": "local:in-care-share", "area_code": c, "value": IN_CARE[c] / d * 100,
             "numerator": float(IN_CARE[c]), "denominator": float(d)}
        )  # fmt: skip
    metas = [meta("local:in-care", unit="persons", aggregation="sum", scale=1.0), meta("local:in-care-share")]
    load(table(rows, metas), kind="table")
    hidden = {
        key: set(
            Observation.objects.filter(indicator__key=key)
            .exclude(suppressed=0)
            .values_list("area__code", flat=True)
        )
        for key in ("local:in-care", "local:in-care-share")
    }
    assert hidden["local:in-care"] == hidden["local:in-care-share"] >= {"224"}
    assert len(hidden["local:in-care"]) >= 2  # Karkkila and one cell that protects it


def test_boys_and_girls_of_a_hidden_total_are_hidden(west):
    # The total has 3 persons; the sex cells are rates declared safe without counts: each is part of
    # the 3, so they are hidden too (else the total would be boys + girls).
    rows = [
        {
            "indicator": "local:in-care-share",
            "area_code": "224",
            "value": 0.18,
            "numerator": 3.0,
            "denominator": 1700.0,
        }
    ]
    rows += [
        {"indicator": "local:in-care-share", "area_code": "224", "sex": s, "value": v}
        for s, v in (("male", 0.2), ("female", 0.15))
    ]
    rows += [
        {"indicator": "local:in-care-share", "area_code": c, "sex": s, "value": 1.0, "numerator": 40.0, "denominator": 4000.0}
        for c in ("444", "927") for s in ("total", "male", "female")
    ]  # fmt: skip
    load(table(rows, [meta("local:in-care-share")]), kind="table")
    codes = dict(Observation.objects.filter(area__code="224").values_list("breakdown__key", "suppressed"))
    assert codes["total"] == disclosure.PRIMARY
    assert codes["male"] > 0 and codes["female"] > 0


def test_a_rate_without_any_count_is_internal_with_a_message(west):
    rows = [{"indicator": "local:rate", "area_code": c, "value": 0.2} for c in CHILDREN]
    load(table(rows, [meta("local:rate")]), kind="table")
    assert set(Observation.objects.values_list("suppressed", flat=True)) == {disclosure.INTERNAL}
    assert published("local:rate", ["224"])["224"] is None
    (loss,) = disclosure.last_losses
    assert (
        "local:rate" in loss.message and "denominator" in loss.message and "--declared-safe" in loss.message
    )
    internal = values.area_values(
        [find_area("224").id], [Indicator.objects.get(key="local:rate").id], public=False
    )
    assert internal["value"].to_list() == [0.2]


def test_no_public_exit_yields_the_3(west):
    """The issue's case: the 3 from no public exit: direct, via denominator, via another indicator,
    group minus members, total minus sex."""
    rows = []
    for c, d in CHILDREN.items():
        boys = IN_CARE[c] // 2
        for sex, n in (("total", IN_CARE[c]), ("male", boys), ("female", IN_CARE[c] - boys)):
            rows.append({"indicator": "local:in-care", "area_code": c, "sex": sex, "value": float(n)})
            rows.append(
                {"indicator": "local:in-care-share", "area_code": c, "sex": sex, "value": round(n / d * 100, 3),
                 "denominator": float(d)}
            )  # fmt: skip
    metas = [meta("local:in-care", unit="persons", aggregation="sum", scale=1.0), meta("local:in-care-share")]
    load(table(rows, metas), kind="table")
    areas = ["224", "444", "927", "group:west", "region:01", "country:FI"]
    for key in ("local:in-care", "local:in-care-share"):
        for sex_id in (1, 2, 3):
            ind = Indicator.objects.get(key=key)
            ids = {find_area(c).id: c for c in areas}
            frame = values.area_values(list(ids), [ind.id], public=True, breakdown_id=sex_id)
            shown = {
                ids[a]: (v, d) for a, v, d in frame.select("area_id", "value", "denominator").iter_rows()
            }
            assert shown["224"][0] is None, (key, sex_id)
            members = [shown[c][0] for c in ("444", "927")]
            assert shown["group:west"][0] is None or None in members, (key, sex_id)
    # the references are not hidden by disclosure control (the region and the country have no value
    # here only because 305 of their municipalities have no data)
    for key in ("local:in-care", "local:in-care-share"):
        ind = Indicator.objects.get(key=key)
        refs = [find_area(c).id for c in ("group:west", "region:01", "country:FI")]
        frame = values.area_values(refs, [ind.id], public=True)
        assert frame.height == 3 and not frame["hidden"].any()
