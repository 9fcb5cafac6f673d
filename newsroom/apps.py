from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The project package as an app: the site's shared template tags and the page cache."""

    name = "newsroom"
    verbose_name = "Site"

    def ready(self):
        from .caching import watch_content_writes

        watch_content_writes()
