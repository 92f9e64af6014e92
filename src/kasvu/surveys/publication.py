"""From stored responses to published bank figures: estimate, disclosure control, load.

:func:`protected_estimates` is what ``kasvu survey estimate`` prints and
:func:`publish` what ``kasvu survey publish`` stores. Both use the same area
groups and the same suppression pattern, so an analyst sees exactly what will
be published.

Area groups come from the bank: every group, sub-region, county or region whose
municipalities (valid in the survey year) are all in the survey and at least two
of them, e.g. West Uusimaa and the Central Uusimaa wellbeing services county.
The total over the survey's municipalities is stored on a bank area with exactly
those members, created as a group named after the survey if none exists.

Published values (see ``docs/surveys.md``, "Publishing"):

* proportions × 100 (unit %), means as they are (unit from the codebook);
* ``sample_size`` = respondents who answered (n), ``ci_lower``/``ci_upper`` the interval;
* ``numerator``/``denominator`` empty: with weights the estimate is Σwy / Σw, which no
  pair of counts reproduces, and unweighted counts next to a weighted estimate would
  invite wrong recomputation (and, for proportions, reveal counts of small groups);
* suppressed cells: every number null and ``FLAG_SUPPRESSED_AT_SOURCE``;
* generated responses: ``FLAG_GENERATED`` on every value and the source marked generated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from kasvu.bank.areas import create_group
from kasvu.bank.loader import LoadSummary, load, observations_frame
from kasvu.bank.models import Area, AreaKind, Breakdown, Indicator, Membership, Source
from kasvu.importers.base import FLAG_GENERATED, FLAG_SUPPRESSED_AT_SOURCE, IndicatorMeta, ParsedBatch
from kasvu.surveys import microdata
from kasvu.surveys.codebook import Codebook
from kasvu.surveys.disclosure import blank_suppressed, protect_table
from kasvu.surveys.estimation import TOTAL
from kasvu.surveys.indicators import estimate_indicators
from kasvu.surveys.models import Survey

GROUP_KINDS = (AreaKind.GROUP, AreaKind.SUBREGION, AreaKind.COUNTY, AreaKind.REGION)
SURVEY_PERIOD = "survey_round"
#: Decimals stored: sums in a different order differ in the 15th digit, and an unchanged survey
#: must re-publish as unchanged.
DIGITS = 9


@dataclass(frozen=True)
class Estimates:
    """A survey's estimate table with its disclosure pattern, and the areas it was estimated for."""

    table: pl.DataFrame  # estimate_indicators columns + suppressed, suppression
    groups: dict[str, list[str]]  # bank area key ("group:west-uusimaa") -> municipality codes
    total_area: str  # bank area key of the total over the survey's municipalities
    generated: bool


def survey_municipalities(codebook: Codebook, frame: pl.DataFrame) -> list[str]:
    """The survey's municipalities: the codebook's ``areas``, else those with respondents."""
    if codebook.areas is not None:
        return sorted(codebook.areas)
    return sorted(frame["area"].unique().to_list())


def _memberships(year: int) -> dict[int, set[str]]:
    members: dict[int, set[str]] = {}
    links = Membership.objects.filter(member__kind=AreaKind.MUNICIPALITY).values_list(
        "group_id", "member__code", "valid_from", "valid_to", "member__valid_from", "member__valid_to"
    )
    for group_id, code, vf, vt, mvf, mvt in links:
        if all(
            ok
            for ok in (
                vf is None or vf <= year,
                vt is None or year <= vt,
                mvf is None or mvf <= year,
                mvt is None or year <= mvt,
            )
        ):
            members.setdefault(group_id, set()).add(code)
    return members


def bank_groups(municipalities: Sequence[str], year: int) -> dict[str, list[str]]:
    """Bank areas (groups, sub-regions, counties, regions) made up of at least two survey municipalities."""
    wanted = set(municipalities)
    members = _memberships(year)
    out: dict[str, list[str]] = {}
    for area in Area.objects.filter(id__in=list(members), kind__in=GROUP_KINDS).order_by("kind", "code"):
        codes = members[area.id]
        if len(codes) >= 2 and codes <= wanted and area.is_valid_in(year):
            out[area.key] = sorted(codes)
    return out


def total_area(survey: Survey, municipalities: Sequence[str], groups: dict[str, list[str]]) -> str:
    """Key of the bank area holding exactly the survey's municipalities; created as a group if none does."""
    for key, codes in groups.items():
        if set(codes) == set(municipalities):
            return key
    names = {
        "fi": f"Kyselyn alue: {survey.name('fi')} {survey.round}",
        "sv": f"Enkätens område: {survey.name('sv')} {survey.round}",
        "en": f"Survey area: {survey.name('en')} {survey.round}",
    }
    group = create_group(
        survey.source_key,
        names,
        [f"municipality:{c}" for c in municipalities],
        description=f"The municipalities of survey {survey.key}; its totals are published on this area.",
    )
    return group.key


