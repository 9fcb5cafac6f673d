"""Whole-page caching of anonymous reader pages that never outlives a commit, and retires only
the pages a write touches.

Each cached page depends on a few *dependencies*, named from its address before it is rendered:

- ``all``: every page (the navigation's sections, flat pages, inspection data, and any write
  this module cannot attribute);
- ``story:<slug>``: one story's own page;
- ``lists``: the pages that list stories (home, section, tag and author pages, the corrections
  page, the feeds and the sitemaps);
- ``related``: what pages show of stories other than their own (a story page's related stories,
  a report's and an organisation's stories): a headline, an address, a publication time.

Each dependency has a generation, a token kept in the default cache, which every process of the
site shares (Redis in production; a directory of files by default, never per-process memory),
and a page's cache key includes the generations of its dependencies. A write moves the
generations of the dependencies it touches once its transaction has committed, so:

- a reader who arrives while the write's transaction is open renders the old content, but
  stores it under the old generations, which the commit retires;
- a transaction moves each generation once, however many rows it writes (one callback per
  transaction); a rolled-back one moves nothing.

Writes are attributed by what they are, whoever makes them: a correction added to a story (its
row names the story), an update of one story row by its id (the "Updated" stamp alone, or a
whole save), and a save through articles.publishing, which says whether anything other pages
show of the story changed. Every other write to a table readers see (the admin, a command, a
bulk update, raw SQL through Django's connection) moves ``all``: the safe fallback.

A scheduled story needs no write to go live, nor does a report whose embargo ends, so the
next such moment is kept beside the generations, and passing it moves ``all`` too.

Staff, and anyone else with a session cookie, bypass the cache entirely: previews of drafts are
never stored, and no page with a CSRF token or a cookie of its own is stored either; their
responses are marked private for any cache in front. Cached pages carry an ETag and a
Cache-Control header that lets a shared cache in front (a proxy or a CDN) keep them for
PROXY_CACHE_SECONDS and revalidate them (see deploy/nginx.conf).

If the cache is down (Redis stopped, say), pages are rendered without it and the outage is
logged once a minute per process, not once per request. A process that saw the cache fail
moves ``all`` as soon as the cache answers again, before it reads a page from it: the writes
made during the outage could not move it, so pages stored before the outage are stale.
"""

import contextlib
import hashlib
import logging
import re
import secrets
import sys
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "content-generation"  # the generation of `all`
NEXT_PUBLICATION_KEY = "content-next-publication"
NO_SCHEDULED_STORY = "none"

EVERYTHING = "all"
LISTS = "lists"
RELATED = "related"


def story_dependency(slug):
    """The dependency of one story's own page."""
    return f"story:{slug}"


def _generation_key(dependency):
    return GENERATION_KEY if dependency == EVERYTHING else f"{GENERATION_KEY}:{dependency}"


# Writes to these tables change what readers see, directly or on another page.
CONTENT_WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?'
    # Not the tables no reader page shows: review links and their visits (an opening is
    # recorded on every visit), and the corrections' unlock rows.
    r"(?!articles_reviewlink|articles_correctionunlock)"
    r"(?:articles_|inspections_|django_flatpage)",
    re.IGNORECASE,
)
# The writes attributed to one story, as Django writes them (a correction added, a story row
# updated by its id); any other statement on a content table moves `all`.
CORRECTION_INSERT = re.compile(r'\s*INSERT\s+INTO\s+"articles_correction"\s*\(([^)]*)\)', re.I)
STORY_UPDATE = re.compile(
    r'\s*UPDATE\s+"articles_article"\s+SET\s+(.*)\s+WHERE\s+"articles_article"\."id"\s*=\s*%s\s*$',
    re.I | re.S,
)
STORY_ROW_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE)\s+"articles_article"\s', re.I)
# A story's columns that no page but its own and the lists show (the "Updated" stamp, the
# desk's bookkeeping); what other pages show of a story is in SHOWN_BESIDE_OTHER_STORIES.
QUIET_COLUMNS = {"updated_at", "modified_at", "modified_by_id", "version"}
SHOWN_BESIDE_OTHER_STORIES = ("headline", "slug", "status", "published_at", "section_id")


OUTAGE_LOG_INTERVAL = 60  # seconds between two log lines about the same outage
# While the cache is down, a process tries it again at most this often; in between, requests
# do not wait for its timeout.
OUTAGE_RETRY_INTERVAL = 2


def cache_errors():
    """What a cache that is down raises: the file cache's errors (a full or missing disk), and
    Redis's once the Redis client is loaded (it is not imported for nothing: it and its
    asyncio client cost a worker megabytes)."""
    redis_exceptions = sys.modules.get("redis.exceptions")
    return (OSError, redis_exceptions.RedisError) if redis_exceptions else (OSError,)


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
    except cache_errors() as error:
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


