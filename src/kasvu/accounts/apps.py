from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users' roles and areas, and the audit log of sign-ins and denied requests."""

    name = "kasvu.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from kasvu.accounts import signals  # noqa: F401 - connects the audit receivers
