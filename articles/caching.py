"""Whole-page caching of anonymous reader pages that can never serve a stale story.

Every cache key includes a site-wide content generation number. Any write to content readers
can see (a story, byline, correction, report, grade, flat page...) increments it, so the next
request renders afresh. A scheduled story needs no write to go live, so the time of the next
scheduled publication is kept beside the generation and passing it also moves the generation.

Staff, and anyone else with a session cookie, bypass the cache entirely: previews of drafts are
never stored, and no page with a CSRF token or a cookie of its own is stored either.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "content-generation"
NEXT_PUBLICATION_KEY = "content-next-publication"
NO_SCHEDULED_STORY = "none"
# Models whose rows readers see, directly or on another page.
CONTENT_APPS = {"articles", "inspections", "flatpages"}


def generation():
    values = cache.get_many([GENERATION_KEY, NEXT_PUBLICATION_KEY])
    current = values.get(GENERATION_KEY)
    if current is None:
        # A cold or flushed cache: start from the clock so keys never repeat an old generation.
        current = int(timezone.now().timestamp() * 1000)
        cache.add(GENERATION_KEY, current, timeout=None)
        current = cache.get(GENERATION_KEY, current)
    next_publication = values.get(NEXT_PUBLICATION_KEY)
    if next_publication is None:
        next_publication = _next_scheduled_publication()
        cache.set(NEXT_PUBLICATION_KEY, next_publication, timeout=None)
    if next_publication != NO_SCHEDULED_STORY and timezone.now().timestamp() >= next_publication:
        bump_generation()
        return generation()
    return current


def bump_generation(**kwargs):
    """Make every cached page stale. Cheap: one increment and one delete."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, int(timezone.now().timestamp() * 1000), timeout=None)
    cache.delete(NEXT_PUBLICATION_KEY)


def _next_scheduled_publication():
    from articles.models import Article, Status

    upcoming = (
        Article.objects.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return upcoming.timestamp() if upcoming else NO_SCHEDULED_STORY


def _bump_for_content(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        bump_generation()


def connect_signals():
    """Called from ArticlesConfig.ready(): cache invalidation, not domain logic."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_bump_for_content, dispatch_uid=f"newsroom-page-cache-{signal!r}")


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith("/admin/")
    )


def _cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-cache" not in cache_control
        and "no-store" not in cache_control
        and "Cookie" not in response.get("Vary", "")
    )


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs of reader pages from the cache (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PAGE_CACHE_SECONDS <= 0 or not _cacheable_request(request):
            return self.get_response(request)
        request.content_generation = generation()
        key = f"page:{request.content_generation}:{request.get_host()}:{request.get_full_path()}"
        cached = cache.get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if _cacheable_response(response):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            patch_vary_headers(response, ["Cookie"])
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
