"""A Redis outage does not take the site down: a real redis-server, started, stopped and frozen
by the test. Readers get pages rendered without the cache, staff log in and save, the outage is
logged once rather than per request, and no page from before the outage's last write is served
once the cache answers again."""

import logging
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from newsroom import caching

from .desk_fixtures import change_url, form_data

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS is None and os.environ.get("CI") != "true", reason="redis-server is not installed"
)


class RedisServer:
    """A throwaway redis-server on a free port of 127.0.0.1; its data (an append-only file in
    `workdir`) survives a stop and start, as a production Redis's does."""

    def __init__(self, workdir):
        self.workdir = workdir
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                REDIS,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def freeze(self):
        """Still listening, never answering: as a Redis on a dead network path looks."""
        self.process.send_signal(signal.SIGSTOP)


@pytest.fixture
def redis_server(settings, tmp_path, monkeypatch):
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    settings.PAGE_CACHE_SECONDS = 300
    caching._Outage.down, caching._Outage.logged_at = False, 0.0
    monkeypatch.setattr(caching, "OUTAGE_RETRY_INTERVAL", 0)  # try the cache on every request
    yield server
    server.stop()
    caching._Outage.down, caching._Outage.logged_at = False, 0.0


READER_PAGES = [
    "/",
    "/section/news/",
    "/search/?q=force",
    "/corrections/",
    "/feeds/latest.rss",
    "/feeds/corrections.atom",
    "/sitemap.xml",
    "/news-sitemap.xml",
]


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_readers_get_every_page_with_redis_down_and_the_outage_is_logged_once(
    client, make_article, redis_server, caplog, outage, monkeypatch
):
    story = make_article(headline="Force told to improve")
    if outage == "stopped":
        redis_server.stop()  # refused at once: every request may try it
    else:
        redis_server.freeze()  # each try waits for the timeout: tried once in a while
        monkeypatch.setattr(caching, "OUTAGE_RETRY_INTERVAL", 2)
    with caplog.at_level(logging.ERROR, logger="newsroom.caching"):
        for _ in range(3):
            for path in [*READER_PAGES, story.get_absolute_url()]:
                response = client.get(path)
                assert response.status_code == 200, path
                assert "X-Page-Cache" not in response  # rendered afresh, stored nowhere
    outage_lines = [r for r in caplog.records if "Cache unavailable" in r.getMessage()]
    assert len(outage_lines) == 1


def test_while_the_cache_is_down_requests_do_not_wait_for_it_every_time(
    client, make_article, redis_server, monkeypatch
):
    monkeypatch.setattr(caching, "OUTAGE_RETRY_INTERVAL", 60)
    make_article()
    redis_server.freeze()
    assert client.get("/").status_code == 200  # waits for the timeout once
    attempts = []
    real_cache = caching.cache

    class CountingCache:
        def __getattr__(self, name):
            attempts.append(name)
            return getattr(real_cache, name)

    monkeypatch.setattr(caching, "cache", CountingCache())
    for _ in range(5):
        assert client.get("/").status_code == 200
    assert attempts == []  # no request waited for a cache it knows is down


@pytest.mark.django_db(transaction=True)
def test_staff_log_in_and_save_with_redis_stopped(client, make_article, redis_server, settings):
    settings.STAFF_2FA_REQUIRED = False  # the password step is what meets the cache; no code here
    story = make_article(headline="Before the outage", status=Status.DRAFT, published_at=None)
    User.objects.create_superuser("chief", password="a-long-pass-phrase-1")
    redis_server.stop()
    login = client.post(
        reverse("admin:login"), {"username": "chief", "password": "a-long-pass-phrase-1"}
    )
    assert login.status_code == 302
    preview = client.get(story.get_absolute_url())
    assert preview.status_code == 200
    data = form_data(client.get(change_url(story))) | {"headline": "Saved during the outage"}
    assert client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.headline == "Saved during the outage"


@pytest.mark.django_db(transaction=True)
def test_no_page_from_before_the_outages_last_write_is_served_after_it(
    client, make_article, redis_server
):
    story = make_article(headline="Written before the outage")
    client.get(story.get_absolute_url())
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"
    redis_server.stop()
    Article.objects.filter(pk=story.pk).update(
        headline="Written during the outage", modified_at=timezone.now()
    )
    during = client.get(story.get_absolute_url())
    assert during.status_code == 200
    assert "Written during the outage" in during.content.decode()
    redis_server.start()  # back with its data: the old generation and the old page
    assert redis.Redis.from_url(redis_server.url).keys(f"*{caching.GENERATION_KEY}")
    after = client.get(story.get_absolute_url())
    assert after.status_code == 200
    assert "Written during the outage" in after.content.decode()
