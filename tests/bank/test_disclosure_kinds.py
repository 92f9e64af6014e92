"""Stored values for every kind of area in one year: the country adds up once per kind of member.

Finland's country lists its municipalities, regions, wellbeing services counties and sub-regions as
members; the sub-regions leave out the municipalities that moved region. The audit must know country =
Σ municipalities = Σ regions = Σ counties (the sum over all members, as before, is false), and this test
checks the stored pattern against those true relations, worked out here from the classification itself.
"""

from collections import defaultdict

import numpy as np
import polars as pl
import pytest
from scipy.linalg import null_space

from kasvu.bank import disclosure
from kasvu.bank.loader import load
from kasvu.bank.models import Observation
from kasvu.classification import load_finland
from kasvu.importers.base import IndicatorMeta, ParsedBatch

pytestmark = pytest.mark.django_db
YEAR = 2024


def municipalities_of_every_area(year: int) -> dict[tuple[str, str], set[str]]:
    """(kind, code) → its municipality codes in ``year``, nested, from the bundled classification."""
    members = defaultdict(list)
    for m in load_finland().memberships:
        if (m.valid_from is None or m.valid_from <= year) and (m.valid_to is None or year <= m.valid_to):
            members[m.group].append(m.member)

    def below(area: tuple[str, str]) -> set[str]:
        if area[0] == "municipality":
            return {area[1]}
        return set().union(*(below(m) for m in members[area])) if members[area] else set()

    return {g: below(g) for g in members if g[0] in ("country", "region", "county", "subregion")}


def test_no_hidden_cell_follows_from_the_true_sums_of_every_kind():
    areas = municipalities_of_every_area(YEAR)
    munis = sorted(areas[("country", "FI")])
    rng = np.random.default_rng(0)
    count = dict(zip(munis, rng.poisson(np.exp(rng.uniform(1.5, 7, len(munis)))).tolist(), strict=True))
    values = {("municipality", m): n for m, n in count.items()}
    values |= {g: sum(count[m] for m in ms) for g, ms in areas.items()}
    frame = pl.DataFrame(
        [
            {
                "indicator": "local:kinds",
                "area_code": f"{kind}:{code}",
                "year": YEAR,
                "sex": "total",
                "value": n / 10,
                "numerator": float(n),
                "denominator": 1000.0,
                "sample_size": None,
                "flags": 0,
                "row": i + 2,
            }
            for i, ((kind, code), n) in enumerate(sorted(values.items()))
        ]
    )
    meta = IndicatorMeta(
        key="local:kinds", source="local", source_id="kinds", title={"fi": "Lajit"}, unit="‰", scale=1000
    )
    load(ParsedBatch("t.csv", [meta], frame, area_scheme="code"), kind="table")
    stored = {
        (o.area.kind, o.area.code): o.suppressed
        for o in Observation.objects.filter(indicator__key="local:kinds").select_related("area")
    }
    assert len(stored) == len(values)
    cells = sorted(stored)
    index = {c: i for i, c in enumerate(cells)}
    rows = []
    for group, ms in areas.items():  # group = Σ its municipalities; all other true sums follow from these
        row = np.zeros(len(cells))
        row[index[group]] = 1
        for m in ms:
            row[index[("municipality", m)]] -= 1
        rows.append(row)
    hidden = np.array([stored[c] > 0 for c in cells])
    assert all(stored[("municipality", m)] for m, n in count.items() if 0 < n < 5)
    basis = null_space(np.array(rows)[:, hidden])
    fixed = [cells[c] for c, r in zip(np.flatnonzero(hidden), basis, strict=True) if np.linalg.norm(r) < 1e-9]
    assert fixed == []
    assert disclosure.PRIMARY in stored.values()
    # 22 of 422 cells hidden, the country published; with the sum over all its members (the false
    # equation) the same numbers hid 383, every municipality among them.
    assert 0 < hidden.sum() < len(cells) // 10
    assert stored[("country", "FI")] == 0