def protected_estimates(survey: Survey, reader: Any, *, create_total_area: bool = True) -> Estimates:
    """Estimate every indicator of the survey by area × grade × sex, with the disclosure pattern."""
    responses = microdata.read(survey, reader)
    cb = responses.codebook
    municipalities = survey_municipalities(cb, responses.frame)
    groups = bank_groups(municipalities, cb.year)
    total = total_area(survey, municipalities, groups) if create_total_area else TOTAL
    estimate_groups = {k: v for k, v in groups.items() if k != total}
    # A fixed order makes the suppression pattern's tie-breaks, and so re-publishing, reproducible.
    table = estimate_indicators(responses, area_groups=estimate_groups).sort(
        "indicator", "area_kind", "area", "grade", "sex"
    )
    table = protect_table(table, estimate_groups, threshold=cb.suppression_threshold)
    return Estimates(table=table, groups=estimate_groups, total_area=total, generated=responses.generated)


def indicator_metas(survey: Survey, codebook: Codebook, reference_area: str = "") -> list[IndicatorMeta]:
    """The survey's indicators. ``reference_area`` (bank area key of the survey's total) is stored as the
    indicators' own reference population (``notes.reference_areas``): what their values are compared with
    by default (:mod:`kasvu.readmodel.references`)."""
    metas = []
    for ind in codebook.indicators:
        q = codebook.question(ind.question)
        proportion = ind.statistic == "proportion"
        yes = ", ".join(
            next((o.label.get("en") or o.label.get("fi", "") for o in q.options if o.code == c), str(c))
            for c in sorted(ind.yes_codes)
        )
        description = {
            lang: (
                f"{q.text.get(lang) or q.text['fi']} "
                + (
                    f"({'yes' if lang == 'en' else 'kyllä' if lang == 'fi' else 'ja'}: {yes})"
                    if proportion
                    else ""
                )
            ).strip()
            for lang in ("fi", "sv", "en")
        }
        metas.append(
            IndicatorMeta(
                key=f"{survey.source_key}:{ind.key}",
                source=survey.source_key,
                source_id=ind.key,
                title=dict(ind.title),
                description=description,
                unit="%" if proportion else ind.unit,
                decimals=1,
                direction=ind.direction,
                aggregation="none",  # estimated from respondents, never summed from members
                scale=100.0 if proportion else 1.0,
                rights=list(ind.rights),
                themes=["survey"],
                period_kind=SURVEY_PERIOD,
                licence="",
                attribution=f"{survey.name('en') or survey.name('fi')} {survey.round}"
                + (" (GENERATED demo data, not real)" if survey.generated else ""),
                notes={
                    "method": "Design-based estimate (weights, strata, clusters from the codebook); "
                    "95 % interval: logit (proportions) or normal (means). sample_size = respondents "
                    "who answered. Numerator and denominator are not given: a weighted estimate is "
                    "not a ratio of counts.",
                    "survey": survey.key,
                    **({"reference_areas": [reference_area]} if ":" in reference_area else {}),
                },
                suppression_threshold=codebook.suppression_threshold,
            )
        )
    return metas


