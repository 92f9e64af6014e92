from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages for people: area profiles, indicators, plans, reports."""

    name = "kasvu.web"
    label = "web"
    verbose_name = "Web"
