from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "kasvu.collection"
    label = "collection"
    verbose_name = "Data collection rounds"
    default_auto_field = "django.db.models.BigAutoField"
