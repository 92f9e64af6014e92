"""Approved answers into the rest of kasvu.

- Figures (number fields with an indicator) become observations through the bank's normal loader, so
  that validation, revisions and disclosure control apply as to any import. The import run names the
  round and the municipality and is linked from the response, which holds who submitted and who
  approved: that is the provenance shown in the municipality's profile.
- Levels 1–4 go to the self-assessment of the municipality's welfare plan (kasvu.plans).
- Themes of a development-needs questionnaire become the mentions of a needs analysis
  (kasvu.knowledge, seed 004's "N of M municipalities" tables), rebuilt from all approved responses.
"""

from __future__ import annotations

import polars as pl
from django.db import transaction
from django.utils import timezone

from kasvu.bank.loader import load
from kasvu.bank.models import Source
from kasvu.collection import spec
from kasvu.collection.models import Event, Response, ResponseStatus, Round
from kasvu.importers.base import FLAG_GENERATED, IndicatorMeta, ParsedBatch

SOURCE = {
    "key": "collection",
    "name_fi": "Kuntien ilmoittamat tiedot (kasvu-tiedonkeruu)",
    "name_sv": "Kommunernas egna uppgifter (kasvu-datainsamling)",
    "name_en": "Figures reported by the municipalities (kasvu data collection)",
    "licence": "CC BY 4.0",
    "attribution": "Source: the municipalities' own figures, collected by the regional unit",
}
DEMO_SOURCE = {
    "key": "collection-demo",
    "name_fi": "Generoitu demoaineisto (tiedonkeruu)",
    "name_sv": "Genererade demodata (datainsamling)",
    "name_en": "Generated demo data (data collection)",
    "licence": "CC0 1.0",
    "attribution": "Generated demo data, not real",
    "is_generated": True,
}


def _source(round_: Round) -> str:
    data = dict(DEMO_SOURCE if round_.is_generated else SOURCE)
    key = data.pop("key")
    Source.objects.get_or_create(key=key, defaults=data)
    return str(key)


def indicator_title(label: str) -> str:
    """A question as an indicator's title: "– joista pätevien hoitamia" reads as a sub-item in the form,
    but the profile lists it alone, so the leading dash goes."""
    return label.lstrip("–-— ").strip()


def figures_batch(response: Response) -> ParsedBatch | None:
    """The response's approved figures as a batch for :func:`kasvu.bank.loader.load`; None if it has none."""
    round_ = response.round
    source = _source(round_)
    answers = {a.field_id: a for a in response.answers.all()}
    metas, rows = [], []
    for f in round_.fields.filter(kind="number").exclude(indicator=""):
        metas.append(
            IndicatorMeta(
                key=f.indicator,
                source=source,
                source_id=f.indicator.split(":", 1)[1],
                title={
                    k: indicator_title(getattr(f, f"label_{k}"))
                    for k in spec.LANGS
                    if getattr(f, f"label_{k}")
                },
                description={k: getattr(f, f"help_{k}") for k in ("fi", "sv") if getattr(f, f"help_{k}")},
                unit=f.unit,
                decimals=f.decimals,
                aggregation="sum" if f.count else "none",
                rights=list(f.rights),
                licence=SOURCE["licence"] if not round_.is_generated else "CC0 1.0",
                attribution=str((DEMO_SOURCE if round_.is_generated else SOURCE)["attribution"]),
            )
        )
        a = answers.get(f.id)
        if a is None or a.number is None:
            continue
        rows.append(
            {
                "indicator": f.indicator,
                "area_code": response.municipality.code,
                "year": round_.year,
                "sex": "total",
                "value": a.number,
                "numerator": a.number if f.count else None,
                "denominator": None,
                "sample_size": None,
                "flags": FLAG_GENERATED if round_.is_generated else 0,
                "row": f.order + 1,
            }
        )
    if not metas:
        return None
    frame = pl.DataFrame(
        rows,
        schema={
            "indicator": pl.String, "area_code": pl.String, "year": pl.Int32, "sex": pl.String,
            "value": pl.Float64, "numerator": pl.Float64, "denominator": pl.Float64,
            "sample_size": pl.Int64, "flags": pl.Int32, "row": pl.Int64,
        },
    )  # fmt: skip
    return ParsedBatch(
        source_file=f"collection:{round_.slug}/{response.municipality.code}",
        indicators=metas,
        observations=frame,
        area_scheme="code",
        area_kind="municipality",
        source_url="",
        retrieved_at=response.submitted_at,
    )


def _plan_for(response: Response):  # type: ignore[no-untyped-def]
    from kasvu.plans.models import Plan

    plans = Plan.objects.filter(areas=response.municipality).exclude(status="archived")
    year = response.round.year
    return (
        plans.filter(start_year__lte=year, end_year__gte=year).order_by("-start_year").first()
        or plans.order_by("-start_year").first()
    )


