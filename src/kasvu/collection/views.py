"""Pages of data collection rounds: the analyst's rounds and board, the municipality's form.

Every view asks :mod:`kasvu.access`; a refusal is a logged 403. An editor reaches only the responses of
their own municipalities: the URL of another municipality's form answers 403, whatever the method.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kasvu import access
from kasvu.bank.models import Area
from kasvu.collection import excel, services, spec
from kasvu.collection.forms import CopyForm, FieldForm, RoundForm
from kasvu.collection.messages import number_text, problem_texts
from kasvu.collection.models import Event, Field, Response, ResponseStatus, Round, RoundStatus

MAX_UPLOAD_BYTES = 5 * 2**20


def action_labels() -> dict[str, str]:
    return {
        "saved": _("saved"),
        "submitted": _("submitted"),
        "returned": _("returned"),
        "approved": _("approved"),
        "published": _("published"),
    }


def _lang() -> str:
    return (get_language() or "fi")[:2]


def _signed_in(request: HttpRequest) -> HttpResponseBase | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _manager(request: HttpRequest) -> None:
    if not access.can_manage_rounds(request.user):
        raise access.deny(request, "collection: managing rounds is for analysts")


def _round(slug: str) -> Round:
    return get_object_or_404(Round, slug=slug)


def _response(request: HttpRequest, round_: Round, code: str) -> Response:
    area = round_.municipalities.filter(code=code).first()
    if area is None:
        raise Http404(_("The round does not ask this municipality."))
    response = Response.objects.filter(round=round_, municipality=area).first() or Response(
        round=round_, municipality=area
    )
    if not access.can_view_response(request.user, response):
        raise access.deny(request, f"collection {round_.slug}/{code}: may not read")
    return response


# --- Lists -------------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponseBase:
    """The unit's staff: every round. Editors: the open rounds of their municipalities."""
    if (login := _signed_in(request)) is not None:
        return login
    own = services.open_rounds_for(access.editable_area_ids(request.user))
    rounds = list(Round.objects.all()) if access.can_follow_rounds(request.user) else []
    return render(
        request,
        "collection/index.html",
        {
            "rounds": rounds,
            "own": own if not access.can_follow_rounds(request.user) else [],
            "can_manage": access.can_manage_rounds(request.user),
        },
    )


