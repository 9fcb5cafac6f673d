"""A database that refuses or stops answering: readers get the site's own 503 page in seconds,
cached pages keep being served, /healthz tells a load balancer, and the site recovers without a
restart.

The real-server test runs the demo under gunicorn on PostgreSQL, reached through a TCP relay
the test owns: stopping the relay is the database going away (connections cut, new ones
refused), and a relay that accepts but never answers is a database that has hung.
"""

import contextlib
import json
import os
import socket
import threading
import uuid

import pytest
from django.db import OperationalError

from articles import views
from tests import browser_fixtures as bf

# Serves or restores databases of its own, whatever the suite's database is (.ci/run).
pytestmark = pytest.mark.own_database

POSTGRES_HOST, POSTGRES_PORT = "127.0.0.1", 5432
POSTGRES = f"postgres://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}"
UNCACHED = "/search/?q=police"  # a search is never served from the page cache


def test_a_database_error_gives_the_sites_own_503_page(client, monkeypatch, db):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(views, "get_object_or_404", unreachable)
    client.raise_request_exception = False
    response = client.get("/section/news/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "We’ll be back shortly" in response.content.decode()


def test_any_other_error_is_still_a_500(client, monkeypatch, db):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views, "get_object_or_404", broken)
    client.raise_request_exception = False
    response = client.get("/section/news/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_healthz_answers_200_when_the_database_does(client, db):
    response = client.get("/healthz", secure=False)
    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


class Relay:
    """A TCP relay from a free local port to PostgreSQL, which the test can cut or hang."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.mode = "up"
        self.sockets = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.mode == "down":
                client.close()  # refused, as near as a listening socket can
                continue
            with self.lock:
                self.sockets.append(client)
            if self.mode == "hang":
                continue  # accepted, never answered
            server = socket.create_connection((POSTGRES_HOST, POSTGRES_PORT))
            with self.lock:
                self.sockets.append(server)
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def set(self, mode):
        """ "up", "down" (every connection cut, new ones closed at once) or "hang"."""
        self.mode = mode
        if mode != "up":
            with self.lock:
                for open_socket in self.sockets:
                    with contextlib.suppress(OSError):
                        open_socket.shutdown(socket.SHUT_RDWR)
                self.sockets.clear()

    def close(self):
        self.set("down")
        self.listener.close()


@pytest.fixture(scope="module")
def site_through_relay(tmp_path_factory):
    try:
        import psycopg

        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 (any failure means "not here")
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run this check: PostgreSQL is not reachable: {error}")
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    database = f"newsroom_outage_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    relay = Relay()
    site = bf.DemoSite(tmp_path_factory.mktemp("outage"))
    site.env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{relay.port}/{database}"
    try:
        site.build()
        site.start()
        yield site, relay
    finally:
        site.stop()
        relay.close()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def fetch(site, path):
    status, headers, body = site.fetch(path)  # urllib, 30 s timeout: an answer, not a hang
    return status, headers, body.decode()


@pytest.mark.parametrize("outage", ["down", "hang"])
def test_readers_get_a_503_cached_pages_stay_and_the_site_recovers(site_through_relay, outage):
    site, relay = site_through_relay
    for _ in range(6):  # both workers have the front page cached
        assert fetch(site, "/")[0] == 200
    assert fetch(site, "/healthz")[0] == 200
    relay.set(outage)
    try:
        status, headers, body = fetch(site, UNCACHED)
        assert status == 503
        assert "We’ll be back shortly" in body
        assert headers["Retry-After"] == "30"
        health = fetch(site, "/healthz")
        assert health[0] == 503
        assert json.loads(health[2])["database"] == "unavailable"
        for _ in range(4):
            status, headers, _ = fetch(site, "/")
            assert (status, headers["X-Page-Cache"]) == (200, "hit")
    finally:
        relay.set("up")
    for path in ["/healthz", UNCACHED, "/section/news/"]:
        for _ in range(3):  # each worker reconnects on its own: no restart
            assert fetch(site, path)[0] == 200, path
