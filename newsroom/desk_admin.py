"""The desk (Django's admin) is loaded by the first request or address that needs it.

Reader workers never serve the desk, yet ``django.contrib.admin``'s default app config imports
every ``admin.py`` at start-up (its ``ready()`` autodiscovers), and with them the editor's forms,
the story merger (lxml), reversion's admin and the two-factor forms: several MiB per worker.
Here the admin app only discovers the ``admin`` modules when the desk's URL conf is first
resolved or reversed (``DeskResolver``), or when the system checks run (so ``manage.py check``
still checks every ``ModelAdmin``).
"""

from django.contrib.admin.apps import SimpleAdminConfig
from django.core import checks
from django.urls import URLResolver
from django.urls.resolvers import RoutePattern


def discover():
    from django.contrib import admin

    admin.autodiscover()  # imports each app's admin module once (Python caches the imports)


def check_admin_app(app_configs, **kwargs):
    from django.contrib.admin.checks import check_admin_app as check

    discover()
    return check(app_configs, **kwargs)


class DeskAdminConfig(SimpleAdminConfig):
    """``django.contrib.admin`` without the discovery at start-up."""

    def ready(self):
        from django.contrib.admin.checks import check_dependencies

        checks.register(check_dependencies, checks.Tags.admin)
        checks.register(check_admin_app, checks.Tags.admin)


class DeskResolver(URLResolver):
    """A namespaced include whose URL conf is imported, after discovery, on first use.

    The root resolver populates every child when any address is reversed; this child takes part
    only once its patterns were needed (an address under its prefix was resolved, or one of its
    names reversed), so a reader page's ``{% url %}`` never loads the desk.
    """

    @property
    def urlconf_module(self):
        discover()
        return super().urlconf_module

    def _populate(self):
        if "url_patterns" in self.__dict__:
            super()._populate()


def desk_include(route, urlconf, namespace):
    """Like ``path(route, include((urlconf, namespace)))``, loaded on first use."""
    pattern = RoutePattern(route, is_endpoint=False)
    return DeskResolver(pattern, urlconf, app_name=namespace, namespace=namespace)
