"""Creating, checking and revoking API tokens.

A key is ``kasvu_`` followed by 43 random URL-safe characters (256 bits). Only its SHA-256 is stored:
a key this random needs no slow password hash, and a lookup by hash is one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from kasvu.api.models import ApiToken

PREFIX = "kasvu_"
#: ``last_used`` is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


class TokenNotFound(Exception):
    """No active token has that id or name."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_token(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and the key, which is never shown again."""
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=key[:12], key_hash=hash_key(key))
    return token, key


def verify(key: str) -> ApiToken | None:
    """The active token with this key (its user active too), or None."""
    if not key.startswith(PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used is None or now - token.last_used > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token


def revoke(user: Any, name_or_id: str) -> ApiToken:
    """Revoke the user's token named (or numbered) ``name_or_id``."""
    tokens = ApiToken.objects.filter(user=user, revoked__isnull=True)
    token = tokens.filter(name=name_or_id).first()
    if token is None and name_or_id.isdigit():
        token = tokens.filter(pk=int(name_or_id)).first()
    if token is None:
        raise TokenNotFound(
            f"{user.get_username()} has no active token {name_or_id!r}. See `kasvu users tokens`."
        )
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])
    return token