def publish_levels(response: Response) -> list[str]:
    """Levels 1–4 into the self-assessment of the municipality's plan (matched by the question)."""
    from kasvu.plans.models import SelfAssessment

    fields = list(response.round.fields.filter(kind="level"))
    if not fields:
        return []
    plan = _plan_for(response)
    if plan is None:
        return [f"{response.municipality.name()}: no welfare plan, the levels stay in the round."]
    answers = {a.field_id: a for a in response.answers.all()}
    done = 0
    for f in fields:
        a = answers.get(f.id)
        if a is None or not a.value:
            continue
        item = SelfAssessment.objects.filter(plan=plan, title_fi=f.label_fi).first() or SelfAssessment(
            plan=plan, title_fi=f.label_fi, order=f.order
        )
        item.title_sv = item.title_sv or f.label_sv
        item.right = f.right or item.right or "participation"
        for c in f.choices or []:
            for lang in ("fi", "sv"):
                if c.get(lang) and c.get(lang) != c["value"]:
                    setattr(item, f"level_{c['value']}_{lang}", c[lang])
        item.level = int(a.value)
        note = f"{response.round.name()} ({response.approved_by}, {timezone.localdate():%d.%m.%Y})"
        if response.round.is_generated:
            note += " – generoitua demoaineistoa / generated demo data"
        item.comment = "\n".join(x for x in (a.comment, note) if x)
        item.save()
        done += 1
    return [f"{response.municipality.name()}: {done} self-assessment levels to the plan {plan.title()}."]


def publish_needs(round_: Round) -> list[str]:
    """All approved theme answers of the round as a needs analysis (replacing its coding)."""
    from kasvu.knowledge.coding import CodedRow
    from kasvu.knowledge.models import Round as NeedsRound
    from kasvu.knowledge.rounds import import_rows

    fields = list(round_.fields.filter(kind="themes"))
    if not fields:
        return []
    rows = []
    for f in fields:
        for c in f.choices:
            rows.append(CodedRow(str(c["value"]), theme_title=str(c.get("fi") or c["value"])))
    approved = round_.responses.filter(status=ResponseStatus.APPROVED).select_related("municipality")
    for response in approved:
        for a in response.answers.filter(field__kind="themes"):
            for code in filter(None, a.value.split(spec.THEMES_SEPARATOR)):
                rows.append(CodedRow(code, municipality=response.municipality.code))
    needs, _ = NeedsRound.objects.update_or_create(
        slug=f"collection-{round_.slug}"[:100],
        defaults={
            "name": round_.name_fi,
            "date": round_.deadline,
            "total": round_.municipalities.count(),
            "source": f"kasvu data collection {round_.slug}",
            "description": round_.description_fi,
        },
    )
    result = import_rows(needs, rows)
    return [
        f"needs analysis {needs.slug}: {result.mentions} mentions from {result.municipalities} municipalities."
    ]


@transaction.atomic
def _declare_service_figures_safe(round_: Round) -> None:
    """Figures that are not counts of persons (children per social worker) carry no count, which
    disclosure control would keep internal (issue 14); municipalities report them for publication,
    so they are declared safe. Counts keep the small-number rule."""
    from kasvu.bank import disclosure
    from kasvu.bank.models import Disclosure, Indicator

    keys = [f.indicator for f in round_.fields.filter(kind="number").exclude(indicator="") if not f.count]
    changed = Indicator.objects.filter(key__in=keys, disclosure=Disclosure.SENSITIVE)
    ids = list(changed.values_list("id", flat=True))
    if ids:
        changed.update(disclosure=Disclosure.DECLARED_SAFE)
        disclosure.refresh(ids)


def publish_response(response: Response) -> list[str]:
    """Publish one approved response; idempotent (publishing again stores nothing new)."""
    if response.status != ResponseStatus.APPROVED:
        return []
    notes: list[str] = []
    batch = figures_batch(response)
    if batch is not None and batch.observations.height:
        summary = load(batch, kind="collection", user=response.approved_by)
        _declare_service_figures_safe(response.round)
        response.import_run_id = summary.run_id
        notes.append(f"{response.municipality.name()}: {summary}")
    notes += publish_levels(response)
    notes += publish_needs(response.round)
    response.published_at = timezone.now()
    response.save(update_fields=["import_run", "published_at"])
    Event.objects.create(
        response=response, user=response.approved_by, action="published", detail="; ".join(notes)
    )
    return notes


def publish_round(round_: Round) -> list[str]:
    """Publish every approved response of the round again (``kasvu collection publish``)."""
    notes: list[str] = []
    for response in round_.responses.filter(status=ResponseStatus.APPROVED).select_related("municipality"):
        notes += publish_response(response)
    return notes
