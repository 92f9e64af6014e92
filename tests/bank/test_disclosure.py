"""One suppression pattern per indicator, over the whole table and the group values kasvu can compute."""

import numpy as np
import polars as pl
import pytest

from kasvu.bank import disclosure
from kasvu.bank.areas import create_group, find_area
from kasvu.bank.loader import load, observations_frame
from kasvu.bank.models import Area, Breakdown, GroupSuppression, Indicator, Observation
from kasvu.demo import generate
from kasvu.importers.base import IndicatorMeta, ParsedBatch
from kasvu.stats.suppression import additive_constraints, derivable_cells

pytestmark = pytest.mark.django_db


def batch(rows):
    frame = pl.DataFrame(
        [
            {
                "indicator": "local:placed",
                "area_code": c,
                "year": 2024,
                "sex": s,
                "value": n / d * 100,
                "numerator": float(n),
                "denominator": float(d),
                "sample_size": None,
                "flags": 0,
                "row": i + 2,
            }
            for i, (c, s, n, d) in enumerate(rows)
        ]
    )
    meta = IndicatorMeta(
        key="local:placed",
        source="local",
        source_id="placed",
        title={"fi": "Sijoitetut"},
        unit="%",
        scale=100,
        aggregation="ratio",
    )
    return ParsedBatch(source_file="t.csv", indicators=[meta], observations=frame, area_kind="municipality")


def group_sums(stored, memberships):
    """Every value kasvu could compute for a group from its members (independently of kasvu.bank.disclosure)."""
    years = stored.select("year").unique()
    links = memberships.join(years, how="cross").filter(
        (pl.col("valid_from").is_null() | (pl.col("valid_from") <= pl.col("year")))
        & (pl.col("valid_to").is_null() | (pl.col("year") <= pl.col("valid_to")))
    )
    cells = stored.select("area_id", "year", "sex", "numerator")
    out = cells.clear()
    level = cells
    for _ in range(4):  # nested groups: municipality < region < country
        sums = (
            links.join(level, left_on=["member_id", "year"], right_on=["area_id", "year"])
            .group_by(["group_id", "year", "sex"])
            .agg(pl.col("numerator").sum())
            .rename({"group_id": "area_id"})
            .select(cells.columns)
        )
        sums = sums.join(cells, on=["area_id", "year", "sex"], how="anti").join(
            out, on=["area_id", "year", "sex"], how="anti"
        )
        out = pl.concat([out, sums])
        level = pl.concat([cells, out])
    return out.with_columns(pl.lit(None, pl.Float64).alias("denominator"))


def audit(indicator):
    """No hidden cell is derivable from what is published, including computed group values."""
    bd = dict(Breakdown.objects.values_list("id", "key"))
    obs = observations_frame(indicator_ids=[indicator.id]).with_columns(
        pl.col("breakdown_id").replace_strict(bd, return_dtype=pl.String).alias("sex")
    )
    memberships = disclosure.memberships_frame()
    stored = obs.select("id", "area_id", "year", "sex", "numerator", "denominator", "suppressed")
    virtual = group_sums(stored, memberships)
    hidden_groups = {
        (g.area_id, g.year, bd[g.breakdown_id]) for g in GroupSuppression.objects.filter(indicator=indicator)
    }
    virtual = virtual.with_columns(
        pl.struct("area_id", "year", "sex")
        .map_elements(
            lambda r: 2 if (r["area_id"], r["year"], r["sex"]) in hidden_groups else 0, return_dtype=pl.Int16
        )
        .alias("suppressed"),
        pl.lit(None, pl.Int64).alias("id"),
    )
    cells = pl.concat([stored, virtual.select(stored.columns)]).with_columns(
        pl.lit(indicator.key).alias("indicator")
    )
    constraints = additive_constraints(cells, [memberships])
    hidden = (cells["suppressed"] > 0).to_numpy()
    derivable = derivable_cells(cells.height, constraints, hidden)
    # A computed sub-region value withheld because a member is hidden may equal a published sum (the
    # sub-region holds the same members as the region): withholding it was needless, not a leak.
    kinds = dict(Area.objects.values_list("id", "kind"))
    withheld = [
        kinds[a] == "subregion" and i is None for a, i in zip(cells["area_id"], cells["id"], strict=True)
    ]
    return hidden, derivable[~np.asarray(withheld, dtype=bool)[derivable]] if derivable.size else derivable


def test_small_number_is_hidden_and_cannot_be_recovered_by_subtraction():
    west = create_group("west", {"fi": "Länsi"}, ["444", "927", "257"])
    rows = []
    for code, boys, girls in (("444", 2, 6), ("927", 20, 20), ("257", 30, 25)):
        rows += [(code, "total", boys + girls, 1000), (code, "male", boys, 510), (code, "female", girls, 490)]
    load(batch(rows), kind="table")
    lohja = {o.breakdown.key: o.suppressed for o in Observation.objects.filter(area__code="444")}
    # 2 boys: primary; the girls would be total − boys: secondary; the total (8) stays published.
    assert lohja == {"male": disclosure.PRIMARY, "female": disclosure.SECONDARY, "total": 0}
    # West's computed value for boys would reveal Lohja's (West − Vihti − Kirkkonummi): the cheapest member
    # cell of the same sum is hidden instead, and every value of West and of the region stays published.
    assert not GroupSuppression.objects.filter(area=west).exists()
    assert not GroupSuppression.objects.filter(area__kind__in=["country", "region", "county"]).exists()
    hidden_boys = set(
        Observation.objects.filter(breakdown__key="male")
        .exclude(suppressed=0)
        .values_list("area__code", flat=True)
    )
    assert hidden_boys == {"444", "927"}  # Vihti's 20 boys cost less than Kirkkonummi's 30
    hidden, derivable = audit(Indicator.objects.get(key="local:placed"))
    assert hidden.sum() >= 3 and derivable.size == 0


def test_published_blanks_hidden_values_for_the_public_only():
    load(batch([("444", "total", 2, 100), ("927", "total", 50, 100)]), kind="table")
    frame = observations_frame()
    public = disclosure.published(frame, public=True)
    internal = disclosure.published(frame, public=False)
    hidden = public.filter(pl.col("suppressed") > 0)
    assert hidden.height >= 1 and hidden["numerator"].null_count() == hidden.height
    assert internal.filter(pl.col("suppressed") > 0)["numerator"].null_count() == 0
    assert set(hidden["suppression_reason"]) <= {"primary", "secondary"}


def test_generated_demo_indicator_is_protected():
    load(generate(), kind="demo")
    ind = Indicator.objects.get(key="demo:psychiatric-inpatient")
    small = Observation.objects.filter(indicator=ind, numerator__gte=1, numerator__lte=4)
    assert small.exists()
    assert not small.filter(suppressed=0).exists()
    hidden, derivable = audit(ind)
    assert derivable.size == 0, f"{derivable.size} hidden cells derivable"
    assert find_area("091")  # Helsinki is large: its values are published
    assert Observation.objects.filter(indicator=ind, area__code="091", suppressed=0).exists()


def test_reimport_keeps_the_pattern_and_zero_is_published():
    load(batch([("444", "total", 0, 100), ("927", "total", 50, 100)]), kind="table")
    assert not Observation.objects.exclude(suppressed=0).exists()
    np.testing.assert_equal(Observation.objects.count(), 2)
