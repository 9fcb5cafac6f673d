"""Fixtures for the page cache's tests (newsroom/caching.py)."""

import pytest

from articles.models import Correction


@pytest.fixture
def corrections_removed_after():
    """The flush after a transactional test cannot empty the append-only corrections table on
    SQLite (its triggers refuse); each correction is removed through its own override."""
    yield
    for correction in Correction.objects.all():
        with correction._override():
            correction.delete()
