"""The page cache never outlives a commit, with real processes: gunicorn with two workers, and a
correction written by another process (a command, a shell, the other worker).

Two set-ups: the default configuration on SQLite (no CACHE_URL: the file cache every process
on the machine shares), and PostgreSQL with Redis, the production recipe. Each writes once
outside any page request, and once while readers keep asking during the open transaction.
"""

import os
import re
import subprocess
import sys
import time
import uuid

import pytest

from tests import browser_fixtures as bf

# Serves or restores databases of its own, whatever the suite's database is (.ci/run).
pytestmark = pytest.mark.own_database

REDIS_URL = "redis://127.0.0.1:6379/15"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
PAGE = "/corrections/"
READS = 20

# Run in another process with the site's settings: add a correction to the story SLUG names, or
# else the newest public story. With HOLD set, the transaction stays open until that file exists.
WRITER = """
import os, sys, time
from pathlib import Path
from django.db import transaction
from articles.models import Article, CorrectionKind
from articles.publishing import add_correction

hold = os.environ.get("HOLD")
with transaction.atomic():
    slug = os.environ.get("SLUG")
    story = Article.objects.get(slug=slug) if slug else Article.objects.published().first()
    add_correction(article=story, kind=CorrectionKind.CORRECTION, text=os.environ["TEXT"])
    print("written", flush=True)
    while hold and not Path(hold).exists():
        time.sleep(0.05)
print("committed", flush=True)
"""


def _postgres_and_redis_answer():
    try:
        import psycopg
        import redis

        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001 (any failure means "not here")
        return str(error)
    return ""


def _skip_or_fail(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run this check: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module", params=["sqlite-default", "postgresql-redis"])
def site(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"cache-{request.param}")
    site = bf.DemoSite(workdir)
    database = None
    if request.param == "postgresql-redis":
        if reason := _postgres_and_redis_answer():
            site.stop()
            _skip_or_fail(f"PostgreSQL or Redis is not reachable: {reason}")
        import psycopg
        import redis

        database = f"newsroom_cache_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        redis.Redis.from_url(REDIS_URL).flushdb()
        site.env |= {"DATABASE_URL": f"{POSTGRES}/{database}", "CACHE_URL": REDIS_URL}
    try:
        site.build()
        site.start()
        yield site
    finally:
        site.stop()
        if database:
            import psycopg

            with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def read_page(site, path=PAGE):
    status, headers, body = site.fetch(path)
    assert status == 200, path
    return headers.get("X-Page-Cache"), body.decode()


def warm(site, path=PAGE):
    """Every worker has the page cached (with two workers, a handful of reads reaches both)."""
    for _ in range(8):
        read_page(site, path)
    assert read_page(site, path)[0] == "hit", path


def write(site, text, hold=None, slug=None):
    env = site.env | {"TEXT": text, **({"HOLD": str(hold)} if hold else {})}
    env |= {"SLUG": slug} if slug else {}
    return bf.start_process(
        [sys.executable, "manage.py", "shell", "-c", WRITER],
        cwd=bf.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(writer):
    stdout, stderr = writer.communicate(timeout=120)
    assert writer.returncode == 0, stderr
    assert "committed" in stdout
    bf._running.discard(writer)


def test_a_write_from_another_process_shows_on_every_following_read(site):
    warm(site)
    text = f"Correction from a command {uuid.uuid4().hex[:8]}"
    finish(write(site, text))
    stale = sum(text not in read_page(site)[1] for _ in range(READS))
    assert stale == 0, f"{stale} of {READS} reads after the commit got the old page"


def test_a_read_during_the_open_transaction_does_not_outlive_the_commit(site, tmp_path):
    warm(site)
    text = f"Correction in a slow transaction {uuid.uuid4().hex[:8]}"
    hold = tmp_path / "commit-now"
    writer = write(site, text, hold=hold)
    while (line := writer.stdout.readline()) and line.strip() != "written":
        pass  # the shell's own start-up chatter
    assert line.strip() == "written", writer.stderr.read()
    # Readers arrive while the write is uncommitted: they may render (and store) the old page.
    for _ in range(6):
        assert text not in read_page(site)[1]
        time.sleep(0.05)
    hold.touch()
    finish(writer)
    stale = sum(text not in read_page(site)[1] for _ in range(READS))
    assert stale == 0, f"{stale} of {READS} reads after the commit got the old page"


def test_a_correction_from_another_process_leaves_other_stories_cached(site):
    _, home = read_page(site, "/")
    corrected, other = list(dict.fromkeys(re.findall(r'href="(/news/[^"/]+/)"', home)))[:2]
    fresh_after = [corrected, "/", PAGE, "/feeds/corrections.rss"]
    for path in [other, *fresh_after]:
        warm(site, path)
    text = f"Correction to one story {uuid.uuid4().hex[:8]}"
    finish(write(site, text, slug=corrected.split("/")[2]))
    assert [read_page(site, other)[0] for _ in range(READS)] == ["hit"] * READS
    for path in fresh_after:
        cache_state, body = read_page(site, path)
        assert cache_state == "miss", path
        if path != "/":
            assert text in body, path
