"""Values of groups, regions, counties and the country computed from their municipalities.

Used wherever such an area has no stored value of an indicator (THL publishes regions' values itself;
user groups such as West Uusimaa never have any). :func:`kasvu.stats.aggregate_groups` does the arithmetic
(numerators and denominators summed over the members valid each year; merged municipalities counted
through their successors); this module chooses its inputs, once for every exit:

* members: :meth:`AreaTree.member_links` (the municipalities, memberships by year);
* weights of weighted means: the population, THL's (Sotkanet 127) where it exists, else Statistics
  Finland's (M411): :data:`POPULATION_KEYS`, in that order;
* mergers: the successions of :meth:`AreaTree.successions`.

Results are cached per (area, breakdown, indicator) and data version.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from kasvu.readmodel import store
from kasvu.readmodel.areas import area_tree
from kasvu.readmodel.cache import backend, cached
from kasvu.readmodel.indicators import indicator_frame
from kasvu.readmodel.schema import OBS_SCHEMA, TOTAL
from kasvu.readmodel.weights import DERIVATIONS, R_NO_WEIGHT, WeightChoice, choose, weight_frame
from kasvu.stats import aggregate_groups

#: Population indicators used as weights, in order of preference (the one choice of weights).
POPULATION_KEYS = ("sotkanet:127", "statfin:M411")

COMPUTED_SCHEMA = {
    **OBS_SCHEMA,
    "import_run_id": pl.Int64,
    "computed": pl.Boolean,
    "approximate": pl.Boolean,
    "missing_reason": pl.String,
}


def empty_computed() -> pl.DataFrame:
    return pl.DataFrame(schema=COMPUTED_SCHEMA)


def population_indicator() -> int | None:
    """The indicator whose values weigh weighted means (see :data:`POPULATION_KEYS`)."""
    meta = indicator_frame()
    for key in POPULATION_KEYS:
        ids = meta.filter(pl.col("key") == key)["indicator_id"].to_list()
        if ids:
            return int(ids[0])
    return None


def weights(member_ids: Sequence[int], breakdown_id: int = TOTAL) -> pl.DataFrame | None:
    """Population by member and year: the first of :data:`POPULATION_KEYS` that has values for them."""
    meta = indicator_frame()
    for key in POPULATION_KEYS:
        ids = meta.filter(pl.col("key") == key)["indicator_id"].to_list()
        if ids:
            pop = store.observations(member_ids, ids, breakdown_id)
            if pop.height:
                return pop.filter(pl.col("sub") == 0).select(
                    "area_id", "year", pl.col("value").alias("weight")
                )
    return None


def _rules(meta: pl.DataFrame) -> pl.DataFrame:
    agg = pl.col("aggregation")
    return meta.select(
        pl.col("indicator_id").cast(pl.String).alias("indicator"),
        pl.when(agg.is_in(["ratio", "sum", "weighted_mean"])).then(agg).alias("rule"),
        pl.col("scale"),
    ).filter(pl.col("rule").is_not_null())


def weight_choices(indicator_ids: Sequence[int] | None = None) -> dict[int, WeightChoice]:
    """Per weighted-mean indicator, the weight its group values use (:mod:`kasvu.readmodel.weights`)."""
    meta = indicator_frame().filter(pl.col("aggregation") == "weighted_mean")
    if indicator_ids is not None:
        meta = meta.filter(pl.col("indicator_id").is_in(list(indicator_ids)))
    available = _keys_with_data()
    return {
        int(r["indicator_id"]): choose(r["weight_name"] or "", bool(r["approximate_weight"]), available)
        for r in meta.iter_rows(named=True)
    }


def weight_descriptions(indicator_ids: Sequence[int] | None = None) -> dict[int, str]:
    """Per weighted-mean indicator, in words, what weighs its group values: "employed (sotkanet:2328 % ×
    sotkanet:127)", "approximate: weighted by total population (…)" or "withheld: …" (exports, the API)."""
    return {i: c.describe() for i, c in weight_choices(indicator_ids).items()}


def _keys_with_data() -> set[str]:
    """Keys of the indicators weights may be derived from that have stored values (cached per version)."""

    def read() -> set[str]:
        keys = {k for ds in DERIVATIONS.values() for d in ds for k in d.needs}
        keys |= {str(k) for k in indicator_frame()["weight_name"].to_list() if k and ":" in str(k)}
        meta = indicator_frame().filter(pl.col("key").is_in(sorted(keys)))
        ids = [i for i in meta["indicator_id"].to_list() if store.has_values(int(i))]
        return set(meta.filter(pl.col("indicator_id").is_in(ids))["key"].to_list())

    found: set[str] = cached("weights:keys_with_data", read)
    return found