def to_batch(survey: Survey, codebook: Codebook, estimates: Estimates) -> ParsedBatch:
    """The protected table as a batch for the bank loader (pure apart from reading the survey's fields)."""
    t = blank_suppressed(estimates.table)
    scale = {ind.key: (100.0 if ind.statistic == "proportion" else 1.0) for ind in codebook.indicators}
    area_code = (
        pl.when(pl.col("area_kind") == "total")
        .then(pl.lit(estimates.total_area))
        .when(pl.col("area_kind") == "group")
        .then(pl.col("area"))
        .otherwise(pl.lit("municipality:") + pl.col("area"))
    )
    breakdown = (
        pl.when(pl.col("grade") == TOTAL)
        .then(pl.col("sex"))
        .otherwise(pl.format("grade={};sex={}", pl.col("grade"), pl.col("sex")))
    )
    factor = pl.col("indicator").replace_strict(scale, return_dtype=pl.Float64)
    flags = pl.col("suppressed").cast(pl.Int32) * FLAG_SUPPRESSED_AT_SOURCE + (
        FLAG_GENERATED if estimates.generated else 0
    )
    obs = t.select(
        (pl.lit(f"{survey.source_key}:") + pl.col("indicator")).alias("indicator"),
        area_code.alias("area_code"),
        pl.lit(codebook.year, dtype=pl.Int32).alias("year"),
        pl.col("sex"),
        (pl.col("estimate") * factor).round(DIGITS).alias("value"),
        pl.lit(None, dtype=pl.Float64).alias("numerator"),
        pl.lit(None, dtype=pl.Float64).alias("denominator"),
        pl.col("n").alias("sample_size"),
        flags.cast(pl.Int32).alias("flags"),
        pl.int_range(1, t.height + 1, dtype=pl.Int64).alias("row"),
        breakdown.alias("breakdown"),
        (pl.col("lower") * factor).round(DIGITS).alias("ci_lower"),
        (pl.col("upper") * factor).round(DIGITS).alias("ci_upper"),
    )
    metas = indicator_metas(survey, codebook, estimates.total_area)
    stale = _stale(metas, obs, FLAG_SUPPRESSED_AT_SOURCE + (FLAG_GENERATED if estimates.generated else 0))
    return ParsedBatch(
        source_file=f"survey {survey.key}",
        indicators=metas,
        observations=pl.concat([obs, stale], how="vertical_relaxed") if stale.height else obs,
        area_scheme="code",
    )


def _stale(metas: list[IndicatorMeta], obs: pl.DataFrame, flags: int) -> pl.DataFrame:
    """Cells published before but not now (e.g. a group no longer in the survey): blanked and flagged.

    Left as they were, an old published cell could reveal one that is suppressed now.
    """
    ids = dict(Indicator.objects.filter(key__in=[m.key for m in metas]).values_list("id", "key"))
    existing = observations_frame(indicator_ids=list(ids)) if ids else pl.DataFrame()
    if existing.height == 0:
        return obs.clear()
    areas = {a.id: a.key for a in Area.objects.filter(id__in=existing["area_id"].unique().to_list())}
    breakdowns = dict(Breakdown.objects.values_list("id", "key"))
    sexes = dict(Breakdown.objects.values_list("key", "sex"))
    old = existing.select(
        pl.col("indicator_id").replace_strict(ids, return_dtype=pl.String).alias("indicator"),
        pl.col("area_id").replace_strict(areas, return_dtype=pl.String).alias("area_code"),
        pl.col("year").cast(pl.Int32),
        pl.col("breakdown_id").replace_strict(breakdowns, return_dtype=pl.String).alias("breakdown"),
    )
    gone = old.join(obs, on=["indicator", "area_code", "year", "breakdown"], how="anti")
    start = obs.height + 1
    return gone.select(
        "indicator",
        "area_code",
        "year",
        pl.col("breakdown").replace_strict(sexes, return_dtype=pl.String).alias("sex"),
        pl.lit(None, dtype=pl.Float64).alias("value"),
        pl.lit(None, dtype=pl.Float64).alias("numerator"),
        pl.lit(None, dtype=pl.Float64).alias("denominator"),
        pl.lit(None, dtype=pl.Int64).alias("sample_size"),
        pl.lit(flags, dtype=pl.Int32).alias("flags"),
        pl.int_range(start, start + gone.height, dtype=pl.Int64).alias("row"),
        "breakdown",
        pl.lit(None, dtype=pl.Float64).alias("ci_lower"),
        pl.lit(None, dtype=pl.Float64).alias("ci_upper"),
    )


def _source(survey: Survey) -> Source:
    fields = {
        "name_fi": f"{survey.name('fi')} {survey.round}",
        "name_sv": f"{survey.name('sv')} {survey.round}",
        "name_en": f"{survey.name('en')} {survey.round}",
        "attribution": f"{survey.name('en') or survey.name('fi')} {survey.round}",
        "is_generated": survey.generated,
    }
    source, _ = Source.objects.update_or_create(key=survey.source_key, defaults=fields)
    return source


def publish(survey: Survey, *, user: str = "", reader: Any = microdata.COMMAND_LINE) -> LoadSummary:
    """Estimate, protect and store the survey's figures in the bank (one transaction; idempotent)."""
    with transaction.atomic():
        estimates = protected_estimates(survey, reader)
        codebook = microdata.survey_codebook(survey)
        _source(survey)
        summary = load(to_batch(survey, codebook, estimates), kind="survey", user=user)
        table = estimates.table
        survey.published_at = timezone.now()
        survey.published_by = user
        survey.published_import = survey.current_import
        survey.publish_run_id = summary.run_id
        survey.published_cells = int((~table["suppressed"]).sum())
        survey.suppressed_cells = int(table["suppressed"].sum())
        survey.save()
    return summary
