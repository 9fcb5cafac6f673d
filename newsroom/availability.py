"""What the site answers when the database does not: its own 503 page, and a health check.

A database error anywhere in a request (a middleware, a view, a template) reaches Django's
500 handler; this one tells a database that cannot be reached from a bug, and answers the
first with "503 Service Unavailable" and a Retry-After, in the site's own plain page. Cached
pages do not need the database and keep being served. Connections are opened with a short
connect timeout (settings.DATABASES), so a database that stops answering costs a reader
seconds, not the worker's whole timeout; Django replaces a broken connection on the next
request, so the site recovers without a restart.

Reader pages also have a time limit per query (``reader_time_limit``, applied by
``newsroom.site.reader_pages``): a query that runs past settings.READER_STATEMENT_TIMEOUT_MS
is stopped by the database and the reader gets a plain 503, so no reader request (a search
for a word in every story, say) can hold a worker for long.
"""

import functools
import sys
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import caching

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement stopped by its timeout
SQLITE_STEPS_PER_CHECK = 10_000


def unavailable_page():
    # Rendered without a request: no context processors, so no query for the navigation.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def ran_out_of_time(error):
    """Whether a database error is a query stopped by its time limit."""
    cause = error.__cause__ or error
    if connection.vendor == "sqlite":
        return str(cause) == "interrupted"
    return getattr(cause, "sqlstate", getattr(cause, "pgcode", None)) == QUERY_CANCELED


def too_slow_page(request):
    response = HttpResponse(loader.render_to_string("503_too_slow.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


@contextmanager
def statement_time_limit(milliseconds):
    """Every query in the block may run for ``milliseconds`` at most.

    PostgreSQL: ``SET statement_timeout`` on the connection before the block's first query and
    ``RESET`` (back to the connection's own limit) after it, sent on the driver's connection
    so that a page's query count is unchanged; a block with no query costs nothing. A SET
    inside a transaction that fails is undone by its rollback. SQLite: a progress handler
    interrupts a statement once its deadline has passed (checked every few thousand steps)."""
    state = {"deadline": None, "set": False}
    vendor = connection.vendor

    def limit(execute, sql, params, many, context):
        if vendor == "postgresql" and not state["set"]:
            with connection.wrap_database_errors, connection.connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {int(milliseconds)}")
            state["set"] = True
        elif vendor == "sqlite":
            state["deadline"] = time.monotonic() + milliseconds / 1000
            if not state["set"]:
                connection.connection.set_progress_handler(
                    lambda: time.monotonic() > state["deadline"], SQLITE_STEPS_PER_CHECK
                )
                state["set"] = True
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(limit):
            yield
    finally:
        if state["set"] and connection.connection is not None:
            if vendor == "sqlite":
                connection.connection.set_progress_handler(None, 0)
            else:
                try:
                    with connection.connection.cursor() as cursor:
                        cursor.execute("RESET statement_timeout")
                except Exception:  # noqa: BLE001, S110 (a failed transaction's rollback undoes it)
                    pass


def reader_time_limit(view):
    """Run a reader page under settings.READER_STATEMENT_TIMEOUT_MS, unless the request has a
    session (staff): a query that runs out of time gets the plain 503 page, not a 500."""

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        milliseconds = settings.READER_STATEMENT_TIMEOUT_MS
        if not milliseconds or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        try:
            with statement_time_limit(milliseconds):
                response = view(request, *args, **kwargs)
                if callable(getattr(response, "render", None)) and not response.is_rendered:
                    response.render()  # a TemplateResponse's queries run inside the limit too
                return response
        except DatabaseError as error:
            if not ran_out_of_time(error):
                raise
            return too_slow_page(request)

    return limited


def server_error(request):
    """handler500: a database that cannot be reached gets 503; anything else is a 500."""
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        return unavailable_page()
    return HttpResponseServerError(loader.render_to_string("500.html"))


@never_cache
@require_safe
def healthz(request):
    """For a load balancer: 200 when the database answers, 503 when it does not. The cache
    is reported but does not make the site unhealthy: pages render without it."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
    try:
        caching.cache_call("get", caching.GENERATION_KEY)
        checks["cache"] = "ok"
    except caching.CacheUnavailable:
        checks["cache"] = "unavailable"
    return JsonResponse(checks, status=200 if checks["database"] == "ok" else 503)
