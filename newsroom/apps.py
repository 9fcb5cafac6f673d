from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class NewsroomConfig(AppConfig):
    """The project package as an app: the site's shared template tags and the page cache."""

    name = "newsroom"
    verbose_name = "Site"

    def ready(self):
        from .caching import watch_content_writes
        from .checks import page_cache_is_shared
        from .management import site_from_settings

        watch_content_writes()
        checks.register(page_cache_is_shared, checks.Tags.caches, deploy=True)
        # After every migrate, so a changed SITE_URL or PUBLISHER_NAME reaches the Site row.
        post_migrate.connect(
            site_from_settings,
            sender=self.apps.get_app_config("sites"),
            dispatch_uid="newsroom-site-from-settings",
        )
