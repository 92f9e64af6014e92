from django.apps import AppConfig


class BankConfig(AppConfig):
    """The indicator bank: areas, indicators, observations and their imports."""

    name = "kasvu.bank"
    label = "bank"
    verbose_name = "Indicator bank"
    default_auto_field = "django.db.models.BigAutoField"
