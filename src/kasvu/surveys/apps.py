from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """Survey rounds: codebooks, response microdata (analysts only) and publication into the bank."""

    name = "kasvu.surveys"
    label = "surveys"
    verbose_name = "Surveys"
    default_auto_field = "django.db.models.BigAutoField"
