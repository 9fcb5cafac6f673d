"""`manage.py backup` and `restore` (`make backup`, `make restore FROM=...`), on SQLite and on
PostgreSQL: the demo newsroom, backed up and restored into an empty database, comes back with
every row, every trigger and index, every sequence where it was, and every media file.

Each database runs in processes of its own, as in production, never the suite's test database.
"""

import os
import sqlite3
import sys
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from tests import browser_fixtures as bf

# Serves or restores databases of its own, whatever the suite's database is (.ci/run).
pytestmark = pytest.mark.own_database

POSTGRES = "postgres://postgres@127.0.0.1:5432"


def manage(env, *args):
    result = bf.run_process(
        [sys.executable, "manage.py", *args], timeout=300, cwd=bf.ROOT, env=env, text=True
    )
    return result


def must(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result


class SQLite:
    """Databases that are files in a folder."""

    def __init__(self, folder):
        self.folder = folder

    def create(self):
        return f"sqlite:///{self.folder / f'{uuid.uuid4().hex[:12]}.sqlite3'}"

    def drop_all(self):
        pass  # the folder is the test's tmp_path

    def snapshot(self, url):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            schema = sorted(
                db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"), key=repr
            )
            tables = [row[1] for row in schema if row[0] == "table"]
            rows = {
                table: sorted(db.execute(f'SELECT * FROM "{table}"'), key=repr) for table in tables
            }
        return schema, rows


class PostgreSQL:
    """Throwaway databases on the local server."""

    def __init__(self):
        import psycopg

        self.psycopg = psycopg
        self.names = []
        try:
            psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
        except psycopg.Error as error:
            reason = f"PostgreSQL is not reachable: {error}"
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI must run this check: {reason}")
            pytest.skip(reason)

    def create(self):
        name = f"newsroom_backup_{uuid.uuid4().hex[:12]}"
        with self.psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return f"{POSTGRES}/{name}"

    def drop_all(self):
        with self.psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            for name in self.names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def snapshot(self, url):
        with self.psycopg.connect(url) as db:
            schema = sorted(
                db.execute(
                    "SELECT 'index', tablename, indexname, indexdef FROM pg_indexes"
                    " WHERE schemaname = 'public'"
                    " UNION ALL SELECT 'trigger', event_object_table, trigger_name,"
                    " event_manipulation || ' ' || action_statement"
                    " FROM information_schema.triggers"
                    " UNION ALL SELECT 'sequence', sequencename, '', last_value::text"
                    " FROM pg_sequences WHERE schemaname = 'public'"
                    # A restored CHECK's IN list prints differently (the same rule), so a
                    # check is compared by name and table.
                    " UNION ALL SELECT 'constraint', conrelid::regclass::text, conname,"
                    " CASE contype WHEN 'c' THEN 'check' ELSE pg_get_constraintdef(oid) END"
                    " FROM pg_constraint"
                    " WHERE connamespace = 'public'::regnamespace"
                ).fetchall(),
                key=repr,
            )
            tables = [
                name
                for (name,) in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            ]
            rows = {
                table: sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
                for table in tables
            }
        return schema, rows


def media_files(folder):
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def databases(request, tmp_path_factory):
    kind = SQLite(tmp_path_factory.mktemp("databases"))
    if request.param == "postgresql":
        kind = PostgreSQL()
    yield kind
    kind.drop_all()


@pytest.fixture(scope="module")
def backed_up(databases, tmp_path_factory):
    """The demo newsroom, migrated and loaded, and a backup of it: (env, backup folder)."""
    workdir = tmp_path_factory.mktemp("backed-up")
    env = site_env(databases.create(), workdir)
    must(manage(env, "migrate", "--noinput"))
    must(manage(env | {"DEBUG": "1"}, "load_demo"))
    folder = workdir / "backup"
    must(manage(env, "backup", str(folder)))
    return env, folder


def site_env(database_url, workdir):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "backup-tests-only-not-a-secret-0123456789-abcdefghijklmnop",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(workdir / "media"),
        "CACHE_DIR": str(workdir / "cache"),
    }
    env.pop("CACHE_URL", None)
    return env


def test_a_backup_restored_into_an_empty_database_has_every_row_and_file(
    databases, backed_up, tmp_path
):
    source, backup = backed_up
    target = site_env(databases.create(), tmp_path)
    must(manage(target, "restore", str(backup)))
    schema, rows = databases.snapshot(target["DATABASE_URL"])
    assert (schema, rows) == databases.snapshot(source["DATABASE_URL"])
    assert rows["articles_article"] and rows["articles_correction"]
    assert media_files(Path(target["MEDIA_ROOT"])) == media_files(Path(source["MEDIA_ROOT"]))
    assert media_files(Path(source["MEDIA_ROOT"]))


# A correction added after the backup: the database's triggers refuse to delete one, so a
# restore over it must not need to.
ADD_CORRECTION = (
    "from articles.models import Article, CorrectionKind; "
    "from articles.publishing import add_correction; "
    "add_correction(article=Article.objects.published().first(), "
    "kind=CorrectionKind.CORRECTION, text='Written after the backup.')"
)


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(databases, backed_up, tmp_path):
    source, backup = backed_up
    target = site_env(databases.create(), tmp_path)
    must(manage(target, "restore", str(backup)))
    must(manage(target, "shell", "-c", ADD_CORRECTION))
    before = databases.snapshot(target["DATABASE_URL"])
    refused = manage(target, "restore", str(backup))
    assert refused.returncode != 0
    assert "--force" in refused.stderr
    assert databases.snapshot(target["DATABASE_URL"]) == before
    must(manage(target, "restore", "--force", str(backup)))
    assert databases.snapshot(target["DATABASE_URL"]) == databases.snapshot(source["DATABASE_URL"])


# The page cache's generation, read straight from the cache (the empty database has no stories
# to ask about), and set first so that there is one to compare.
GENERATION = (
    "from django.core.cache import cache; from newsroom import caching; "
    "print(cache.get(caching.GENERATION_KEY))"
)
SET_GENERATION = f"from newsroom import caching; caching.bump_generation(); {GENERATION}"


def test_a_restore_retires_the_pages_cached_before_it(databases, backed_up, tmp_path):
    _, backup = backed_up
    target = site_env(databases.create(), tmp_path)
    before = must(manage(target, "shell", "-c", SET_GENERATION)).stdout.split()[-1]
    must(manage(target, "restore", str(backup)))
    assert must(manage(target, "shell", "-c", GENERATION)).stdout.split()[-1] != before
