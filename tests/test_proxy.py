"""The deploy recipe's buffering proxy, deploy/nginx.conf, run for real in front of gunicorn.

Idle connections (a slow phone line, or someone holding sockets open on purpose) tie up each
of gunicorn's sync workers; through nginx they tie up nothing but nginx, and readers are served.

The recipe's shared cache keeps anonymous reader pages for PROXY_CACHE_SECONDS (2 s here, so
the checks take seconds), never a signed-in request, and shows a correction within that window.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests import browser_fixtures as bf

# Serves or restores databases of its own, whatever the suite's database is (.ci/run).
pytestmark = pytest.mark.own_database

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = bf.ROOT / "deploy" / "nginx.conf"
PROXY_CACHE_SECONDS = 2
PROXY_STALE_SECONDS = 1


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not os.path.exists(NGINX):
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing (make browser-deps installs it)")
        pytest.skip("nginx is missing (make browser-deps installs it)")
    site = bf.DemoSite(tmp_path_factory.mktemp("proxy-site"))
    site.env |= {
        "PROXY_CACHE_SECONDS": str(PROXY_CACHE_SECONDS),
        "PROXY_STALE_SECONDS": str(PROXY_STALE_SECONDS),
    }
    try:
        site.build()
        site.start()
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="module")
def proxy(site, tmp_path_factory):
    """nginx with deploy/nginx.conf, its ports and paths pointed at the test's site."""
    prefix = tmp_path_factory.mktemp("nginx")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = (
        CONFIG.read_text()
        .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{site.port};")
        .replace("listen 8080;", f"listen 127.0.0.1:{port};")
        .replace("/var/lib/newsroom/static/", f"{site.env['STATIC_ROOT']}/")
        .replace("/var/lib/newsroom/media/", f"{site.env['MEDIA_ROOT']}/")
        .replace("/var/cache/nginx/newsroom", str(prefix / "cache"))
    )
    (prefix / "nginx.conf").write_text(
        f"""
        worker_processes 1;
        user root;  # the test's files are private to root
        pid {prefix}/nginx.pid;
        error_log {prefix}/error.log;
        events {{ worker_connections 512; }}
        http {{
            access_log off;
            client_body_temp_path {prefix}/body;
            proxy_temp_path {prefix}/proxy;
            fastcgi_temp_path {prefix}/fastcgi;
            uwsgi_temp_path {prefix}/uwsgi;
            scgi_temp_path {prefix}/scgi;
            {server}
        }}
        """
    )
    process = bf.start_process(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    bf.stop_process(process)


def hold_idle_connections(port, count):
    """Connections that send half a request line and then nothing."""
    held = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port), timeout=5)
        connection.sendall(b"GET / HTTP/1.1\r\n")
        held.append(connection)
    return held


def answers(url, timeout=8):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status
    except OSError:
        return None


def test_idle_connections_tie_up_gunicorns_sync_workers_on_their_own(site):
    held = hold_idle_connections(site.port, 4)  # two workers: both stuck reading
    try:
        assert answers(f"{site.url}/robots.txt", timeout=3) is None
    finally:
        for connection in held:
            connection.close()
    assert answers(f"{site.url}/robots.txt", timeout=30) == 200  # free again once they go


def test_through_the_proxy_readers_are_served_while_connections_idle(site, proxy):
    port = int(proxy.rsplit(":", 1)[1])
    held = hold_idle_connections(port, 100)
    try:
        for path in ["/", "/robots.txt", "/corrections/"]:
            assert answers(f"{proxy}{path}") == 200, path
    finally:
        for connection in held:
            connection.close()


def test_the_proxy_serves_static_files_itself(site, proxy):
    with urllib.request.urlopen(f"{proxy}/", timeout=10) as response:  # noqa: S310
        page = response.read().decode()
    stylesheet = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    with urllib.request.urlopen(f"{proxy}{stylesheet}", timeout=10) as response:  # noqa: S310
        assert response.status == 200
        assert "immutable" in ", ".join(response.headers.get_all("Cache-Control"))
        assert "gunicorn" not in response.headers.get("Server", "")


def through(proxy, path, cookie=None):
    """(status, headers, body) of a GET through the proxy."""
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(f"{proxy}{path}", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def shell(site, code, **env):
    """Run Python with the site's settings in a process of its own; its standard output."""
    result = bf.run_process(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=bf.ROOT,
        env=site.env | env,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


SIGN_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
user = User.objects.create_superuser("proxy-check", password="a-long-pass-phrase-1")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""

CORRECT = """
import os
from articles.models import Article, CorrectionKind
from articles.publishing import add_correction
story = Article.objects.get(slug=os.environ["SLUG"])
add_correction(article=story, kind=CorrectionKind.CORRECTION, text=os.environ["TEXT"])
print("committed")
"""


def test_a_second_anonymous_request_is_served_by_the_proxy(site, proxy):
    path = "/corrections/?page=1"
    statuses = [through(proxy, path) for _ in range(2)]
    assert [status for status, _, _ in statuses] == [200, 200]
    assert [headers["X-Cache-Status"] for _, headers, _ in statuses] == ["MISS", "HIT"]
    assert "s-maxage=2" in statuses[0][1]["Cache-Control"]


def test_an_expired_page_is_revalidated_with_its_etag(site, proxy):
    path = "/inspections/reports/"
    assert through(proxy, path)[1]["X-Cache-Status"] == "MISS"
    # Past its whole window (nginx counts whole seconds).
    time.sleep(PROXY_CACHE_SECONDS + PROXY_STALE_SECONDS + 1.5)
    status, headers, _ = through(proxy, path)
    assert status == 200
    assert headers["X-Cache-Status"] == "REVALIDATED"  # the app answered 304


def test_a_signed_in_request_is_never_stored_nor_served_from_the_proxy(site, proxy):
    cookie = f"sessionid={shell(site, SIGN_IN)}"
    path = "/inspections/organisations/"
    signed_in = [through(proxy, path, cookie) for _ in range(2)]
    for status, headers, _ in signed_in:
        assert status in (200, 302)  # a page, or the second sign-in step
        assert headers["X-Cache-Status"] == "BYPASS"
        assert "private" in headers["Cache-Control"]
        assert "public" not in headers["Cache-Control"]
    anonymous = [through(proxy, path)[1]["X-Cache-Status"] for _ in range(2)]
    assert anonymous == ["MISS", "HIT"]  # nothing of the signed-in requests was kept
    assert through(proxy, path, cookie)[1]["X-Cache-Status"] == "BYPASS"


def test_a_correction_shows_through_the_proxy_within_its_window(site, proxy):
    _, _, home = through(proxy, "/")
    story = next(path for path in bf.links(home) if path.startswith("/news/"))
    through(proxy, story)
    assert through(proxy, story)[1]["X-Cache-Status"] == "HIT"
    text = f"Correction seen through the proxy {uuid.uuid4().hex[:8]}"
    assert shell(site, CORRECT, SLUG=story.split("/")[2], TEXT=text) == "committed"
    committed_at = time.monotonic()
    while text not in through(proxy, story)[2]:
        assert time.monotonic() - committed_at < PROXY_CACHE_SECONDS + PROXY_STALE_SECONDS + 2
        time.sleep(0.1)
