"""The yearly follow-up report of a child and youth welfare plan (``kasvu.plans``).

Chapters: introduction with the follow-up summary, one chapter per children's right with its goals
(requirements, actions with their status and how they went, indicators with baseline, target, latest value
and status), implementation goals, provenance. Latest values go through disclosure control like every
other number in a report.
"""

from __future__ import annotations

from typing import Any

from kasvu.reports import formatting as fmt
from kasvu.reports.builders import ReportNotAvailable, ReportRequest, register
from kasvu.reports.builders.common import provenance_chapter
from kasvu.reports.document import SUPPRESSED, Cell, Chapter, Report, Table
from kasvu.reports.texts import Texts


@register("followup")
def build(request: ReportRequest) -> Report:
    try:
        from kasvu.plans.models import ActionStatus, Plan, TargetStatus
        from kasvu.plans.overview import plan_overview
    except ImportError:  # pragma: no cover - the plans app is part of kasvu
        raise ReportNotAvailable("The follow-up report needs the plans app (kasvu.plans).") from None
    from django.utils import translation

    try:
        plan = Plan.objects.get(pk=int(request.target))
    except (ValueError, Plan.DoesNotExist):
        raise ReportNotAvailable(
            f"No plan with id {request.target!r}. See `kasvu plan list` or the plans page for ids."
        ) from None
    lang = request.lang
    tx = Texts(lang, request.phrases)
    plan_lang = lang if lang in ("fi", "sv") else "fi"  # plans are written in Finnish and Swedish
    with translation.override(lang):
        overview = plan_overview(plan, plan_lang, year=request.year)
        action_labels = {k: str(v) for k, v in ActionStatus.choices}
        target_labels = {k: str(v) for k, v in TargetStatus.choices}
    follow_up = plan.follow_ups.filter(year=request.year).first()
    notes = {a.action_id: a for a in follow_up.actions.all()} if follow_up else {}
    hidden = _hidden_latest(overview, request.public)
    title = plan.title(plan_lang)
    report = Report(
        kind="followup",
        title=tx.t("followup_title", year=request.year, plan=title),
        subtitle=", ".join(a.name(lang) for a in plan.areas.all()),
        language=lang,
        chapters=[],
        public=request.public,
        meta={"plan": title, "plan_id": str(plan.pk), "year": str(request.year), "kind": "followup"},
        slug=f"followup-{plan.pk}-{request.year}-{lang}",
    )
    intro = Chapter(tx.t("introduction"), key="introduction")
    intro.add(tx.t("followup_intro", plan=title, year=request.year))
    if follow_up is not None:
        intro.add(follow_up.summary(plan_lang))
    report.chapters.append(intro)
    ctx = {
        "tx": tx,
        "lang": lang,
        "plan_lang": plan_lang,
        "notes": notes,
        "hidden": hidden,
        "action_labels": action_labels,
        "target_labels": target_labels,
    }
    for section in overview.rights:
        ch = Chapter(section.label, key=f"right-{section.key}")
        if not section.goals:
            ch.add(tx.t("no_indicators"))
        for gv in section.goals:
            ch.sections.append(_goal(gv, ctx))
        report.chapters.append(ch)
    if overview.implementation:
        ch = Chapter(tx.t("implementation"), key="implementation")
        ch.sections.extend(_goal(gv, ctx) for gv in overview.implementation)
        report.chapters.append(ch)
    report.provenance = _provenance(overview, lang)
    report.generated_data = any(e.generated for e in report.provenance)
    if report.generated_data:
        report.notices.append(tx.t("generated_notice"))
        intro.add(tx.t("generated_notice"), "warning")
    report.chapters.append(provenance_chapter(report.provenance, tx))
    return report


def _hidden_latest(overview: Any, public: bool) -> set[int]:
    """Goal-indicator links whose latest value must not be printed: the read model's disclosure gate (the
    stored pattern, or fewer persons or respondents than the indicator's threshold), as on every page."""
    from kasvu.readmodel import Period, ValueQuery, read_values

    if not public:
        return set()
    out = set()
    for link_id, iv in overview.statuses.items():
        latest = iv.computed.latest
        if latest is None:
            continue
        q = ValueQuery(
            indicators=[iv.link.indicator_id], areas=[iv.link.area_id], periods=[Period.of_year(latest.year)]
        )
        if read_values(q)["hidden"].any():
            out.add(link_id)
    return out


def _goal(gv: Any, ctx: dict[str, Any]) -> Chapter:
    tx, lang = ctx["tx"], ctx["lang"]
    sec = Chapter(f"{tx.t('goal', n=gv.number)}: {gv.statement}", key=f"goal-{gv.goal.pk}")
    for req in gv.requirements:
        sec.add(req)
    if gv.actions:
        rows = []
        for action in gv.actions:
            note = ctx["notes"].get(action.pk)
            status = note.status if note else action.status
            rows.append(
                [
                    Cell(action.description(ctx["plan_lang"])),
                    Cell(action.owner),
                    Cell(ctx["action_labels"].get(status, status)),
                    Cell(note.narrative(ctx["plan_lang"]) if note else ""),
                ]
            )
        sec.tables.append(
            Table(
                f"actions-{gv.goal.pk}",
                f"{tx.t('goal', n=gv.number)}: {tx.t('action')}",
                [tx.t("action"), tx.t("owner"), tx.t("status"), tx.t("how_it_went")],
                rows,
            )
        )
    if gv.indicators:
        rows = []
        any_hidden = False
        threshold = 0
        for iv in gv.indicators:
            link, latest = iv.link, iv.computed.latest
            dec = link.indicator.decimals
            if latest is None:
                latest_cell = Cell("")
            elif iv.link.id in ctx["hidden"]:
                latest_cell, any_hidden = Cell(f"{SUPPRESSED} ({latest.year})", suppressed=True), True
                threshold = max(threshold, int(link.indicator.threshold))
            else:
                text = fmt.value_with_interval(
                    latest.value, latest.lower, latest.upper, link.indicator.unit, dec, lang
                )
                latest_cell = Cell(f"{text} ({latest.year})", latest.value)
            rows.append(
                [
                    Cell(iv.title),
                    Cell(iv.area),
                    Cell(
                        f"{fmt.number(link.baseline_value, dec, lang)} ({link.baseline_year or ''})",
                        link.baseline_value,
                    ),
                    Cell(
                        f"{fmt.number(link.target_value, dec, lang)} ({link.target_year or ''})",
                        link.target_value,
                    ),
                    latest_cell,
                    Cell(ctx["target_labels"].get(iv.status, iv.status)),
                ]
            )
        table = Table(
            f"indicators-{gv.goal.pk}",
            f"{tx.t('goal', n=gv.number)}: {tx.t('indicator')}",
            [
                tx.t("indicator"),
                tx.t("area"),
                tx.t("baseline"),
                tx.t("target"),
                tx.t("latest"),
                tx.t("status"),
            ],
            rows,
        )
        if any_hidden:
            table.notes.append(tx.t("suppressed_note", threshold=threshold))
        sec.tables.append(table)
    return sec


def _provenance(overview: Any, lang: str) -> list[Any]:
    from kasvu.readmodel import indicator_infos
    from kasvu.readmodel.store import import_runs
    from kasvu.reports.data import provenance

    links = [iv.link for iv in overview.statuses.values()]
    if not links:
        return []
    inds = indicator_infos(sorted({x.indicator_id for x in links}), lang)
    return provenance(import_runs(list(inds), sorted({x.area_id for x in links}), None), inds)
