"""Error pages in the site's layout and the reader's language, each with a way on (sign in, search, home).

Django calls these for every 403, 404 and 500 outside the API (``handler403`` … in :mod:`kasvu.urls`);
with ``DEBUG`` off, which the demo now is too, nobody sees URL patterns or tracebacks.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

log = logging.getLogger("kasvu")

#: What the 500 page says when even the template cannot be rendered (the database may be down).
BARE_500 = (
    "<!doctype html><html lang=fi><meta charset=utf-8><title>kasvu</title>"
    "<h1>Virhe palvelimella</h1><p lang=sv>Fel på servern</p><p lang=en>Server error</p>"
    '<p><a href="/">kasvu</a></p></html>'
)


def _page(request: HttpRequest, status: int, title: str, text: str, *, sign_in: bool = False) -> HttpResponse:
    context = {"error_title": title, "error_text": text, "status": status, "sign_in": sign_in}
    return HttpResponse(loader.render_to_string("kasvu/error.html", context, request), status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        text = _(
            "You are signed in as %(user)s, and your role does not allow this page. "
            "The regional unit's administrator can give you the right role."
        ) % {"user": user.get_username()}
        return _page(request, 403, _("No access to this page"), text)
    text = _("This page is for signed-in users of the regional unit. Sign in to see it.")
    return _page(request, 403, _("Sign in to see this page"), text, sign_in=True)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    text = _("There is no page at this address. It may have moved, or the link may be mistyped.")
    return _page(request, 404, _("Page not found"), text)


def server_error(request: HttpRequest) -> HttpResponse:
    text = _(
        "Something went wrong on the server and the page could not be shown. The error has been logged; "
        "try again in a moment, or tell the regional unit what you were doing."
    )
    try:
        return _page(request, 500, _("Server error"), text)
    except Exception:  # the template itself may need what failed (e.g. the database)
        log.exception("the 500 page could not be rendered")
        return HttpResponse(BARE_500, status=500)
