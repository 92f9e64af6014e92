"""Sign-in with a rate limit: password guessing is slowed down and every refusal is logged."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from kasvu import access
from kasvu.api import ratelimit


class LoginView(auth_views.LoginView):
    """Django's login view; more than ``RATE_LIMITS["login"]`` attempts per client address, or per
    username, within the window get 429 (logged as a denied request). Failed sign-ins are logged by
    :mod:`kasvu.accounts.signals`."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150].lower()
        try:
            ratelimit.hit("login", "ip:" + ratelimit.client_ip(request))
            if username:
                ratelimit.hit("login", "user:" + username)
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
