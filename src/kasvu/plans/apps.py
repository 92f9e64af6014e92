from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Child and youth welfare plans (Child Welfare Act 417/2007 §12) and their follow-up."""

    name = "kasvu.plans"
    label = "plans"
    verbose_name = "Child and youth welfare plans"
