"""Plans for the API tests: an approved Vihti plan and a draft Lohja plan."""

from __future__ import annotations

import datetime as dt

from kasvu.bank.models import Area
from kasvu.plans.models import Plan


def _plan(code: str, status: str, title: str) -> Plan:
    plan = Plan.objects.create(
        title_fi=title,
        start_year=2022,
        end_year=2025,
        status=status,
        approved_by="Kunnanvaltuusto" if status != "draft" else "",
        approved_on=dt.date(2022, 3, 1) if status != "draft" else None,
    )
    plan.areas.set([Area.objects.get(kind="municipality", code=code)])
    return plan


def approved_and_draft() -> dict[str, Plan]:
    return {
        "approved": _plan("927", "approved", "Vihdin hyväksytty suunnitelma"),
        "draft": _plan("444", "draft", "Lohjan luonnos SALAINEN"),
    }
