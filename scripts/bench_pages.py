"""In-process cost of each reader page: median milliseconds and queries over repeated requests
through Django's test client (no network): cold (the whole cache emptied first, as after a write),
uncached (the page cache off, fragments cached) and from the page cache. Run by make bench."""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "200"))


def pages():
    story = Article.objects.published().earliest()
    yield "story", story.get_absolute_url()
    yield "home", "/"
    yield "section", story.section.get_absolute_url()
    yield "author", story.bylines.first().author.get_absolute_url()
    yield "report", story.reports.first().get_absolute_url()
    yield "search", "/search/?q=police"
    yield "corrections", "/corrections/"
    yield "feed", "/feeds/latest.rss"


def measure(client, url, *, cold):
    times, queries = [], 0
    for _ in range(RUNS):
        if cold:
            cache.clear()
        reset_queries()  # the query log is a bounded deque; start each request on an empty one
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(times), queries, len(response.content)


def main():
    client = Client()
    print(
        f"{'page':<12} {'cold ms':>8} {'queries':>7} {'uncached ms':>11} {'queries':>7} "
        f"{'cached ms':>9} {'bytes':>7}"
    )
    for name, url in pages():
        settings.PAGE_CACHE_SECONDS = 0
        cold_ms, cold_queries, size = measure(client, url, cold=True)
        uncached_ms, queries, _ = measure(client, url, cold=False)
        settings.PAGE_CACHE_SECONDS = 300
        cached_ms, _, _ = measure(client, url, cold=False)
        print(
            f"{name:<12} {cold_ms:>8.2f} {cold_queries:>7} {uncached_ms:>11.2f} {queries:>7} "
            f"{cached_ms:>9.2f} {size:>7}"
        )


if __name__ == "__main__":
    main()
