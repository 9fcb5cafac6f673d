import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    """Run manage.py in a fresh process; a variable given as None is left out of its environment."""
    inherited = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in inherited}
    environment |= env
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={k: v for k, v in environment.items() if v is not None},
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
        SECURE_SSL_REDIRECT=None,
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


def test_defaults_are_sqlite_and_a_cache_every_process_shares_in_the_project():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "c = settings.CACHES['default']; "
        "print(d['ENGINE'], d['NAME'], d['OPTIONS']['transaction_mode'], c['BACKEND'], "
        "c['LOCATION'])",
        DEBUG="1",
        DATABASE_URL=None,
        CACHE_URL=None,
    )
    engine, name, mode, cache, location = result.stdout.split()[-5:]
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "db.sqlite3")
    assert mode == "IMMEDIATE"
    # Files on disk, not per-process memory: every worker sees the same content generation.
    assert cache == "django.core.cache.backends.filebased.FileBasedCache"
    assert location.rstrip("/") == str(ROOT / ".cache")


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
        SECURE_SSL_REDIRECT=None,
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


def test_printed_demo_accounts_can_log_into_the_admin(client, db, settings):
    settings.STAFF_2FA_REQUIRED = False  # as under `make run` (DEBUG=1)
    out = io.StringIO()
    call_command("load_demo", "--accounts", stdout=out)
    lines = [line.split() for line in out.getvalue().splitlines() if "password:" in line]
    assert len(lines) == 4
    for words in lines:
        username = words[words.index("username:") + 1]
        password = words[words.index("password:") + 1]
        response = client.post(
            "/admin/login/?next=/admin/", {"username": username, "password": password}
        )
        assert response.status_code == 302, username
        assert client.get("/admin/").status_code == 200
        client.logout()


def test_load_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("load_demo")


def test_admin_logins_are_throttled_after_repeated_failures(client, make_user, settings):
    make_user("Editor", username="editor")
    statuses = [
        client.post("/admin/login/", {"username": "editor", "password": "wrong"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post(
        "/admin/login/", {"username": "editor", "password": "correct-horse-battery-staple"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
