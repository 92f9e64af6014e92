"""The analysts' survey page: rounds, imports and publication status. Metadata only, never microdata.

No view here (or anywhere in kasvu) reads :class:`~kasvu.surveys.models.Response` rows;
``tests/surveys/test_privacy.py`` checks every URL of the project for that.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kasvu.access import deny, is_analyst
from kasvu.surveys.models import Survey


def survey_list(request: HttpRequest) -> HttpResponse:
    """Analysts and administrators only; everyone else gets 403 and an audit-log entry."""
    if not is_analyst(request.user):
        raise deny(request, "Survey rounds are for analysts.")
    surveys = Survey.objects.prefetch_related("imports").select_related("publish_run")
    return render(request, "surveys/list.html", {"surveys": surveys})
