from django.apps import AppConfig

#: Source names by attribution text, kept once found (a survey's attribution text changes with its name).
_names: dict[str, tuple[str, str, str]] = {}


def source_names(text: str) -> tuple[str, str, str] | None:
    """The names (fi, sv, en) of the source whose attribution is ``text``: a survey round's attribution is
    its English name and round, and its pages in Finnish and Swedish name it in their language."""
    if text not in _names:
        from django.db import DatabaseError

        from kasvu.bank.models import Source

        try:
            source = Source.objects.filter(attribution=text).only("name_fi", "name_sv", "name_en").first()
        except (DatabaseError, RuntimeError):  # no database here (a pure test, a report built offline)
            return None
        if source is None:
            return None
        _names[text] = (source.name("fi"), source.name("sv"), source.name("en"))
    return _names[text]


class BankConfig(AppConfig):
    """The indicator bank: areas, indicators, observations and their imports."""

    name = "kasvu.bank"
    label = "bank"
    verbose_name = "Indicator bank"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kasvu.labels import set_attribution_names

        set_attribution_names(source_names)