def _aggregate(
    obs_in: pl.DataFrame, members: pl.DataFrame, rules: pl.DataFrame, meta: pl.DataFrame,
    member_ids: list[int], breakdown_id: int, successions: pl.DataFrame,
) -> pl.DataFrame:  # fmt: skip
    """aggregate_groups per weight: ratios and sums at once, each weighted mean with its own population;
    a weighted mean without a derivable population is withheld with :data:`R_NO_WEIGHT`."""
    weighted = rules.filter(pl.col("rule") == "weighted_mean")
    parts = []
    plain = rules.filter(pl.col("rule") != "weighted_mean")
    if plain.height:
        obs_plain = obs_in.filter(pl.col("indicator").is_in(plain["indicator"].to_list()))
        parts.append(aggregate_groups(obs_plain, members, plain, successions=successions))
    if weighted.height:
        choices = weight_choices(weighted["indicator"].cast(pl.Int64).to_list())
        by_choice: dict[tuple[str, str, bool], list[str]] = {}
        for ind, c in choices.items():
            sig = (c.name, c.derivation.text if c.derivation else "", c.approximate)
            by_choice.setdefault(sig, []).append(str(ind))
        needed = sorted({k for c in choices.values() if c.derivation for k in c.derivation.needs})
        keyed = _weight_inputs(member_ids, needed, breakdown_id)
        for (_name, _text, approximate), inds in by_choice.items():
            choice = choices[int(inds[0])]
            w = weight_frame(choice, keyed)
            sub = weighted.filter(pl.col("indicator").is_in(inds))
            obs_sub = obs_in.filter(pl.col("indicator").is_in(inds))
            agg = aggregate_groups(obs_sub, members, sub, weights=w, successions=successions)
            if w is None:
                agg = agg.with_columns(
                    pl.lit(None, pl.Float64).alias("value"), pl.lit(False).alias("approximate"),
                    pl.when(pl.col("reason").is_null() | (pl.col("reason") == "weighted mean needs population weights"))
                    .then(pl.lit(R_NO_WEIGHT)).otherwise(pl.col("reason")).alias("reason"),
                )  # fmt: skip
            else:
                agg = agg.with_columns((pl.col("approximate") & pl.lit(approximate)).alias("approximate"))
            parts.append(agg)
    return pl.concat(parts, how="diagonal_relaxed") if parts else aggregate_groups(obs_in, members, rules)


def _weight_inputs(member_ids: list[int], keys: list[str], breakdown_id: int) -> pl.DataFrame:
    """(area_id, year, key, value) of the indicators weights are derived from."""
    meta = indicator_frame().filter(pl.col("key").is_in(keys)).select("indicator_id", "key")
    if not meta.height:
        return pl.DataFrame(
            schema={"area_id": pl.Int64, "year": pl.Int64, "key": pl.String, "value": pl.Float64}
        )
    obs = store.observations(member_ids, meta["indicator_id"].to_list(), breakdown_id)
    obs = obs.filter(pl.col("sub") == 0)  # weights are yearly populations
    return obs.join(meta, on="indicator_id").select("area_id", "year", "key", "value")


def group_values(area_id: int, indicator_ids: Sequence[int], breakdown_id: int = TOTAL) -> pl.DataFrame:
    """Values of a group/region/county/country computed from its municipalities, all years (cached)."""
    out: list[pl.DataFrame] = []
    missing: list[int] = []
    cache = backend()
    for ind in indicator_ids:
        hit = cache.get(("group", area_id, breakdown_id, ind))
        if hit is None:
            missing.append(ind)
        else:
            out.append(hit)
    if missing:
        out.extend(_compute(area_id, missing, breakdown_id))
    frames = [f for f in out if f.height]
    return pl.concat(frames) if frames else empty_computed()


def _compute(area_id: int, indicator_ids: list[int], breakdown_id: int) -> list[pl.DataFrame]:
    tree = area_tree()
    members = tree.member_links(area_id)
    meta = indicator_frame().filter(pl.col("indicator_id").is_in(indicator_ids))
    rules = _rules(meta)
    member_ids = members["member_id"].unique().to_list()
    computed = empty_computed()
    if member_ids and rules.height:
        obs = store.observations(member_ids, rules["indicator"].cast(pl.Int64).to_list(), breakdown_id)
        if obs.height:
            # The period within the year rides in the "sex" key, so each period sums its own members.
            obs_in = obs.select(
                pl.col("indicator_id").cast(pl.String).alias("indicator"), "area_id", "year",
                pl.format("s{}", pl.col("sub")).alias("sex"), "value", "numerator", "denominator",
            )  # fmt: skip
            agg = _aggregate(obs_in, members, rules, meta, member_ids, breakdown_id, tree.successions)
            computed = agg.select(
                pl.col("indicator").cast(pl.Int64).alias("indicator_id"),
                pl.col("group_id").alias("area_id"),
                pl.col("year").cast(pl.Int64),
                pl.col("sex").str.slice(1).cast(pl.Int64).alias("sub"),
                "value", "numerator", "denominator",
                pl.lit(None, pl.Int64).alias("sample_size"),
                pl.lit(None, pl.Float64).alias("ci_lower"), pl.lit(None, pl.Float64).alias("ci_upper"),
                pl.lit(0, pl.Int64).alias("flags"), pl.lit(0, pl.Int64).alias("suppressed"),
                pl.lit(None, pl.Int64).alias("import_run_id"),
                pl.lit(True).alias("computed"), "approximate", pl.col("reason").alias("missing_reason"),
            )  # fmt: skip
            flags = obs.group_by("indicator_id", "year", "sub").agg(pl.col("flags").max().alias("_f"))
            computed = (
                computed.join(flags, on=["indicator_id", "year", "sub"], how="left")
                .with_columns(pl.col("_f").fill_null(0).alias("flags"))
                .drop("_f")
            )
    parts = computed.partition_by("indicator_id", as_dict=True) if computed.height else {}
    results = []
    cache = backend()
    for ind in indicator_ids:
        frame = parts.get((ind,), computed.clear())
        cache.put(("group", area_id, breakdown_id, ind), frame)
        results.append(frame)
    return results
