"""System checks for the settings a deployment must get right."""

from django.conf import settings
from django.core.checks import Error

# Backends that keep entries in each process's own memory, or keep none at all.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def page_cache_is_shared(app_configs, **kwargs):
    """The page cache's content generation lives in the default cache (newsroom/caching.py):
    in one process's memory, a write made through another worker would not retire its pages."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.PAGE_CACHE_SECONDS <= 0 or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The page cache is on but the default cache ({backend.rsplit('.', 1)[-1]}) is not "
            "shared between processes: a worker would serve pages older than another worker's "
            "last write.",
            hint="Set CACHE_URL to a cache every process shares (redis://host:6379/1, or leave "
            "it unset for the file cache in CACHE_DIR), or set PAGE_CACHE_SECONDS=0.",
            id="newsroom.E001",
        )
    ]
