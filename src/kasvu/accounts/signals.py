"""Sign-ins, sign-outs and failed sign-ins go to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kasvu.accounts.models import AuditEvent


def _ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.LOGIN,
        username=user.get_username(),
        path=getattr(request, "path", ""),
        ip=_ip(request),
    )


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.LOGOUT,
        username=user.get_username() if user else "",
        path=getattr(request, "path", ""),
        ip=_ip(request),
    )


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.LOGIN_FAILED,
        username=str(credentials.get("username", ""))[:150],
        path=getattr(request, "path", ""),
        ip=_ip(request),
    )
