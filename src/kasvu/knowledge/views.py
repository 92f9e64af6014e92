"""Pages of the knowledge bank and the needs analyses: parse, call services, render."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language

from kasvu import access
from kasvu.bank.models import Area, AreaKind
from kasvu.knowledge import coding, services
from kasvu.knowledge.forms import EntryForm, RemovalForm, SearchForm
from kasvu.knowledge.models import Entry, Round
from kasvu.rights import get_right


def _lang() -> str:
    return (get_language() or "fi")[:2]


def search(request: HttpRequest) -> HttpResponse:
    """The bank's front page: search words and filters, results in a table."""
    show_experts = access.can_see_experts(request.user)
    form = SearchForm(request.GET or None, show_experts=show_experts, lang=_lang())
    filters = form.filters() if form.is_valid() else services.EntryFilters()
    entries = services.search_entries(request.user, filters)
    return render(
        request,
        "knowledge/search.html",
        {"form": form, "entries": entries, "can_create": access.can_create_entries(request.user)},
    )


def _entry(request: HttpRequest, entry_id: int) -> Entry:
    try:
        return services.get_entry(request, entry_id)
    except Entry.DoesNotExist:
        raise Http404("No such entry.") from None


def detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    rights = [get_right(k).label(_lang()) for k in entry.right_keys()]
    return render(
        request,
        "knowledge/detail.html",
        {
            "entry": entry,
            "rights": rights,
            "plan_targets": services.plan_links(request.user, entry),
            "can_edit": access.can_edit_entry(request.user, entry),
            "can_remove": access.can_remove_expert(request.user, entry),
        },
    )


def _editable_areas(request: HttpRequest):  # type: ignore[no-untyped-def]
    ids = access.editable_area_ids(request.user)
    current = Area.objects.filter(
        Q(kind=AreaKind.MUNICIPALITY, valid_to__isnull=True) | Q(kind__in=[AreaKind.REGION, AreaKind.GROUP])
    )
    return (current if ids is None else Area.objects.filter(id__in=ids)).order_by("kind", "name_fi")


def edit(request: HttpRequest, entry_id: int | None = None) -> HttpResponse:
    entry = _entry(request, entry_id) if entry_id else Entry()
    if entry.pk:
        services.check_can_edit(request, entry)
    else:
        services.check_can_create(request)
    form = EntryForm(
        request.POST or None, instance=entry, editable_areas=_editable_areas(request), lang=_lang()
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        try:
            services.save_entry(
                request,
                saved,
                areas=form.cleaned_data["areas"],
                rights=form.cleaned_data["rights"],
                indicators=form.cleaned_data.get("indicators") or [],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect("knowledge:detail", entry_id=saved.pk)
    return render(request, "knowledge/edit.html", {"form": form, "entry": entry})


def remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Remove an expert on request; the log keeps date, remover and reason only."""
    entry = _entry(request, entry_id)
    if not access.can_remove_expert(request.user, entry):
        raise access.deny(request, "knowledge: may not remove this entry")
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.remove_expert(request, entry, form.cleaned_data["reason"])
        return render(request, "knowledge/removed.html", {})
    return render(request, "knowledge/remove.html", {"form": form, "entry": entry})


# --- Needs analyses ------------------------------------------------------------------------------


def rounds(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledge/rounds.html", {"rounds": Round.objects.all()})


def round_table(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = get_object_or_404(Round, slug=slug)
    return render(
        request,
        "knowledge/round_table.html",
        {
            "round": round_,
            "table": services.needs_table(round_),
            "can_download": access.can_read_needs_coding(request.user),
            "others": Round.objects.exclude(pk=round_.pk),
        },
    )


def round_coding(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The coding sheet by municipality (internal) as CSV or XLSX."""
    round_ = get_object_or_404(Round, slug=slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Coding sheets are available as .csv and .xlsx.")
    rows = services.coding_sheet(request, round_)
    if fmt == "xlsx":
        response = HttpResponse(
            coding.xlsx_bytes(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(coding.csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{round_.slug}-coding.{fmt}"'
    return response


def compare(request: HttpRequest) -> HttpResponse:
    a = get_object_or_404(Round, slug=request.GET.get("a", ""))
    b = get_object_or_404(Round, slug=request.GET.get("b", ""))
    return render(
        request, "knowledge/compare.html", {"a": a, "b": b, "changes": services.needs_comparison(a, b)}
    )
