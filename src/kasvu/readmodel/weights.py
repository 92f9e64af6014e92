"""The weight of an approximate group value: the population the indicator's rate is per.

A rate published without numerators ("care days per 1,000 aged 75+", "% of employed persons") can only be
carried to a group as a weighted mean of its members' rates, and the mean is right only when each member
weighs by the rate's own denominator. Weighting everything by the total population was off by up to 43 %
from THL's own sub-region values (issue 15). So each indicator may name its denominator population in its
metadata (``notes.weight``, e.g. ``employed``), and kasvu derives that population from what is stored:

* ``population``: the population (Sotkanet 127, else Statistics Finland M411);
* ``employed``: "Työlliset, % väestöstä" (Sotkanet 2328) × population / 100;
* ``labour_force``: employed / (1 − unemployment rate "Työttömät, % työvoimasta", Sotkanet 181 / 100);
* ``population_16_64``, ``population_65_74``: the age group's share of the population × population;
* an indicator key (``statfin:11re:0-17``): that indicator's values, e.g. an imported population-by-age
  table (the PX and JSON-stat importers take Statistics Finland's tables as they come).

The populations aged 0–17, 17–24 and 75+ are in no bundled source (the 2013 archive has the shares aged 16–64
and 65–74 and the dependency ratio, which do not separate them); an imported population-by-age table under
the keys of :data:`AGE_GROUP_KEYS` brings them.

Where the named population cannot be derived (no 75+ or 0–17 population is stored), the group value is
withheld with the reason :data:`R_NO_WEIGHT`, unless the analyst allows it for the indicator
(``notes.approximate_weight: allowed``): then it is weighted by the total population and marked
approximate, with :func:`describe` saying so. Indicators that name no weight are per resident and weigh
by the population.

Pure: frames in, frames out (the caller reads the observations).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

#: Why a weighted group value is withheld (English; the web translates it).
R_NO_WEIGHT = "no population of the age group is stored: the area's value cannot be computed"

POPULATION = "population"
POPULATION_KEYS = ("sotkanet:127", "statfin:M411")

Formula = Callable[[Mapping[str, pl.Expr]], pl.Expr]


@dataclass(frozen=True)
class Derivation:
    """A denominator population computed from stored indicators (``needs``, by key) per area and year."""

    needs: tuple[str, ...]
    formula: Formula
    text: str  # how it is computed, for readers ("Työlliset, % väestöstä × population")


def _share_of_population(share: str, pop: str) -> Derivation:
    def formula(c: Mapping[str, pl.Expr]) -> pl.Expr:
        return c[share] / 100.0 * c[pop]

    return Derivation((share, pop), formula, f"{share} % × {pop}")


def _column(key: str) -> Derivation:
    def formula(c: Mapping[str, pl.Expr]) -> pl.Expr:
        return c[key]

    return Derivation((key,), formula, key)


def _labour_force(pop: str) -> Derivation:
    """Employed / (1 − unemployed share of the labour force)."""

    def formula(c: Mapping[str, pl.Expr]) -> pl.Expr:
        return c["sotkanet:2328"] / 100.0 * c[pop] / (1.0 - c["sotkanet:181"] / 100.0)

    return Derivation(
        ("sotkanet:2328", "sotkanet:181", pop), formula, f"sotkanet:2328 % × {pop} / (1 − sotkanet:181 %)"
    )


def _derivations() -> dict[str, list[Derivation]]:
    return {
        POPULATION: [_column(k) for k in POPULATION_KEYS],
        "employed": [_share_of_population("sotkanet:2328", p) for p in POPULATION_KEYS],
        "labour_force": [_labour_force(p) for p in POPULATION_KEYS],
        "population_16_64": [_share_of_population("sotkanet:1280", p) for p in POPULATION_KEYS],
        "population_65_74": [_share_of_population("sotkanet:170", p) for p in POPULATION_KEYS],
        # No bundled source has these; an imported population-by-age table under these keys brings them
        # (Statistics Finland's 11re by one-year age, mapping mappings/statfin_11re_age_groups.yaml).
        **{name: [_column(key)] for name, key in AGE_GROUP_KEYS.items()},
    }


#: Keys of the imported population-by-age indicators that weigh rates per an age group (docs/statistics.md).
AGE_GROUP_KEYS = {
    "population_0_17": "statfin:11re:0-17",
    "population_17_24": "statfin:11re:17-24",
    "population_75_plus": "statfin:11re:75-",
}


#: Named denominator populations and the ways to derive each, in order of preference.
DERIVATIONS: dict[str, list[Derivation]] = _derivations()
#: Populations an indicator may name that kasvu knows but cannot derive from bundled data (withheld).
KNOWN = (
    "population_15_64", "population_18_64",
    "population_15_plus", "population_20_plus", "entitled_to_vote",
)  # fmt: skip


@dataclass(frozen=True)
class WeightChoice:
    """What weighs an indicator's group values: a derivation, or none (then ``approximate`` decides)."""

    name: str  # the population the indicator names ("employed"), or "population"
    derivation: Derivation | None
    approximate: bool  # weighted by the total population in place of ``name``

    def describe(self) -> str:
        """For exports and notes: "employed (sotkanet:2328 % × sotkanet:127)", "approximate: weighted by
        total population (the indicator is per population_75_plus)", or "withheld: …"."""
        if self.derivation is None:
            return f"withheld: {R_NO_WEIGHT} ({self.name})"
        if self.approximate:
            return f"approximate: weighted by total population (the indicator is per {self.name})"
        return f"{self.name} ({self.derivation.text})"


def choose(name: str, allow_approximate: bool, available: set[str]) -> WeightChoice:
    """The weight for an indicator naming ``name`` ("" = per resident), given the indicator keys that have
    stored values (``available``)."""
    wanted = name or POPULATION
    options = DERIVATIONS.get(wanted)
    if options is None and ":" in wanted:
        options = [_column(wanted)]
    for d in options or []:
        if set(d.needs) <= available:
            return WeightChoice(wanted, d, approximate=False)
    if allow_approximate:
        for d in DERIVATIONS[POPULATION]:
            if set(d.needs) <= available:
                return WeightChoice(wanted, d, approximate=True)
    return WeightChoice(wanted, None, approximate=False)


def weight_frame(choice: WeightChoice, observations: pl.DataFrame) -> pl.DataFrame | None:
    """(area_id, year, weight) from ``observations`` (area_id, year, key, value) by the choice's derivation."""
    d = choice.derivation
    if d is None:
        return None
    wide = observations.filter(pl.col("key").is_in(list(d.needs))).pivot(
        on="key", index=["area_id", "year"], values="value", aggregate_function="first"
    )
    if any(k not in wide.columns for k in d.needs):
        return None
    cols = {k: pl.col(k) for k in d.needs}
    return wide.select("area_id", "year", d.formula(cols).alias("weight")).filter(
        pl.col("weight").is_not_null()
    )
