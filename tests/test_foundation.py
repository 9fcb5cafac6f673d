import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_with_debug_off_stops_with_one_clear_line():
    result = run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "SECRET_KEY is not set: set the SECRET_KEY environment variable (or DEBUG=1)."
    ]


def test_debug_on_runs_without_a_secret_key():
    assert run_manage("check", DEBUG="1").returncode == 0


def test_deploy_check_passes_with_only_the_production_variables():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-key-" + "x" * 40,
        ALLOWED_HOSTS="news.example.org",
        SECURE_SSL_REDIRECT="",
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("print(settings.DATABASES['default']['ENGINE'])", "django.db.backends.postgresql"),
        ("print(settings.DATABASES['default']['NAME'])", "elsewhere"),
        (
            "print(settings.CACHES['default']['BACKEND'])",
            "django.core.cache.backends.redis.RedisCache",
        ),
    ],
)
def test_database_url_and_cache_url_are_honoured(code, expected):
    result = run_manage(
        "shell",
        "-c",
        f"from django.conf import settings; {code}",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/elsewhere",
        CACHE_URL="redis://127.0.0.1:6379/3",
    )
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


def test_defaults_are_sqlite_in_the_project_and_local_memory_cache():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['OPTIONS']['transaction_mode'], "
        "settings.CACHES['default']['BACKEND'])",
        DEBUG="1",
        DATABASE_URL="",
        CACHE_URL="",
    )
    engine, name, mode, cache = result.stdout.split()[-4:]
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "db.sqlite3")
    assert mode == "IMMEDIATE"
    assert cache == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert settings.DATABASES["default"]["OPTIONS"]["init_command"].startswith(
        "PRAGMA journal_mode=WAL"
    )


def test_production_is_secure_by_default():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)",
        DEBUG="0",
        SECRET_KEY="k" * 50,
        SECURE_SSL_REDIRECT="",
    )
    assert result.stdout.split()[-4:] == ["True", "True", "True", "True"], result.stderr


def test_home_page_and_admin_login_answer(client, db):
    assert client.get("/").status_code == 200
    assert client.get("/admin/login/").status_code == 200


def test_load_demo_twice_leaves_the_same_rows(db):
    from django.apps import apps

    def counts():
        return {m._meta.label: m.objects.count() for m in apps.get_models()}

    call_command("load_demo", verbosity=0)
    first = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == first
    assert first["articles.Article"] >= 3
