"""Generated demo values for indicators that have no real data bundled.

The real files in ``kasvu/data`` have no child-protection or school-survey
values by municipality. So that profiles, plans and reports have something
to show, this module generates them — seeded, reproducible, and always
flagged: their source is "Generated demo data" (``is_generated``) and every
value carries ``FLAG_GENERATED``. Nothing generated is ever presented as real.

Values come from numerators and denominators: a child population per
municipality (about 19 % of its real 2025 population) and binomial counts
around a municipality-specific rate with a gentle trend, so that group
values, intervals and significance behave as they would on real data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import polars as pl

from kasvu.classification import data_path
from kasvu.importers.base import FLAG_GENERATED, IndicatorMeta, ParsedBatch

SEED = 20261123
YEARS = range(2015, 2025)


@dataclass(frozen=True)
class DemoIndicator:
    key: str
    title: dict[str, str]
    rate: float  # national level, proportion
    spread: float  # between-municipality spread (log-odds sd)
    trend: float  # change in log-odds per year
    direction: str
    rights: tuple[str, ...]
    population_share: float = 1.0  # share of the child population in the denominator
    unit: str = "%"
    scale: float = 100.0


DEMO_INDICATORS = (
    DemoIndicator(
        "demo:placed-outside-home",
        {
            "fi": "Kodin ulkopuolelle sijoitetut 0–17-vuotiaat, % vastaavanikäisestä väestöstä",
            "sv": "0–17-åringar placerade utom hemmet, % av befolkningen i samma ålder",
            "en": "Children aged 0–17 placed outside the home, % of the population of the same age",
        },
        0.012,
        0.35,
        0.01,
        "lower_better",
        ("care", "safety"),
    ),
    DemoIndicator(
        "demo:child-welfare-notifications",
        {
            "fi": "Lastensuojeluilmoitukset 0–17-vuotiaista, ‰ vastaavanikäisestä väestöstä",
            "sv": "Barnskyddsanmälningar om 0–17-åringar, ‰ av befolkningen i samma ålder",
            "en": "Child welfare notifications, per 1,000 aged 0–17",
        },
        0.075,
        0.25,
        0.03,
        "neutral",
        ("care", "safety"),
        unit="per 1,000",
        scale=1000.0,
    ),
    DemoIndicator(
        "demo:child-poverty",
        {
            "fi": "Pienituloisiin kotitalouksiin kuuluvat alaikäiset, %",
            "sv": "Minderåriga i låginkomsthushåll, %",
            "en": "Children in low-income households, %",
        },
        0.11,
        0.3,
        -0.01,
        "lower_better",
        ("equality",),
    ),
    DemoIndicator(
        "demo:bullied-weekly",
        {
            "fi": "Koulukiusattuna vähintään kerran viikossa olleet 4.–5. luokan oppilaat, %",
            "sv": "Elever i årskurs 4–5 som mobbats minst en gång i veckan, %",
            "en": "Pupils in grades 4–5 bullied at least once a week, %",
        },
        0.07,
        0.25,
        -0.02,
        "lower_better",
        ("safety", "equality"),
        population_share=0.2,
    ),
    DemoIndicator(
        "demo:can-influence-school",
        {
            "fi": "Oppilaat, jotka kokevat voivansa vaikuttaa koulun asioihin, 4.–5. luokka, %",
            "sv": "Elever som upplever att de kan påverka skolans ärenden, årskurs 4–5, %",
            "en": "Pupils who feel they can influence matters at school, grades 4–5, %",
        },
        0.55,
        0.2,
        0.02,
        "higher_better",
        ("participation",),
        population_share=0.2,
    ),
    DemoIndicator(
        "demo:weekly-hobby",
        {
            "fi": "Oppilaat, joilla on jokin harrastus vähintään kerran viikossa, 4.–5. luokka, %",
            "sv": "Elever med någon hobby minst en gång i veckan, årskurs 4–5, %",
            "en": "Pupils with a hobby at least once a week, grades 4–5, %",
        },
        0.88,
        0.25,
        0.0,
        "higher_better",
        ("leisure",),
        population_share=0.2,
    ),
    DemoIndicator(
        "demo:psychiatric-inpatient",
        {
            "fi": "Psykiatrian laitoshoidon potilaat 0–17-vuotiaat, ‰ vastaavanikäisestä väestöstä",
            "sv": "Patienter inom psykiatrisk anstaltsvård 0–17 år, ‰ av befolkningen i samma ålder",
            "en": "Psychiatric inpatients aged 0–17, per 1,000 of the same age",
        },
        0.004,
        0.4,
        0.03,
        "lower_better",
        ("health",),
        unit="per 1,000",
        scale=1000.0,
    ),
    DemoIndicator(
        "demo:neet-17-24",
        {
            "fi": "Koulutuksen ulkopuolelle jääneet 17–24-vuotiaat, % vastaavanikäisestä väestöstä",
            "sv": "17–24-åringar utanför utbildning, % av befolkningen i samma ålder",
            "en": "Young people aged 17–24 outside education, % of the same age",
        },
        0.08,
        0.3,
        -0.01,
        "lower_better",
        ("learning", "equality"),
        population_share=0.45,
    ),
)


#: What the demo indicators measure, in the words a reader searches with ("lapsiköyhyys", "barnfattigdom",
#: "child poverty"): the site search finds an indicator by its description too.
ABOUT: dict[str, dict[str, str]] = {
    "demo:placed-outside-home": {
        "fi": "Lastensuojelun sijoitukset: kodin ulkopuolelle sijoitetut lapset ja nuoret.",
        "sv": "Barnskyddets placeringar: barn och unga placerade utom hemmet.",
        "en": "Child welfare placements: children and young people placed outside the home.",
    },
    "demo:child-welfare-notifications": {
        "fi": "Lastensuojeluun tehdyt ilmoitukset lapsista.",
        "sv": "Anmälningar till barnskyddet om barn.",
        "en": "Notifications to child welfare about children.",
    },
    "demo:child-poverty": {
        "fi": "Lapsiköyhyyden mittari: lapset, joiden kotitalouden tulot jäävät alle köyhyysrajan.",
        "sv": "Mått på barnfattigdom: barn i hushåll med inkomster under fattigdomsgränsen.",
        "en": "A measure of child poverty: children in households with incomes below the poverty line.",
    },
}


def municipal_population_2025() -> dict[str, int]:
    """Real population 31.12.2025 by municipality code (Statistics Finland, CC BY 4.0)."""
    data = json.loads(data_path("population", "municipality-population-context.json").read_text("utf-8"))
    return {m["code"]: int(m["population"]) for m in data["municipalities"]}


def generate(seed: int = SEED) -> ParsedBatch:
    """All demo indicators for all current municipalities, 2015–2024, by sex."""
    rng = np.random.default_rng(seed)
    pop = municipal_population_2025()
    codes = sorted(pop)
    children = np.array([max(50, round(pop[c] * 0.19)) for c in codes])
    rows: list[pl.DataFrame] = []
    metas: list[IndicatorMeta] = []
    for ind in DEMO_INDICATORS:
        metas.append(
            IndicatorMeta(
                key=ind.key,
                source="demo",
                source_id=ind.key.split(":", 1)[1],
                title=ind.title,
                description={
                    lang: f"{ABOUT.get(ind.key, {}).get(lang, '')} {generated}".strip()
                    for lang, generated in (
                        ("fi", "Generoitu demoaineisto, ei todellisia arvoja."),
                        ("sv", "Genererade demodata, inte verkliga värden."),
                        ("en", "Generated demo data, not real values."),
                    )
                },
                unit=ind.unit,
                decimals=1,
                direction=ind.direction,
                aggregation="ratio",
                scale=ind.scale,
                rights=list(ind.rights),
                themes=["demo"],
                licence="CC0 1.0",
                attribution="Generated demo data (kasvu), not real",
                numerator_meaning={
                    "fi": "henkilöä (generoitu)",
                    "sv": "personer (genererade)",
                    "en": "persons (generated)",
                },
                denominator_meaning={
                    "fi": "väestö (generoitu)",
                    "sv": "befolkning (genererad)",
                    "en": "population (generated)",
                },
            )
        )
        base = np.log(ind.rate / (1 - ind.rate)) + rng.normal(0, ind.spread, len(codes))
        for year in YEARS:
            logit = base + ind.trend * (year - YEARS.start) + rng.normal(0, 0.05, len(codes))
            for sex, share, shift in (("male", 0.51, 0.08), ("female", 0.49, -0.08)):
                den = np.maximum(1, np.round(children * ind.population_share * share)).astype(np.int64)
                ps = 1 / (1 + np.exp(-(logit + shift)))
                num = rng.binomial(den, ps)
                rows.append(
                    pl.DataFrame(
                        {
                            "indicator": ind.key,
                            "area_code": codes,
                            "year": year,
                            "sex": sex,
                            "numerator": num.astype(float),
                            "denominator": den.astype(float),
                        }
                    )
                )
    frame = pl.concat(rows)
    total = (
        frame.group_by(["indicator", "area_code", "year"])
        .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        .with_columns(sex=pl.lit("total"))
    )
    frame = pl.concat([frame, total.select(frame.columns)])
    scale = pl.DataFrame(
        {"indicator": [i.key for i in DEMO_INDICATORS], "scale": [i.scale for i in DEMO_INDICATORS]}
    )
    frame = (
        frame.join(scale, on="indicator")
        .with_columns((pl.col("numerator") / pl.col("denominator") * pl.col("scale")).round(1).alias("value"))
        .sort(["indicator", "area_code", "year", "sex"])
        .with_columns(
            sample_size=pl.lit(None, pl.Int64),
            flags=pl.lit(FLAG_GENERATED),
            row=pl.int_range(1, pl.len() + 1),
        )
        .drop("scale")
    )
    return ParsedBatch(
        source_file=f"generated: kasvu.demo.generate(seed={seed})",
        indicators=metas,
        observations=frame,
        area_scheme="code",
        area_kind="municipality",
        notes=["generated demo data, flagged 'generated'"],
    )


def population_2025() -> ParsedBatch:
    """Real population 31.12.2025 of the 308 municipalities (Statistics Finland, CC BY 4.0)."""
    data = json.loads(data_path("population", "municipality-population-context.json").read_text("utf-8"))
    pop = municipal_population_2025()
    frame = pl.DataFrame(
        {
            "indicator": "statfin:M411",
            "area_code": sorted(pop),
            "year": int(data["populationYear"]),
            "sex": "total",
            "value": [float(pop[c]) for c in sorted(pop)],
        }
    ).with_columns(
        numerator=pl.col("value"),
        denominator=pl.lit(None, pl.Float64),
        sample_size=pl.lit(None, pl.Int64),
        flags=pl.lit(0),
        row=pl.int_range(1, pl.len() + 1),
    )
    meta = IndicatorMeta(
        key="statfin:M411",
        source="statfin",
        source_id="M411",
        title={"fi": "Väkiluku", "sv": "Folkmängd", "en": "Population"},
        description={"fi": data["source"]["note"]},
        unit="persons",
        decimals=0,
        direction="neutral",
        aggregation="sum",
        themes=["population"],
        licence="CC BY 4.0",
        attribution="Source: Statistics Finland",
        source_url=data["source"]["pxwebUrl"],
        notes={"fi": f"Taulukko päivitetty {data['source']['updated']}"},
    )
    return ParsedBatch(
        source_file=str(data_path("population", "municipality-population-context.json")),
        indicators=[meta],
        observations=frame,
        area_scheme="code",
        area_kind="municipality",
        source_url=data["source"]["apiUrl"],
    )
