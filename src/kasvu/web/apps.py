from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages for people: area profiles, indicators, plans, reports."""

    name = "kasvu.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kasvu.web.pagecache import on_model_change

        post_save.connect(on_model_change, dispatch_uid="kasvu.web.pagecache.save")
        post_delete.connect(on_model_change, dispatch_uid="kasvu.web.pagecache.delete")
