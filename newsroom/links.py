"""Addresses of the site's pages, each worked out once per process.

``django.urls.reverse`` walks the URL patterns on every call; a story page asks for some two
dozen addresses (navigation, footer, section, tags, bylines, related stories), the same ones on
every page or the same ones again for the same story. ``reverse`` here gives the same answer
from a bounded memo, keyed by everything Django's answer depends on: the view name, its
arguments, the script prefix and the URLconf in force.
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse


def reverse(viewname, *args, **kwargs):
    """``django.urls.reverse(viewname, args=args, kwargs=kwargs)``, memoised."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(viewname, args, tuple(sorted(kwargs.items())), get_script_prefix(), urlconf)


@lru_cache(maxsize=8192)
def _reverse(viewname, args, kwargs, prefix, urlconf):
    return django_reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    # Django clears its own URL caches when tests change these; the memo follows it.
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _reverse.cache_clear()
