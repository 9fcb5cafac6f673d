"""In-process cost of every page of issue 12's table on an archive built by build_archive: median
and 95th percentile milliseconds and queries over repeated requests through Django's test
client (no network), with the page cache off. Run by make bench-scale (scripts/bench_scale.sh).

"warm" is the page cache off and the application's own caches (the navigation, the sitemap's
count and rendered pages) as a running site has them; "cold" is one request right after the
whole cache was emptied, so every one of those is built again. "cpu ms" is the median CPU time
of this process (the database's own work is not in it): on a busy machine it moves less than the
wall-clock figures.
"""

import math
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from articles.sitemaps import StorySitemap  # noqa: E402
from inspections.models import Inspectorate  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
BENCH_USER = "bench-scale-editor"
SLOW_MS = 2000
# BENCH_ONLY=home,sitemap measures only the pages whose names contain one of those words.
ONLY = [word for word in os.environ.get("BENCH_ONLY", "").split(",") if word]


def search(query):
    return f"/search/?q={quote_plus(query)}"


def pages():
    """(name, address, needs a staff session) for each row of the table."""
    stories = Article.objects.published()
    count = stories.count()
    story = stories.filter(reports__isnull=False).order_by("-published_at").first()
    middle = max(1, math.ceil(count / StorySitemap.limit) // 2)
    section = Section.objects.order_by("position").first()
    inspectorate = Inspectorate.objects.order_by("pk").last()
    yield "search, common word (police)", search("police"), False
    yield "search, three words", search("police council budget"), False
    yield "search, quoted phrase", search('"chief constable"'), False
    yield "search, rarer word (reservoir)", search("reservoir"), False
    yield f"stories sitemap, page {middle}", f"/sitemap-stories.xml?p={middle}", False
    yield "sitemap index", "/sitemap.xml", False
    yield "tags sitemap", "/sitemap-tags.xml", False
    yield "inspectorate page", inspectorate.get_absolute_url(), False
    yield "organisation list", "/inspections/organisations/", False
    yield "home", "/", False
    yield "corrections page", "/corrections/", False
    yield "admin story list, page 1", "/admin/articles/article/", True
    yield (
        "admin story list, filtered",
        f"/admin/articles/article/?status=published&section__id__exact={section.pk}",
        True,
    )
    yield "admin story list, search police", "/admin/articles/article/?q=police", True
    yield "admin story change form", f"/admin/articles/article/{story.pk}/change/", True
    yield "story page, uncached", story.get_absolute_url(), False


def staff_client():
    """An editor signed in as after the whole sign-in (password, then the authenticator code)."""
    user, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def request(client, url):
    reset_queries()  # the query log is a bounded deque; start each request on an empty one
    with CaptureQueriesContext(connection) as captured:
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, HTTP_HOST="127.0.0.1", secure=True)
        elapsed = (time.perf_counter() - start) * 1000
        cpu = (time.process_time() - start_cpu) * 1000
    return elapsed, cpu, len(captured), len(response.content), response.status_code


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def main():
    settings.PAGE_CACHE_SECONDS = 0
    reader, staff = Client(raise_request_exception=False), staff_client()
    print(f"{Article.objects.published().count()} published stories on {connection.vendor}")
    columns = [("median ms", 9), ("p95 ms", 8), ("cpu ms", 9), ("queries", 7), ("cold ms", 8)]
    columns.append(("bytes", 8))
    header = f"{'page':<36}" + "".join(f" {name:>{width}}" for name, width in columns)
    print(header)
    print("-" * len(header))
    for name, url, as_staff in pages():
        if ONLY and not any(word in name for word in ONLY):
            continue
        client = staff if as_staff else reader
        cache.clear()
        cold_ms, _, _, _, _ = request(client, url)
        # A page that takes seconds is measured three times, not twenty (as issue 12 did).
        runs = RUNS if cold_ms < SLOW_MS else min(RUNS, 3)
        times, cpu_times, statuses = [], [], set()
        for _ in range(runs):
            elapsed, cpu, queries, size, status = request(client, url)
            times.append(elapsed)
            cpu_times.append(cpu)
            statuses.add(status)
        note = "" if statuses == {200} else f"  status {sorted(statuses)}"
        note += "" if runs == RUNS else f"  ({runs} runs)"
        print(
            f"{name:<36} {statistics.median(times):>9.1f} {percentile(times, 0.95):>8.1f}"
            f" {statistics.median(cpu_times):>9.1f} {queries:>7} {cold_ms:>8.1f} {size:>8}{note}",
            flush=True,
        )
    User.objects.filter(username=BENCH_USER).delete()


if __name__ == "__main__":
    main()
