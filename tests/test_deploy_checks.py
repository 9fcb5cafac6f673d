"""`check --deploy` stops a deployment whose page cache could outlive a commit: the content
generation must live in a cache every process shares (newsroom/caching.py)."""

import pytest

from .test_foundation import run_manage

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "ALLOWED_HOSTS": "news.example.org",
    "SECURE_SSL_REDIRECT": None,
}


def deploy_check(**env):
    return run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION | env)


@pytest.mark.parametrize("cache_url", ["locmemcache://newsroom", "dummycache://"])
def test_deploy_check_fails_when_the_page_cache_is_in_per_process_memory(cache_url):
    result = deploy_check(CACHE_URL=cache_url, PAGE_CACHE_SECONDS="300")
    assert result.returncode != 0
    assert "newsroom.E001" in result.stderr
    assert "CACHE_URL" in result.stderr


@pytest.mark.parametrize(
    ("cache_url", "page_cache_seconds"),
    [
        (None, None),  # the default: the file cache every process on the machine shares
        ("redis://127.0.0.1:6379/1", None),
        ("locmemcache://newsroom", "0"),  # no page cache, so nothing to outlive a commit
    ],
    ids=["default-file-cache", "redis", "locmem-with-the-page-cache-off"],
)
def test_deploy_check_passes_with_a_shared_cache_or_no_page_cache(cache_url, page_cache_seconds):
    result = deploy_check(CACHE_URL=cache_url, PAGE_CACHE_SECONDS=page_cache_seconds)
    assert result.returncode == 0, result.stderr + result.stdout


def test_development_may_use_a_per_process_cache():
    result = run_manage("check", "--fail-level", "WARNING", DEBUG="1", CACHE_URL="locmemcache://")
    assert result.returncode == 0, result.stderr + result.stdout
