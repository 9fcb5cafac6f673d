"""The demo site the browser checks run against, and the checkers they run.

A throwaway SQLite file gets the migrations and `load_demo`, then gunicorn serves it with DEBUG
off, as in production. pytest-django's live_server is not used: its flush after each test cannot
empty the append-only corrections table on SQLite (database triggers refuse it).

Every process started here (gunicorn and its workers, java for vnu) runs in a process group of
its own and is stopped with that group, on failure and interruption too: `stop_all()` runs at
exit, and on Linux the kernel also stops gunicorn if the test process dies (PR_SET_PDEATHSIG).

This module must not import pytest at import time: gunicorn imports it for `media_app()`, and
settings treat any process with pytest loaded as the test suite (plain static files storage,
no HTTPS redirect), which would make the server unlike production.
"""

import atexit
import contextlib
import ctypes
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")  # Debian's package
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SITEMAP_XSD = ROOT / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def missing_tools(*tools):
    """Why the named tools (chromium, axe, vnu, java, sitemap) cannot run here, if they cannot."""
    checks = {
        "chromium": (Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (make browser-deps)"),
        "axe": (AXE_JS.exists(), f"{AXE_JS.relative_to(ROOT)} is missing (make browser-deps)"),
        "vnu": (VNU_JAR.exists(), f"{VNU_JAR.relative_to(ROOT)} is missing (make browser-deps)"),
        "java": (shutil.which("java") is not None, "java is missing (make browser-deps)"),
        "sitemap": (SITEMAP_XSD.exists(), f"{SITEMAP_XSD.relative_to(ROOT)} is missing"),
    }
    return [reason for tool in tools for ok, reason in [checks[tool]] if not ok]


def require(*tools):
    """Skip the test when a tool is missing; under CI=true, fail instead."""
    import pytest

    if reasons := missing_tools(*tools):
        message = "; ".join(reasons)
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true, so browser checks may not skip: {message}")
        pytest.skip(message)


def media_app():
    """The site with /media/ served from MEDIA_ROOT, as the web server in front does in
    production (Django serves media only with DEBUG on). Used as gunicorn's app factory."""
    from django.conf import settings
    from whitenoise import WhiteNoise

    from newsroom.wsgi import application

    return WhiteNoise(
        application, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL, autorefresh=True
    )


_running = set()  # processes started here and not yet stopped


def _parent_death_signal():
    """A preexec_fn asking the kernel to SIGTERM the child when the test process dies (Linux).
    prctl is looked up here, in the parent: the child, forked from a threaded process, only
    calls it."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None  # not Linux: stop_all() at exit still applies
    pr_set_pdeathsig = 1
    return lambda: prctl(pr_set_pdeathsig, signal.SIGTERM)


_DIE_WITH_PARENT = _parent_death_signal() if sys.platform == "linux" else None


def start_process(command, **kwargs):
    """Popen in a new process group, so that stop_process reaches its children too."""
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        command, start_new_session=True, preexec_fn=_DIE_WITH_PARENT, **kwargs
    )
    _running.add(process)
    return process


def stop_process(process, grace=10):
    """SIGTERM to the process's group; after `grace` seconds, SIGKILL to whatever is left of it
    (a master that ignored the signal, or a worker that outlived its master)."""
    with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):  # ProcessLookupError: the group has gone
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    _running.discard(process)


@atexit.register
def stop_all():
    """Stop what is still running when the test process exits, however the run ended."""
    for process in list(_running):
        stop_process(process, grace=5)


def run_process(command, timeout, **kwargs):
    """subprocess.run in a process group that is killed whole on a timeout or interruption."""
    process = start_process(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except BaseException:
        stop_process(process, grace=0)
        raise
    _running.discard(process)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


_BUILT = {}  # the demo site's built SQLite database and files, once per run


class DemoSite:
    """The demo newsroom served by gunicorn on a free port of 127.0.0.1."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        # Bound here and handed to gunicorn (--bind fd://): a port found free and bound later
        # could be taken in between, by another run's server too.
        self.socket = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.workdir / "gunicorn.log"
        self.process = None
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.workdir / 'demo.sqlite3'}",
            "DEBUG": "0",
            "SECRET_KEY": "browser-tests-only-not-a-secret-0123456789-abcdefghijklmnop",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.url,
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "MEDIA_ROOT": str(self.workdir / "media"),
            "STATIC_ROOT": str(self.workdir / "static"),
            # The default file cache, shared by the workers and by nothing outside this site:
            # two runs of the suite at once must not serve each other's pages.
            "CACHE_DIR": str(self.workdir / "cache"),
        }
        self.env.pop("CACHE_URL", None)

    def manage(self, *args, debug=False):
        env = self.env | ({"DEBUG": "1"} if debug else {})
        result = run_process(
            [sys.executable, "manage.py", *args], timeout=300, cwd=ROOT, env=env, text=True
        )
        if result.returncode:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def build(self):
        """The demo newsroom in this site's database. Built once per test run on SQLite and
        copied into each site after the first (migrating and loading the demo takes most of a
        minute); a site on another database is built afresh."""
        if self.env["DATABASE_URL"] != f"sqlite:///{self.workdir / 'demo.sqlite3'}":
            return self._build()
        if _BUILT.get("sqlite") is None:
            golden = DemoSite(Path(tempfile.mkdtemp(prefix="newsroom-demo-built-")))
            golden.socket.close()
            golden._build()
            atexit.register(shutil.rmtree, golden.workdir, ignore_errors=True)
            _BUILT["sqlite"] = golden.workdir
        built = _BUILT["sqlite"]
        for name in ("media", "static"):
            if (built / name).exists():
                shutil.copytree(built / name, self.workdir / name, dirs_exist_ok=True)
        for database in built.glob("demo.sqlite3*"):
            shutil.copy2(database, self.workdir / database.name)
        # Nothing to migrate; its post_migrate hook gives the Site row this site's address.
        self.manage("migrate", "--noinput")

    def _build(self):
        self.manage("migrate", "--noinput")
        # load_demo refuses to run with DEBUG off (it is for development databases only).
        self.manage("load_demo", debug=True)
        # WhiteNoise's manifest storage (DEBUG off) serves only what collectstatic gathered.
        self.manage("collectstatic", "--noinput", "--verbosity", "0")

    def start(self, timeout=90):
        """Start gunicorn and wait until it answers. On a busy machine its workers can take
        many seconds to import Django, so the deadline is generous; a server that has exited
        fails at once, with its log."""
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("w") as log:
            self.process = start_process(
                [
                    str(gunicorn),
                    "tests.browser_fixtures:media_app()",
                    "--bind",
                    f"fd://{self.socket.fileno()}",
                    "--workers",
                    "2",
                    # A slow answer on a loaded machine is not a hung worker.
                    "--timeout",
                    "120",
                    "--graceful-timeout",
                    "5",
                    "--access-logfile",
                    "-",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=[self.socket.fileno()],
            )
        self.socket.close()  # gunicorn has its own copy
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.url + "/robots.txt", timeout=10) as response:  # noqa: S310
                    response.read()
                    return
            except urllib.error.HTTPError as error:
                # It answers, but wrongly: waiting longer will not help.
                self.stop()
                raise RuntimeError(
                    f"gunicorn answered /robots.txt with {error.code}:\n{self.log_tail()}"
                ) from error
            except (OSError, http.client.HTTPException) as error:
                # Refused, reset or timed out (URLError, ConnectionError and TimeoutError are
                # all OSErrors): not up yet.
                last_error = error
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(
            f"gunicorn did not answer within {timeout} s (last error: {last_error!r}):\n"
            f"{self.log_tail()}"
        )

    def log_tail(self, size=6000):
        """The end of gunicorn's log, where the reason it failed is."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text if len(text) <= size else "[...]\n" + text[-size:]

    def stop(self):
        self.socket.close()
        if self.process is not None:
            stop_process(self.process)

    def fetch(self, path):
        """(status, headers, body) of a plain GET, errors included."""
        try:
            with urllib.request.urlopen(urljoin(self.url, path), timeout=30) as response:  # noqa: S310
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


def links(html, base_path="/"):
    """Same-site paths linked from a page, in document order."""
    from lxml import html as lxml_html

    found = []
    for href in lxml_html.fromstring(html).xpath("//a/@href"):
        parts = urlsplit(urljoin(f"http://site{base_path}", href))
        if parts.netloc in ("site", "") and parts.path not in found:
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def story_features(html):
    """(has a grades panel, has a responsive hero image): what a story page can show."""
    from lxml import html as lxml_html

    document = lxml_html.fromstring(html)
    return bool(document.xpath("//table[caption]")), bool(document.xpath("//main//img[@srcset]"))


def discover_pages(site):
    """The pages the browser checks visit, found by following links from the home page.

    The story is one with a grades panel, preferably with a hero image too (the demo's seed
    story has both). Returns {name: path or None}; None means the page could not be found, and
    the tests for it say so instead of guessing a slug.
    """
    status, _, home = site.fetch("/")
    if status != 200:
        raise RuntimeError(f"The home page answered {status}")
    home_links = links(home)
    pages = {"home": "/", "story": None, "author": None, "report": None}
    best = (False, False)
    for path in [p for p in home_links if p.startswith("/news/")][:20]:
        status, _, story = site.fetch(path)
        features = story_features(story) if status == 200 else (False, False)
        if features[0] and features > best:
            best = features
            story_links = links(story, path)
            pages["story"] = path
            pages["report"] = next(
                (p for p in story_links if p.startswith("/inspections/reports/")), None
            )
            pages["author"] = next((p for p in story_links if p.startswith("/author/")), None)
    pages["author"] = pages["author"] or next(
        (p for p in home_links if p.startswith("/author/")), None
    )
    pages["search"] = "/search/?q=police"
    pages["corrections"] = next(
        (p for p in home_links if p.rstrip("/").endswith("/corrections")), "/corrections/"
    )
    return pages


def run_axe(page):
    """axe-core's violations on the loaded page, for the WCAG 2.x A and AA tags."""
    # page.evaluate is not subject to the page's CSP; add_script_tag(content=...) would be.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return result["violations"]


def describe_axe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:10]:
            target = " ".join(map(str, node["target"]))
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {node['html'][:160]}")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def run_vnu(documents, workdir):
    """The Nu HTML Checker's errors for each document ({name: html bytes}), in one JVM call."""
    paths = []
    for name, html in documents.items():
        path = Path(workdir) / f"{name}.html"
        path.write_bytes(html)
        paths.append(str(path))
    result = run_process(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *paths], timeout=300
    )
    if not result.stdout:
        raise RuntimeError(f"vnu gave no report:\n{result.stderr.decode()}")
    errors = {name: [] for name in documents}
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] in ("error", "non-document-error"):
            # "url" is "file:" and the absolute path of the checked file.
            name = Path(message.get("url", "file:/?").removeprefix("file:")).stem
            errors.setdefault(name, []).append(message)
    return errors


def describe_vnu(messages):
    lines = []
    for message in messages:
        extract = " ".join(message.get("extract", "").split())[:120]
        lines.append(f"line {message.get('lastLine', '?')}: {message['message']}  [{extract}]")
    return "\n".join(lines)
