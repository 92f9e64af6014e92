"""The report page: choose a report, area or group, year, language and format; download the file.

One report is built synchronously. Anonymous users get published data only: small numbers are always
hidden for them, and only approved plans can be followed up.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kasvu import access
from kasvu.reports import formats, layouts, service
from kasvu.reports.forms import ReportForm

log = logging.getLogger("kasvu.reports")


def _plans(request: HttpRequest) -> list[object]:
    from kasvu.plans.models import Plan

    return list(access.visible_plans(request.user, Plan.objects.all()))


def report_page(request: HttpRequest) -> HttpResponse:
    internal_allowed = access.is_internal(request.user)
    plans = _plans(request)
    data = request.POST if request.method == "POST" else None
    initial = {"year": dt.date.today().year - 1, "lang": (request.LANGUAGE_CODE or "fi")[:2], "format": "pdf"}
    form = ReportForm(data, initial=initial, plans=plans, internal_allowed=internal_allowed)
    error = ""
    if data is not None and form.is_valid():
        c = form.cleaned_data
        public = not (internal_allowed and c.get("internal"))
        if c["kind"] == "followup" and not any(str(p.pk) == c["plan"] for p in plans):  # type: ignore[attr-defined]
            raise access.deny(request, "report of a plan the user may not view")
        try:
            template = layouts.find(layouts.DEFAULT, settings.KASVU["REPORT_TEMPLATES"])
            req = service.request_for(
                c["kind"], form.target, c["year"], c["lang"], public=public, template=template
            )
            body, content_type, filename = formats.to_bytes(service.build(req), c["format"], template)
        except service.USER_ERRORS as exc:
            error = str(exc)
        else:
            response = HttpResponse(body, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    return render(
        request,
        "reports/page.html",
        {"form": form, "error": error, "title": _("Reports")},
        status=400 if error else 200,
    )
