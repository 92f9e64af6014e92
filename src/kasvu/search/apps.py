from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Site search over areas, indicators, plans and the knowledge bank, with Finnish morphology."""

    name = "kasvu.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kasvu.search import signals  # noqa: F401 - marks the index stale when its sources change

        post_migrate.connect(_entry_terms_after_migrate, sender=self, dispatch_uid="search_entry_terms")


def _entry_terms_after_migrate(using: str = "default", **kwargs: object) -> None:
    """After an upgrade (or once Voikko is installed), remake the knowledge bank's terms with it."""
    from kasvu.search import index

    if using == "default":
        index.refresh((index.ENTRY,))
