from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages for people: area profiles, indicators, plans, reports."""

    name = "kasvu.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save, pre_migrate

        from kasvu import precompute
        from kasvu.bank.signals import observations_changed
        from kasvu.web import pagecache

        observations_changed.connect(precompute.request, dispatch_uid="kasvu.precompute.request")
        observations_changed.connect(pagecache.forget_state, dispatch_uid="kasvu.web.pagecache.forget")
        post_save.connect(precompute.on_membership_change, dispatch_uid="kasvu.precompute.membership_saved")
        post_delete.connect(
            precompute.on_membership_change, dispatch_uid="kasvu.precompute.membership_deleted"
        )
        post_save.connect(pagecache.on_model_change, dispatch_uid="kasvu.web.pagecache.save")
        post_delete.connect(pagecache.on_model_change, dispatch_uid="kasvu.web.pagecache.delete")
        pre_migrate.connect(pagecache.migrating, dispatch_uid="kasvu.web.pagecache.migrating")
        post_migrate.connect(pagecache.migrated, dispatch_uid="kasvu.web.pagecache.migrated")
