"""A password check Django's validators leave out: the username written inside the password.

Django's ``UserAttributeSimilarityValidator`` compares the whole password with the username, so
"viewer1viewer1" for the user viewer1 (similarity 0.67, under its 0.7) passes. Whoever knows the
username would try it first.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_USERNAME = 3  # shorter usernames ("al") occur in too many good passwords to refuse them


class UsernameInPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = str(getattr(user, "username", "") or "").lower()
        if len(username) >= MIN_USERNAME and username in password.lower():
            raise ValidationError(
                _("The password must not contain the username."), code="password_contains_username"
            )

    def get_help_text(self) -> str:
        return _("Your password must not contain your username.")
