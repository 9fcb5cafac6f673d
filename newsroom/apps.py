from django.apps import AppConfig
from django.core import checks


class NewsroomConfig(AppConfig):
    """The project package as an app: the site's shared template tags and the page cache."""

    name = "newsroom"
    verbose_name = "Site"

    def ready(self):
        from .caching import watch_content_writes
        from .checks import page_cache_is_shared

        watch_content_writes()
        checks.register(page_cache_is_shared, checks.Tags.caches, deploy=True)