def round_new(request: HttpRequest) -> HttpResponseBase:
    if (login := _signed_in(request)) is not None:
        return login
    _manager(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = form.save(commit=False)
        round_.created_by = request.user.get_username()
        round_.save()
        form.save_m2m()
        messages.success(request, _("The round was created. Add its fields, then open it."))
        return redirect("collection:round", round_.slug)
    return render(
        request, "collection/round_form.html", {"form": form, "title": _("New data collection round")}
    )


def round_copy(request: HttpRequest, slug: str) -> HttpResponseBase:
    if (login := _signed_in(request)) is not None:
        return login
    _manager(request)
    source = _round(slug)
    initial = {"slug": slug.replace(str(source.year), str(source.year + 1)), "year": source.year + 1}
    form = CopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        new = services.copy_round(
            source,
            slug=form.cleaned_data["slug"],
            year=form.cleaned_data["year"],
            deadline=form.cleaned_data["deadline"],
            user=request.user,
        )
        messages.success(request, _("Copied. Last year's answers are shown beside each field."))
        return redirect("collection:round", new.slug)
    title = _("Copy %(round)s as next year's round") % {"round": source.name()}
    return render(request, "collection/round_form.html", {"form": form, "title": title})


def _field_rows(round_: Round, lang: str) -> list[dict[str, Any]]:
    rules: dict[str, list[str]] = {}
    labels = {f.key: f.label(lang) for f in round_.fields.all()}
    for r in round_.rules or []:
        if r["kind"] == "part_of":
            text = _("at most “%(whole)s”") % {"whole": labels.get(r["fields"][1], r["fields"][1])}
            rules.setdefault(r["fields"][0], []).append(text)
        else:
            parts = ", ".join(labels.get(k, k) for k in r["fields"][:-1])
            rules.setdefault(r["fields"][-1], []).append(_("the sum of %(parts)s") % {"parts": parts})
    out = []
    for f in round_.fields.all():
        s = f.spec()
        limits = ""
        if f.kind == "number":
            low = number_text(s.min) if s.min is not None else ""
            high = number_text(s.max) if s.max is not None else ""
            limits = f"{low}–{high}" if (low or high) else ""
        out.append({"field": f, "spec": s, "limits": limits, "rules": rules.get(f.key, [])})
    return out


def round_detail(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The round's form as the municipalities see it, and (while it is prepared) adding fields."""
    if (login := _signed_in(request)) is not None:
        return login
    if not access.can_follow_rounds(request.user):
        raise access.deny(request, f"collection {slug}: the round page is for the unit's staff")
    round_ = _round(slug)
    form = None
    if access.can_manage_rounds(request.user) and round_.status == RoundStatus.PREPARING:
        form = FieldForm(request.POST or None, round_=round_, prefix="field")
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, _("The field was added."))
            return redirect("collection:round", slug)
    return render(
        request,
        "collection/round.html",
        {
            "round": round_,
            "rows": _field_rows(round_, _lang()),
            "form": form,
            "can_manage": access.can_manage_rounds(request.user),
            "board": services.board(round_),
        },
    )


@require_POST
def field_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    _manager(request)
    round_ = _round(slug)
    if round_.status != RoundStatus.PREPARING:
        messages.error(request, _("The round is open: its fields can no longer be removed."))
    else:
        get_object_or_404(Field, pk=pk, round=round_).delete()
    return redirect("collection:round", slug)


@require_POST
def round_open(request: HttpRequest, slug: str) -> HttpResponseBase:
    _manager(request)
    round_ = _round(slug)
    try:
        services.open_round(round_, request.user)
        messages.success(
            request, _("The round is open: the municipalities' editors see it on their home page.")
        )
    except services.CollectionError:
        messages.error(request, _("Add at least one field before opening the round."))
    return redirect("collection:round", slug)


def round_yaml(request: HttpRequest, slug: str) -> HttpResponse:
    if not access.can_follow_rounds(request.user):
        raise access.deny(request, f"collection {slug}: yaml")
    text = yaml.safe_dump(services.round_to_data(_round(slug)), allow_unicode=True, sort_keys=False)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.yaml"'
    return response


# --- The completeness board --------------------------------------------------------------------------

STATUS_ORDER = ("not_started", "draft", "submitted", "returned", "approved")


def board(request: HttpRequest, slug: str) -> HttpResponseBase:
    """Who has answered: counts by state, days to the deadline, who is late, whom to contact."""
    if (login := _signed_in(request)) is not None:
        return login
    if not access.can_follow_rounds(request.user):
        raise access.deny(request, f"collection {slug}: the board is for the unit's staff")
    round_ = _round(slug)
    b = services.board(round_)
    only_missing = request.GET.get("missing") == "1"
    rows = b.missing if only_missing else b.rows
    if request.GET.get("format") == "csv":
        return _missing_csv(round_, rows)
    labels = dict(ResponseStatus.choices)
    counts = [(s, labels[s], b.counts[s]) for s in STATUS_ORDER]
    return render(
        request,
        "collection/board.html",
        {
            "round": round_,
            "board": b,
            "rows": rows,
            "counts": counts,
            "only_missing": only_missing,
            "late_days": -b.days_to_deadline,
            "can_manage": access.can_manage_rounds(request.user),
        },
    )


def _missing_csv(round_: Round, rows: list[services.BoardRow]) -> HttpResponse:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow([_("Code"), _("Municipality"), _("State"), _("Late"), _("Contact"), _("E-mail")])
    labels = dict(ResponseStatus.choices)
    for r in rows:
        for name, email in r.contacts or [("", "")]:
            w.writerow(
                [
                    r.municipality.code,
                    r.municipality.name(),
                    labels[r.status],
                    _("yes") if r.late else "",
                    name,
                    email,
                ]
            )
    response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{round_.slug}-missing.csv"'
    return response


# --- One municipality's answers ----------------------------------------------------------------------


def _entry_rows(response: Response, typed: dict[str, str] | None, explanations: dict[str, str] | None,
                comments: dict[str, str] | None, problems: dict[str, list[tuple[str, str]]], lang: str,
                explain: set[str] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    stored = services.stored_answers(response) if response.pk else {}
    previous = services.previous_answers(response) if response.pk else {}
    rows = []
    for row in _field_rows(response.round, lang):
        f: Field = row["field"]
        a = stored.get(f.key)
        value = (typed or {}).get(f.key) if typed is not None else (a.typed or a.value if a else "")
        if f.kind == "number" and typed is None and a and a.number is not None and not a.typed:
            value = number_text(a.value)
        last = previous.get(f.key)
        last_text = ""
        if last is not None:
            if f.kind == "number":
                last_text = number_text(last.value)
            elif f.kind in ("choice", "level"):
                last_text = next(
                    (c.text(lang) for c in row["spec"].choices if c.value == last.value), last.value
                )
                last_text = f"{last.value} – {last_text}" if f.kind == "level" else last_text
            else:
                last_text = last.value
        chosen = set((value or "").split(spec.THEMES_SEPARATOR)) if f.kind == "themes" else {value or ""}
        rows.append(
            {
                **row,
                "name": f"v-{f.key}",
                "value": value or "",
                "chosen": chosen,
                "choices": [(c.value, c.text(lang)) for c in row["spec"].choices],
                "last": last_text,
                "last_source": last.source if last else "",
                "explanation": (explanations or {}).get(f.key)
                if explanations is not None
                else (a.explanation if a else ""),
                "comment": (comments or {}).get(f.key) if comments is not None else (a.comment if a else ""),
                "problems": problems.get(f.key, []),
                "has_error": any(sev == "error" for sev, _ in problems.get(f.key, [])),
                "needs_explanation": f.key in (explain or set()) or bool(a and a.explanation),
            }
        )
    return rows


def _posted(request: HttpRequest, round_: Round) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    answers, explanations, comments = {}, {}, {}
    for f in round_.fields.all():
        if f.kind == "themes":
            answers[f.key] = spec.THEMES_SEPARATOR.join(request.POST.getlist(f"v-{f.key}"))
        else:
            answers[f.key] = request.POST.get(f"v-{f.key}", "")
        explanations[f.key] = request.POST.get(f"e-{f.key}", "")
        comments[f.key] = request.POST.get(f"c-{f.key}", "")
    return answers, explanations, comments


def response_page(request: HttpRequest, slug: str, code: str) -> HttpResponseBase:
    """The form of one municipality: fill in, save a draft, submit; for the unit, return or approve."""
    if (login := _signed_in(request)) is not None:
        return login
    round_ = _round(slug)
    response = _response(request, round_, code)
    lang = _lang()
    can_enter = access.can_enter_response(request.user, response) and response.is_editable
    can_enter = can_enter and (round_.status == RoundStatus.OPEN or access.can_manage_rounds(request.user))
    fields = {f.key: f for f in round_.field_specs()}
    typed = explanations = comments = None
    problems: dict[str, list[tuple[str, str]]] = {}
    explain: set[str] = set()
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action in ("return", "approve"):
            return _review(request, response, action)
        if not access.can_enter_response(request.user, response):
            raise access.deny(request, f"collection {slug}/{code}: may not answer")
        if not response.pk:
            response = services.response_for(round_, response.municipality)
        typed, explanations, comments = _posted(request, round_)
        try:
            saved = services.save_answers(
                response, typed, user=request.user, explanations=explanations, comments=comments,
                submit=action == "submit", language=lang,
            )  # fmt: skip
        except services.CollectionError:
            messages.error(
                request, _("These answers are already submitted; the unit can return them to you.")
            )
            return redirect("collection:response", slug, code)
        problems = problem_texts(saved.checked.problems, fields)
        explain = {p.field for p in saved.checked.problems if p.code == "explain_change"}
        if saved.saved:
            if action == "submit":
                messages.success(request, _("Thank you: the answers were submitted to the unit."))
            elif saved.checked.warnings:
                messages.warning(request, _("Saved as a draft. Check the warnings before submitting."))
            else:
                messages.success(request, _("Saved as a draft."))
            if not saved.checked.warnings:
                return redirect("collection:response", slug, code)
            typed = explanations = comments = None
        else:
            messages.error(request, _("Nothing was saved: correct the answers marked below."))
        if response.pk:
            response.refresh_from_db()
    rows = _entry_rows(response, typed, explanations, comments, problems, lang, explain)
    labels = action_labels()
    history = list(Event.objects.filter(response=response)) if response.pk else []
    for e in history:
        e.label = labels.get(e.action, e.action)  # type: ignore[attr-defined]
    return render(
        request,
        "collection/response.html",
        {
            "round": round_,
            "response": response,
            "area": response.municipality,
            "rows": rows,
            "can_enter": can_enter,
            "can_review": access.can_manage_rounds(request.user),
            "history": history,
            "changes": services.answer_history(response) if response.pk else [],
            "status_label": dict(ResponseStatus.choices)[response.status],
            "n_errors": sum(1 for r in rows if r["has_error"]),
        },
        status=400 if problems and any(r["has_error"] for r in rows) else 200,
    )


def _review(request: HttpRequest, response: Response, action: str) -> HttpResponseBase:
    if not access.can_manage_rounds(request.user):
        raise access.deny(request, f"collection {response.round.slug}: {action} is for analysts")
    slug, code = response.round.slug, response.municipality.code
    try:
        if action == "return":
            services.return_response(response, user=request.user, comment=request.POST.get("comment", ""))
            messages.success(request, _("Returned to the municipality with your comment."))
        else:
            services.approve(response, user=request.user)
            messages.success(request, _("Approved and published: the figures are in the bank."))
    except services.CollectionError:
        if action == "return":
            messages.error(request, _("Write what the municipality should check before returning."))
        else:
            messages.error(request, _("Only submitted answers can be approved."))
    return redirect("collection:response", slug, code)


def response_xlsx(request: HttpRequest, slug: str, code: str) -> HttpResponseBase:
    if (login := _signed_in(request)) is not None:
        return login
    round_ = _round(slug)
    response = _response(request, round_, code)
    if not response.pk:
        response = services.response_for(round_, response.municipality)
    out = HttpResponse(
        excel.export_workbook(response),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    out["Content-Disposition"] = f'attachment; filename="{slug}-{code}.xlsx"'
    return out


@require_POST
def response_import(request: HttpRequest, slug: str, code: str) -> HttpResponseBase:
    """An Excel form filled offline, through the same checks as the web form (all or nothing)."""
    if (login := _signed_in(request)) is not None:
        return login
    round_ = _round(slug)
    response = _response(request, round_, code)
    if not access.can_enter_response(request.user, response):
        raise access.deny(request, f"collection {slug}/{code}: excel import")
    upload = request.FILES.get("file")
    if upload is None or (upload.size or 0) > MAX_UPLOAD_BYTES:
        messages.error(request, _("Choose the Excel file (at most 5 MB)."))
        return redirect("collection:response", slug, code)
    try:
        result = excel.import_workbook(
            round_, upload.read(), user=request.user, name=upload.name or "upload.xlsx",
            submit=request.POST.get("submit") == "1", request=request,
        )  # fmt: skip
    except excel.WorkbookError as exc:
        messages.error(request, str(exc))
        return redirect("collection:response", slug, code)
    if result.response.municipality.code != code:
        messages.warning(request, _("The file was for another municipality; it was read into its own form."))
    for line in result.report_lines():
        (messages.success if result.saved else messages.error)(request, line)
    return redirect("collection:response", slug, result.response.municipality.code)


def area_of(code: str) -> Area:
    return get_object_or_404(Area, kind="municipality", code=code)


def response_url(round_: Round, area: Area) -> str:
    return reverse("collection:response", args=[round_.slug, area.code])
