"""Whole-page caching of anonymous reader pages that never outlives a commit.

Every cache key includes the content generation, a token kept in the default cache, which every
process of the site shares (Redis in production; a directory of files by default, never
per-process memory). Any write to a table readers see, whoever makes it (the admin, a command,
a bulk update, raw SQL through Django's connection), gives the generation a new value once
its transaction has committed, so:

- a reader who arrives while the write's transaction is open renders the old content, but
  stores it under the old generation, which the commit retires;
- a transaction moves the generation once, however many rows it writes; a rolled-back one
  does not move it at all.

A scheduled story needs no write to go live, nor does a report whose embargo ends, so the
next such moment is kept beside the generation, and passing it moves the generation too.

Staff, and anyone else with a session cookie, bypass the cache entirely: previews of drafts are
never stored, and no page with a CSRF token or a cookie of its own is stored either.

If the cache is down (Redis stopped, say), pages are rendered without it and the outage is
logged once a minute per process, not once per request. A process that saw the cache fail
moves the generation as soon as the cache answers again, before it reads a page from it: the
writes made during the outage could not move it, so pages stored before the outage are stale.
"""

import contextlib
import hashlib
import logging
import re
import secrets
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.http import QueryDict
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

GENERATION_KEY = "content-generation"
NEXT_PUBLICATION_KEY = "content-next-publication"
NO_SCHEDULED_STORY = "none"
# Writes to these tables change what readers see, directly or on another page.
CONTENT_WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?'
    # Not the tables no reader page shows: review links and their visits (an opening is
    # recorded on every visit), and the corrections' unlock rows.
    r"(?!articles_reviewlink|articles_correctionunlock)"
    r"(?:articles_|inspections_|django_flatpage)",
    re.IGNORECASE,
)


OUTAGE_LOG_INTERVAL = 60  # seconds between two log lines about the same outage
# While the cache is down, a process tries it again at most this often; in between, requests
# do not wait for its timeout.
OUTAGE_RETRY_INTERVAL = 2


# What a cache that is down raises: Redis's errors, and the file cache's (a full or missing disk).
CACHE_ERRORS = (RedisError, OSError)


class CacheUnavailable(Exception):
    """The cache did not answer; the caller goes on without it."""


class _Outage:
    """This process's view of the cache's health (one per process, shared by its threads)."""

    lock = threading.Lock()
    down = False
    logged_at = 0.0
    retry_at = 0.0


def cache_call(operation, *args, **kwargs):
    """Run one cache operation; raise CacheUnavailable if the cache is down. The first call
    that succeeds after a failure moves the generation (see the module docstring)."""
    if _Outage.down and time.monotonic() < _Outage.retry_at:
        raise CacheUnavailable
    try:
        result = getattr(cache, operation)(*args, **kwargs)
    except CACHE_ERRORS as error:
        _note_outage(error)
        raise CacheUnavailable from error
    if _Outage.down:
        _recover()  # moves the generation: read again what was read before it moved
        return cache_call(operation, *args, **kwargs)
    return result


def _note_outage(error):
    with _Outage.lock:
        _Outage.down = True
        now = time.monotonic()
        _Outage.retry_at = now + OUTAGE_RETRY_INTERVAL
        if now - _Outage.logged_at < OUTAGE_LOG_INTERVAL:
            return
        _Outage.logged_at = now
    logger.error("Cache unavailable; serving pages without it: %r", error)


def _recover():
    with _Outage.lock:
        if not _Outage.down:
            return
        _Outage.down = False
    try:
        bump_generation()
    except CacheUnavailable:
        return
    logger.warning("Cache available again; cached pages from before the outage retired.")


def new_generation():
    """A value no earlier generation had: time-ordered, with a random tail for ties."""
    return f"{time.time_ns():x}{secrets.token_hex(3)}"


