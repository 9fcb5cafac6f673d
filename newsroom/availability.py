"""What the site answers when the database does not: its own 503 page, and a health check.

A database error anywhere in a request (a middleware, a view, a template) reaches Django's
500 handler; this one tells a database that cannot be reached from a bug, and answers the
first with "503 Service Unavailable" and a Retry-After, in the site's own plain page. Cached
pages do not need the database and keep being served. Connections are opened with a short
connect timeout (settings.DATABASES), so a database that stops answering costs a reader
seconds, not the worker's whole timeout; Django replaces a broken connection on the next
request, so the site recovers without a restart.
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import caching

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def unavailable_page():
    # Rendered without a request: no context processors, so no query for the navigation.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


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
