"""Demo rounds: one of each kind, with generated answers — some approved, some submitted, some late.

Everything here is **generated demo data** (``Round.is_generated``; the figures go to the bank under the
source "Generated demo data (data collection)" with ``FLAG_GENERATED``), built from the bundled round
files in ``kasvu/data/collection`` with ``demo-`` in front of their slugs and indicators. Seeded, so a
reload gives the same answers. The answers are signed by made-up names ("demo-lohja"), not by users.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import yaml
from django.utils import timezone

from kasvu.classification import data_path
from kasvu.collection import services, spec
from kasvu.collection.models import Response, Round

SEED = 20261204
ANALYST = "demo-analyytikko"


def _spec(name: str, *, slug: str, year: int, deadline: dt.date, previous: str = "") -> spec.RoundSpec:
    data: dict[str, Any] = yaml.safe_load(data_path("collection", name).read_text(encoding="utf-8"))
    data.update(slug=slug, year=year, deadline=deadline.isoformat(), generated=True)
    if previous:
        data["previous"] = previous
    for f in data["fields"]:
        if f.get("indicator"):
            f["indicator"] = f["indicator"].replace("collection:", "collection:demo-")
    for lang, text in list(data.get("description", {}).items()):
        data["description"][lang] = text.replace("2025", str(year))
    for lang, text in list(data["name"].items()):
        data["name"][lang] = text.replace("2025", str(year)) + {"fi": " (demo)", "sv": " (demo)"}.get(
            lang, " (demo)"
        )
    return spec.round_from_data(data, name)


def _figures(rng: np.random.Generator, population: float) -> dict[str, str]:
    """Answers of the social services survey in proportion to a municipality's size, with a decimal comma."""
    posts = max(2.0, round(population / 4000 * rng.uniform(0.8, 1.2), 1))
    qualified = round(posts * rng.uniform(0.75, 1.0), 1)
    shl, lsl = int(population / 150 * rng.uniform(0.7, 1.3)), int(population / 400 * rng.uniform(0.7, 1.3))
    return {
        "sw-posts": f"{posts}".replace(".", ","),
        "sw-qualified": f"{qualified}".replace(".", ","),
        "caseload": f"{rng.uniform(22, 38):.1f}".replace(".", ","),
        "assessments-in-time": f"{rng.uniform(82, 100):.1f}".replace(".", ","),
        "family-work-total": str(shl + lsl),
        "family-work-shl": str(shl),
        "family-work-lsl": str(lsl),
        "placed": str(int(population / 900 * rng.uniform(0.6, 1.4))),
        "notes": "",
    }


def _answer(response: Response, answers: dict[str, str], state: str) -> None:
    """Bring a response to ``state`` (draft, submitted, approved) as a municipality and the unit would."""
    who = f"demo-{response.municipality.name_fi.lower()}"
    saved = services.save_answers(
        response, answers, user=who, submit=state in ("submitted", "approved"), via="cli"
    )
    if not saved.saved:  # pragma: no cover - the generated answers are valid by construction
        raise RuntimeError(f"demo answers of {response.municipality.code} rejected: {saved.checked.errors}")
    if state == "approved":
        services.approve(Response.objects.get(pk=response.pk), user=ANALYST, via="cli")


def _population(codes: list[str]) -> dict[str, float]:
    from kasvu.demo import municipal_population_2025

    pop = municipal_population_2025()
    return {c: 0.19 * pop.get(c, 20000) for c in codes}


def load_demo(today: dt.date | None = None) -> str:
    """Create the demo rounds once; return what was done (for ``kasvu demo load``)."""
    if Round.objects.filter(slug__startswith="demo-").exists():
        return "demo rounds exist already"
    today = today or timezone.localdate()
    rng = np.random.default_rng(SEED)
    # Figures: last year's round, all approved (so "last year" shows), and this year's, open.
    last = services.create_round(
        _spec(
            "social_services.yaml",
            slug="demo-sosiaalipalvelut-2024",
            year=2024,
            deadline=dt.date(2025, 3, 31),
        ),
        user=ANALYST,
    )
    services.open_round(last, ANALYST)
    codes = list(last.municipalities.values_list("code", flat=True))
    pop = _population(codes)
    previous: dict[str, dict[str, str]] = {}
    for response in last.responses.select_related("municipality"):
        previous[response.municipality.code] = _figures(rng, pop[response.municipality.code])
        _answer(response, previous[response.municipality.code], "approved")
    current = services.create_round(
        _spec("social_services.yaml", slug="demo-sosiaalipalvelut-2025", year=2025,
              deadline=today - dt.timedelta(days=5), previous=last.slug),
        user=ANALYST,
    )  # fmt: skip
    services.open_round(current, ANALYST)
    states = ["approved", "approved", "approved", "submitted", "submitted", "draft"]  # the other two: late
    for response, state in zip(
        current.responses.select_related("municipality").order_by("municipality__code"), states, strict=False
    ):
        answers = previous[response.municipality.code]
        # Small changes from last year, so that no explanation is needed.
        answers = {
            **answers,
            "caseload": f"{float(answers['caseload'].replace(',', '.')) * 1.05:.1f}".replace(".", ","),
        }
        _answer(response, answers, state)
    # The council's self-assessment: Espoo approved (into its plan), Lohja submitted, Vihti late.
    selfassessment = services.create_round(
        _spec(
            "self_assessment.yaml",
            slug="demo-itsearviointi-2025",
            year=2025,
            deadline=today - dt.timedelta(days=10),
        ),
        user=ANALYST,
    )
    services.open_round(selfassessment, ANALYST)
    levels = {"049": ("3", "2", "approved"), "444": ("2", "2", "submitted")}
    for response in selfassessment.responses.select_related("municipality"):
        if response.municipality.code in levels:
            a, b, state = levels[response.municipality.code]
            _answer(response, {"participation": a, "knowledge-based": b, "evidence": ""}, state)
    # The development-needs questionnaire: five approved, one draft, two not started; deadline ahead.
    needs = services.create_round(
        _spec(
            "needs.yaml",
            slug="demo-kehittamistarpeet-2026",
            year=2026,
            deadline=today + dt.timedelta(days=30),
        ),
        user=ANALYST,
    )
    services.open_round(needs, ANALYST)
    themes = [c.value for c in needs.field_specs()[0].choices]
    for i, response in enumerate(
        needs.responses.select_related("municipality").order_by("municipality__code")
    ):
        if i >= 6:
            break
        chosen = rng.choice(themes, size=int(rng.integers(2, 6)), replace=False)
        _answer(response, {"themes": ";".join(chosen), "description": ""}, "approved" if i < 5 else "draft")
    n = Response.objects.filter(round__slug__startswith="demo-").exclude(status="not_started").count()
    return f"4 rounds (generated demo data), {n} answers; some submitted, some late"
