from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    """Development-needs analyses and the knowledge bank of practices, projects, networks and experts."""

    name = "kasvu.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge bank"

    def ready(self) -> None:
        from kasvu.knowledge import signals  # noqa: F401 - connects the FTS5 index