def generation():
    """The current content generation (a string), moving it first if a scheduled story's
    publish time has passed since it was set. Raises CacheUnavailable if the cache is down."""
    values = cache_call("get_many", [GENERATION_KEY, NEXT_PUBLICATION_KEY])
    current = values.get(GENERATION_KEY)
    if current is None:
        # A cold or flushed cache: a fresh value, so no key of an older generation is reused.
        cache_call("add", GENERATION_KEY, new_generation(), timeout=None)
        current = cache_call("get", GENERATION_KEY)
    next_publication = values.get(NEXT_PUBLICATION_KEY)
    if next_publication is None:
        try:
            next_publication = _next_scheduled_publication()
        except DatabaseError:
            # The database is down: cached pages can still be served; the time is looked up
            # again on the next request.
            return current
        cache_call("set", NEXT_PUBLICATION_KEY, next_publication, timeout=None)
    if next_publication != NO_SCHEDULED_STORY and timezone.now().timestamp() >= next_publication:
        bump_generation()
        return generation()
    return current


def bump_generation():
    """Make every cached page stale: one write of a new value, one delete."""
    cache_call("set", GENERATION_KEY, new_generation(), timeout=None)
    cache_call("delete", NEXT_PUBLICATION_KEY)


def content_changed(using=DEFAULT_DB_ALIAS):
    """Move the generation when the current transaction commits (at once, outside one).

    Called for every content write; registers at most one callback per transaction.
    """
    connection = connections[using]
    if connection.in_atomic_block and any(
        callback is _bump_after_commit for _, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_bump_after_commit, using=using)


def _bump_after_commit():
    # A cache that is down cannot be told; this process retires the old pages on recovery.
    with contextlib.suppress(CacheUnavailable):
        bump_generation()


def _watch_content_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if sql[:1] not in ("S", "s") and CONTENT_WRITE.match(sql):
        content_changed(context["connection"].alias)
    return result


def _install_write_watch(sender, connection, **kwargs):
    if _watch_content_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_content_writes)


def watch_content_writes():
    """Called once at start-up (NewsroomConfig.ready): every database connection, in every
    process and thread, reports its content writes."""
    connection_created.connect(_install_write_watch, dispatch_uid="newsroom-content-writes")
    for connection in connections.all(initialized_only=True):
        _install_write_watch(None, connection)


def _next_scheduled_publication():
    """The next moment content goes public with no write: a scheduled story's publish time,
    or the end of a report's embargo."""
    article_model = apps.get_model("articles", "Article")
    report_model = apps.get_model("inspections", "InspectionReport")
    upcoming = [
        article_model.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first(),
        report_model.objects.filter(embargo_until__gt=timezone.now())
        .order_by("embargo_until")
        .values_list("embargo_until", flat=True)
        .first(),
    ]
    upcoming = [moment for moment in upcoming if moment is not None]
    return min(upcoming).timestamp() if upcoming else NO_SCHEDULED_STORY


# The query parameters reader pages read; any other (utm_source, fbclid, a random value) makes
# no difference to a page, so it is dropped before the view and left out of the key. A search
# (`q`) is rendered every time: anyone can send a new one on every request.
PAGE_PARAMETERS = ("page", "section", "p")
UNCACHED_PARAMETERS = ("q",)


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith("/admin/")
        and not any(name in request.GET for name in UNCACHED_PARAMETERS)
    )


def _page_address(request):
    """The page's address as the cache knows it: the path and the parameters pages read, in a
    fixed order. The request keeps only those parameters, so the view renders what the key
    names."""
    kept = QueryDict(mutable=True)
    for name in PAGE_PARAMETERS:
        if name in request.GET:
            kept.setlist(name, request.GET.getlist(name))
    request.GET = kept
    query = kept.urlencode()
    return f"{request.get_host()}{request.path}{'?' if query else ''}{query}"


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
        try:
            request.content_generation = generation()
            address = hashlib.sha256(_page_address(request).encode()).hexdigest()
            key = f"page:{request.content_generation}:{address}"
            cached = cache_call("get", key)
        except CacheUnavailable:
            return self.get_response(request)  # rendered afresh, stored nowhere
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if _cacheable_response(response):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            patch_vary_headers(response, ["Cookie"])
            with contextlib.suppress(CacheUnavailable):
                cache_call("set", key, response, settings.PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
        return response