def generations(dependencies=()):
    """The current generations of `all` and of the given dependencies, as a dict, moving `all`
    first if a scheduled story's publish time has passed since it was last looked up. Raises
    CacheUnavailable if the cache is down."""
    names = [EVERYTHING, *dict.fromkeys(dependencies)]
    keys = [_generation_key(name) for name in names]
    values = cache_call("get_many", [*keys, NEXT_PUBLICATION_KEY])
    next_publication = values.get(NEXT_PUBLICATION_KEY)
    if next_publication is None:
        try:
            next_publication = _next_scheduled_publication()
        except DatabaseError:
            # The database is down: cached pages can still be served; the time is looked up
            # again on the next request.
            next_publication = NO_SCHEDULED_STORY
        else:
            cache_call("set", NEXT_PUBLICATION_KEY, next_publication, timeout=None)
    if next_publication != NO_SCHEDULED_STORY and timezone.now().timestamp() >= next_publication:
        bump_generation()
        return generations(dependencies)
    current = {}
    for name, key in zip(names, keys, strict=True):
        if (value := values.get(key)) is None:
            # A cold or flushed cache, or an evicted key: a fresh value, so that no page stored
            # under an older generation is served again.
            cache_call("add", key, new_generation(), timeout=None)
            value = cache_call("get", key) or new_generation()
        current[name] = value
    return current


def generation():
    """The current generation of `all` (a string). Raises CacheUnavailable if the cache is
    down."""
    return generations()[EVERYTHING]


def bump_generation():
    """Make every cached page stale: one write of a new value, one delete."""
    cache_call("set", GENERATION_KEY, new_generation(), timeout=None)
    cache_call("delete", NEXT_PUBLICATION_KEY)


def bump(dependencies):
    """Make the pages of these dependencies stale (all of them, if `all` is one)."""
    if EVERYTHING in dependencies:
        bump_generation()
    elif dependencies:
        values = {_generation_key(name): new_generation() for name in dependencies}
        cache_call("set_many", values, timeout=None)


class _Touched:
    """What one transaction's writes touched: called once, when it commits."""

    def __init__(self, using):
        self.using = using
        self.dependencies = set()
        self.story_ids = set()  # stories whose own page changed, named by id

    def __call__(self):
        dependencies = set(self.dependencies)
        if self.story_ids and EVERYTHING not in dependencies:
            try:
                slugs = (
                    apps.get_model("articles", "Article")
                    ._base_manager.using(self.using)
                    .filter(pk__in=self.story_ids)
                    .values_list("slug", flat=True)
                )
                dependencies.update(story_dependency(slug) for slug in slugs)
            except DatabaseError:
                dependencies = {EVERYTHING}
        # A cache that is down cannot be told; this process retires the old pages on recovery.
        with contextlib.suppress(CacheUnavailable):
            bump(dependencies)


def content_changed(using=DEFAULT_DB_ALIAS, dependencies=(EVERYTHING,), story_ids=()):
    """Move the dependencies' generations when the current transaction commits (at once,
    outside one). Called for every content write; registers one callback per transaction."""
    connection = connections[using]
    touched = None
    if connection.in_atomic_block:
        touched = next(
            (callback for _, callback, _ in connection.run_on_commit if type(callback) is _Touched),
            None,
        )
    fresh = touched is None
    if fresh:
        touched = _Touched(using)
    touched.dependencies.update(dependencies)
    touched.story_ids.update(story_ids)
    if fresh:
        transaction.on_commit(touched, using=using)  # outside a transaction: called at once


def _attribute(sql, params, many, connection):
    """The dependencies and story ids a content write touches (see the module docstring)."""
    if (story_write := getattr(connection, "newsroom_story_write", None)) and STORY_ROW_WRITE.match(
        sql
    ):
        return story_write, ()
    if (match := CORRECTION_INSERT.match(sql)) and params:
        columns = [column.strip().strip('"') for column in match[1].split(",")]
        if "article_id" in columns:
            index = columns.index("article_id")
            if many:
                return {LISTS}, {row[index] for row in params}
            params = list(params)
            if "UNNEST(" in sql.upper() and isinstance(params[index], list | tuple):
                # PostgreSQL's bulk_create: INSERT ... SELECT * FROM UNNEST(%s::integer[], ...),
                # one array of values per column.
                return {LISTS}, set(params[index])
            # One row or several (bulk_create): the parameters run row after row.
            return {LISTS}, set(params[index :: len(columns)])
    if (match := STORY_UPDATE.match(sql)) and not many and params:
        columns = set(re.findall(r'"(\w+)"\s*=', match[1]))
        shown_elsewhere = set() if columns <= QUIET_COLUMNS else {RELATED}
        return {LISTS} | shown_elsewhere, {params[-1]}
    return {EVERYTHING}, ()


