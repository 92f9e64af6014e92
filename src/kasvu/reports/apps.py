from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kasvu.reports"
    label = "reports"
    verbose_name = "Reports"
