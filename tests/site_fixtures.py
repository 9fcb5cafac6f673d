"""Fixtures for the reader-site tests: corrections and the corrections policy page.

A plugin of tests/conftest.py; inspection reports come from `make_report` in
tests/inspections_fixtures.py.
"""

from datetime import timedelta

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.utils import timezone

from articles.models import Correction, CorrectionKind


@pytest.fixture
def make_correction(db):
    """Add a correction (any kind) to a story; published a minute ago unless told otherwise."""

    def make(article, kind=CorrectionKind.CORRECTION, **fields):
        defaults = {
            "text": f"An earlier version of this story was wrong ({kind}).",
            "published_at": timezone.now() - timedelta(minutes=1),
        }
        return Correction.objects.create(article=article, kind=kind, **defaults | fields)

    return make


@pytest.fixture
def corrections_policy(db):
    page = FlatPage.objects.create(
        url="/about/corrections-policy/",
        title="Corrections policy",
        content="<p>We correct significant mistakes promptly.</p>",
    )
    page.sites.add(Site.objects.get_current())
    return page