def _watch_content_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if sql[:1] not in ("S", "s") and CONTENT_WRITE.match(sql):
        connection = context["connection"]
        dependencies, story_ids = _attribute(sql, params, many, connection)
        content_changed(connection.alias, dependencies, story_ids)
    return result


@contextlib.contextmanager
def story_saved(article, *, before, using=DEFAULT_DB_ALIAS):
    """Attribute the writes of the story's own row inside the block (``article.save()``) to
    the story's page and the lists, and to the pages showing other stories only if what they
    show of it changed. ``before`` holds SHOWN_BESIDE_OTHER_STORIES as stored (None for a
    new story)."""
    changed = before is None or any(
        before[name] != getattr(article, name) for name in SHOWN_BESIDE_OTHER_STORIES
    )
    slugs = {article.slug, before["slug"] if before else None} - {None, ""}
    dependencies = {LISTS, *(story_dependency(slug) for slug in slugs)}
    if changed:
        dependencies.add(RELATED)
    connection = connections[using]
    previous = getattr(connection, "newsroom_story_write", None)
    connection.newsroom_story_write = dependencies
    try:
        yield
    finally:
        connection.newsroom_story_write = previous


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


# What each reader page depends on besides `all`, by URL name. A page not named here depends on
# `lists` and `related` too: any story write retires it, so a new page is never stale.
LIST_PAGES = {
    "articles:home",
    "articles:section",
    "articles:tag",
    "articles:author",
    "articles:corrections",
    "sitemap",
    "django.contrib.sitemaps.views.sitemap",
    "news_sitemap",
}
PAGES_OF_OTHER_STORIES = {"inspections:report", "inspections:organisation"}
PAGES_WITHOUT_STORIES = {
    "robots_txt",
    "articles:about",
    "inspections:report_list",
    "inspections:report_csv",
    "inspections:report_json",
    "inspections:organisation_list",
    "inspections:inspectorate_list",
    "inspections:inspectorate",
}


def page_dependencies(path):
    """The dependencies of the page at `path`, besides `all` (see the module docstring)."""
    try:
        match = resolve(path)
    except Resolver404:
        return (LISTS, RELATED)
    name = match.view_name
    if name == "articles:detail":
        return (story_dependency(match.kwargs["slug"]), RELATED)
    if name in LIST_PAGES or (name.startswith("articles:") and name.endswith(("_rss", "_atom"))):
        return (LISTS,)
    if name in PAGES_OF_OTHER_STORIES:
        return (RELATED,)
    if name in PAGES_WITHOUT_STORIES:
        return ()
    return (LISTS, RELATED)


# The query parameters reader pages read; any other (utm_source, fbclid, a random value) makes
# no difference to a page, so it is dropped before the view and left out of the key. A search
# (`q`) is rendered every time: anyone can send a new one on every request.
PAGE_PARAMETERS = ("page", "section", "p")
UNCACHED_PARAMETERS = ("q",)


def _has_session(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and not _has_session(request)
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


def _for_shared_caches(response):
    """Let a proxy or CDN in front keep the page briefly and revalidate it by its ETag; a
    browser revalidates every time (max-age=0), which costs a 304 when nothing changed."""
    if hasattr(response, "render") and callable(response.render):
        response.render()
    patch_vary_headers(response, ["Cookie"])
    if not response.has_header("ETag"):
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    if settings.PROXY_CACHE_SECONDS > 0:
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=settings.PROXY_CACHE_SECONDS,
            stale_while_revalidate=settings.PROXY_STALE_SECONDS,
        )
    return response


def _conditional(request, response):
    """304 Not Modified for a GET or HEAD whose If-None-Match names the page's ETag."""
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs of reader pages from the cache (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            response = self.get_response(request)
            if _has_session(request) and not request.path.startswith("/admin/"):
                # A signed-in reader's or editor's page is theirs: no cache in front keeps it.
                patch_cache_control(response, private=True, no_store=True)
            return response
        if settings.PAGE_CACHE_SECONDS <= 0:
            return self._render(request)
        try:
            current = generations(page_dependencies(request.path_info))
            request.content_generation = current[EVERYTHING]
            address = hashlib.sha256(_page_address(request).encode()).hexdigest()
            named = " ".join(f"{name}={value}" for name, value in sorted(current.items()))
            stamp = hashlib.sha256(named.encode()).hexdigest()
            key = f"page:{address}:{stamp[:32]}"
            cached = cache_call("get", key)
        except CacheUnavailable:
            return self._render(request)  # rendered afresh, stored nowhere
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return _conditional(request, cached)
        response = self.get_response(request)
        if _cacheable_response(response):
            _for_shared_caches(response)
            with contextlib.suppress(CacheUnavailable):
                cache_call("set", key, response, settings.PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
            return _conditional(request, response)
        return response

    def _render(self, request):
        response = self.get_response(request)
        if _cacheable_response(response):
            return _conditional(request, _for_shared_caches(response))
        return response
