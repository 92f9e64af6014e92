"""kasvu users add|list: accounts with a role (and areas for municipal editors)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kasvu.accounts.models import Profile, Role
from kasvu.bank.areas import AmbiguousArea, AreaNotFound, find_area


class Command(BaseCommand):
    help = "Add or list users with their roles."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a user, or change an existing user's role and areas.")
        add.add_argument("username")
        add.add_argument("--role", choices=Role.values, required=True)
        add.add_argument(
            "--areas",
            nargs="*",
            default=[],
            metavar="CODE",
            help="Municipalities (or groups) a municipal editor may edit.",
        )
        add.add_argument("--email", default="")
        add.add_argument(
            "--password-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of asking.",
        )
        sub.add_parser("list", help="List users and roles.")
        token = sub.add_parser("token", help="Create an API token for a user; the key is shown once.")
        token.add_argument("username")
        token.add_argument("--name", required=True, help="What the token is for, e.g. 'nightly report'.")
        sub.add_parser("tokens", help="List API tokens (never their keys).")
        revoke = sub.add_parser("revoke-token", help="Revoke a user's API token by name or id.")
        revoke.add_argument("username")
        revoke.add_argument("token", help="The token's name or id (see `kasvu users tokens`).")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] in ("token", "tokens", "revoke-token"):
            self._tokens(opts)
            return
        if opts["action"] == "list":
            self._list()
            return
        try:
            areas = [find_area(ref) for ref in opts["areas"]]
        except (AreaNotFound, AmbiguousArea) as exc:
            raise CommandError(str(exc)) from exc
        if opts["role"] == Role.MUNICIPAL_EDITOR and not areas:
            raise CommandError("A municipal editor needs --areas CODE ... (the municipalities they edit).")
        User = get_user_model()
        user = User.objects.filter(username=opts["username"]).first()
        password = None
        if user is None or opts["password_env"]:
            password = os.environ.get(opts["password_env"]) if opts["password_env"] else getpass.getpass()
            if not password:
                raise CommandError(f"No password: set {opts['password_env'] or 'one at the prompt'}.")
            # A new user is checked as the user it will be, so the password may not resemble the username.
            candidate = user or User(username=opts["username"], email=opts["email"])
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(opts["username"], opts["email"], password)
            elif password:
                user.set_password(password)
            # Regional administrators use the admin (the audit log, docs/security.md); others do not.
            user.is_staff = user.is_superuser or opts["role"] == Role.REGIONAL_ADMIN
            user.save()
            profile, _ = Profile.objects.update_or_create(user=user, defaults={"role": opts["role"]})
            profile.areas.set(areas)
        self.stdout.write(
            f"{user.username}: {profile.get_role_display()}"
            + (f" for {', '.join(a.name() for a in areas)}" if areas else "")
        )

    def _list(self) -> None:
        profiles = list(
            Profile.objects.select_related("user").prefetch_related("areas").order_by("user__username")
        )
        for p in profiles:
            areas = ", ".join(a.code for a in p.areas.all())
            self.stdout.write(f"{p.user.username:<20} {p.role:<18} {areas}")
        if not profiles:
            self.stdout.write("No users yet. Add one with `kasvu users add NAME --role regional_admin`.")

    def _tokens(self, opts: dict[str, Any]) -> None:
        from kasvu.api import tokens
        from kasvu.api.models import ApiToken

        if opts["action"] == "tokens":
            for t in ApiToken.objects.select_related("user"):
                used = f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "never used"
                state = "revoked" if t.revoked else "active"
                self.stdout.write(
                    f"{t.pk:>4} {t.user.username:<20} {t.name:<24} {t.prefix}… {state:<8} {used}"
                )
            return
        user = get_user_model().objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"No user {opts['username']!r}. Add one with `kasvu users add`.")
        if opts["action"] == "revoke-token":
            try:
                token = tokens.revoke(user, opts["token"])
            except tokens.TokenNotFound as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"revoked {token}")
            return
        token, key = tokens.create_token(user, opts["name"])
        self.stdout.write(
            f"API token {token.name!r} for {user.username} (id {token.pk}). Keep the key secret;"
        )
        self.stdout.write("it is shown only now. Send it as 'Authorization: Bearer <key>'.")
        self.stdout.write(key)
