"""The deploy recipe's buffering proxy, deploy/nginx.conf, run for real in front of gunicorn.

Idle connections (a slow phone line, or someone holding sockets open on purpose) tie up each
of gunicorn's sync workers; through nginx they tie up nothing but nginx, and readers are served.
"""

import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from tests import browser_fixtures as bf

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = bf.ROOT / "deploy" / "nginx.conf"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not os.path.exists(NGINX):
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing (make browser-deps installs it)")
        pytest.skip("nginx is missing (make browser-deps installs it)")
    site = bf.DemoSite(tmp_path_factory.mktemp("proxy-site"))
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
