"""Sign-in with a rate limit: password guessing is slowed down and every refusal is logged."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from kasvu import access
from kasvu.api import ratelimit


def _login_idents(request: HttpRequest) -> list[str]:
    username = str(request.POST.get("username", ""))[:150].lower()
    return ["ip:" + ratelimit.client_ip(request)] + (["user:" + username] if username else [])


class LoginView(auth_views.LoginView):
    """Django's login view; after ``RATE_LIMITS["login"]`` *failed* sign-ins per client address, or per
    username, within the window further attempts get 429 (logged as a denied request). Successful
    sign-ins are not counted: an office behind one address must not lock itself out. Failed sign-ins are
    logged by :mod:`kasvu.accounts.signals`."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150].lower()
        try:
            for ident in _login_idents(request):
                ratelimit.check("login", ident)
        except ratelimit.RateLimited as exc:
            access.deny(request, f"login rate limit ({username or 'no username'})")
            response = HttpResponse(
                f"Too many sign-in attempts. Try again in {exc.retry_after} seconds.",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        """A failed sign-in: count it against the address and the username."""
        for ident in _login_idents(self.request):
            with contextlib.suppress(ratelimit.RateLimited):  # this failure used up the limit: next gets 429
                ratelimit.hit("login", ident)
        return super().form_invalid(form)
