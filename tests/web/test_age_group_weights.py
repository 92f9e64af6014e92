"""Rates per an age group (Sotkanet 4: per 1,000 aged 0–17) get region values only when the population of
that age group is stored (issue 15). No bundled source has it, so the values are withheld with the reason in
fi/sv/en; importing Statistics Finland's population by one-year age (table 11re) with the bundled mapping
mappings/statfin_11re_age_groups.yaml brings them back, weighted by it.

The 11re table here is SPEC-BUILT (JSON-stat 2 as PxWeb answers it, dimension labels of the real 11re:
Alue, Ikä, Sukupuoli, Vuosi, Tiedot; municipal codes KU…); its numbers are made up for the test, the rates
are THL's real 2010 values from the 2013 archive."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from kasvu.classification import data_path
from kasvu.readmodel import PeriodRange, ValueQuery, area_tree, clear_caches, indicator_ids, read_values
from kasvu.readmodel.groups import weight_descriptions

from .conftest import load_archive

pytestmark = pytest.mark.django_db

AGES = [str(a) for a in range(0, 100)] + ["100 -"]  # one-year ages, labelled as in 11re


def _children(code: str, age: int) -> float:
    return float(100 + (int(code) * 7 + age * 13) % 400)


def _table_11re(codes: list[str], year: int, path) -> None:
    dims = {
        "Alue": {"label": "Alue", "category": {"index": {f"KU{c}": i for i, c in enumerate(codes)},
                                                 "label": {f"KU{c}": c for c in codes}}},
        "Ikä": {"label": "Ikä", "category": {"index": {f"{i:03d}": i for i in range(len(AGES))},
                                             "label": {f"{i:03d}": a for i, a in enumerate(AGES)}}},
        "Sukupuoli": {"label": "Sukupuoli", "category": {"index": {"SSS": 0}, "label": {"SSS": "Yhteensä"}}},
        "Vuosi": {"label": "Vuosi", "category": {"index": {str(year): 0}, "label": {str(year): str(year)}}},
        "Tiedot": {"label": "Tiedot", "category": {"index": {"vaesto": 0}, "label": {"vaesto": "Väestö 31.12."}}},
    }  # fmt: skip
    values = [_children(c, i) for c in codes for i in range(len(AGES))]
    doc = {
        "version": "2.0", "class": "dataset", "label": "Väestö 31.12. muuttujina Alue, Ikä, Sukupuoli, Vuosi ja Tiedot",
        "source": "Tilastokeskus, väestörakenne", "id": list(dims), "size": [len(codes), len(AGES), 1, 1, 1],
        "role": {"geo": ["Alue"], "time": ["Vuosi"], "metric": ["Tiedot"]}, "dimension": dims, "value": values,
        "extension": {"px": {"tableid": "11re"}},
    }  # fmt: skip
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _complete_region(tree, rates: dict[tuple[int, int], float]) -> tuple[int, int]:
    """A region and year in which every member has a published rate (else no region value at all)."""
    for year in sorted({y for _, y in rates}, reverse=True):
        for region in sorted(tree.of_kind("region"), key=lambda r: tree.info(r).code):
            members = tree.members(region, year)
            if members and all((m, year) in rates for m in members):
                return region, year
    raise AssertionError("no region with every member's rate")


def test_region_values_per_0_17_come_back_weighted_by_an_imported_11re(client, tmp_path):
    load_archive(("sotkanet:127", "sotkanet:4"))
    clear_caches()
    tree = area_tree()
    ind = indicator_ids(["sotkanet:4"])["sotkanet:4"]
    municipal = read_values(ValueQuery([ind], tree.of_kind("municipality")))
    rates = {
        (r["area_id"], r["year"]): r["value"]
        for r in municipal.iter_rows(named=True)
        if r["value"] is not None
    }
    region, year = _complete_region(tree, rates)
    key = tree.info(region).key
    before = read_values(ValueQuery([ind], [region], PeriodRange.of_years(year, year)))
    assert before["value"][0] is None
    # The reason is on the indicator page, in each language.
    for prefix, words in (("", "ikäryhmän väestöä ei ole: alueen arvoa ei voi laskea"),
                          ("/sv", "åldersgruppens befolkning finns inte: områdets värde kan inte beräknas"),
                          ("/en", "no population of the age group is stored: the area's value cannot be computed")):  # fmt: skip
        html = client.get(f"{prefix}/indicators/sotkanet:4/?area={key}&year={year}").content.decode()
        assert words in html.replace("&#x27;", "'"), prefix

    members = tree.members(region, year)
    codes = sorted(tree.info(m).code for m in members)
    table = tmp_path / "11re.json"
    _table_11re(codes, year, table)
    call_command(
        "import_",
        "jsonstat",
        str(table),
        "--mapping",
        str(data_path("mappings", "statfin_11re_age_groups.yaml")),
    )
    clear_caches()
    weights = {m: sum(_children(tree.info(m).code, a) for a in range(0, 18)) for m in members}
    expected = sum(weights[m] * rates[(m, year)] for m in members) / sum(weights.values())
    after = read_values(ValueQuery([ind], [region], PeriodRange.of_years(year, year)))
    assert after["computed"][0] and not after["approximate"][0]
    assert after["value"][0] == pytest.approx(expected, rel=1e-9)
    assert weight_descriptions([ind])[ind] == "population_0_17 (statfin:11re:0-17)"
    # The stored 0–17 population is the sum of the ages 0 to 17, no more.
    stored = read_values(
        ValueQuery(
            list(indicator_ids(["statfin:11re:0-17"]).values()), members[:1], PeriodRange.of_years(year, year)
        )
    )
    assert stored["value"][0] == weights[members[0]]
    html = client.get(f"/indicators/sotkanet:4/?area={key}&year={year}").content.decode()
    assert "ikäryhmän väestöä ei ole" not in html
