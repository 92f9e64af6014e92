"""Roles and the audit log.

Every user has a :class:`Profile` with one role. Municipal editors also have
the municipalities (or groups) they may edit. The rules that use these live
in :mod:`kasvu.access`, the one place where rights are decided for the UI,
the API and exports.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kasvu.bank.models import Area


class Role(models.TextChoices):
    REGIONAL_ADMIN = "regional_admin", _("regional administrator")
    ANALYST = "analyst", _("analyst")
    MUNICIPAL_EDITOR = "municipal_editor", _("municipal editor")
    VIEWER = "viewer", _("viewer")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kasvu_profile"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="editors",
        help_text=_("Municipalities (or groups) a municipal editor may edit."),
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AuditEvent(models.Model):
    """A sign-in, a failed sign-in or a denied request: who, when, what."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("sign-in failed")
        LOGOUT = "logout", _("signed out")
        DENIED = "denied", _("request denied")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    username = models.CharField(max_length=150, blank=True)
    path = models.CharField(max_length=500, blank=True)
    method = models.CharField(max_length=10, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username} {self.path}"
