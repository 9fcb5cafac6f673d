"""Fixtures for the reader-site tests: inspection reports with grades, corrections, pages."""

from datetime import date, timedelta

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.utils import timezone

from articles.models import Correction, CorrectionKind
from inspections.models import (
    Framework,
    GradedArea,
    GradeScale,
    InspectionReport,
    Inspectorate,
    Organisation,
    OrganisationKind,
)

__all__ = ["_fresh_cache", "corrections_policy", "make_correction", "make_report"]

PEEL_SCALE = "Five grades (PEEL from 2021/22)"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The navigation is cached; each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_report(db):
    """Make an inspection report of a police force with `areas` graded areas."""

    def make(areas=9, *, organisation="Cambridgeshire Constabulary", slug=None, **overrides):
        inspectorate, _ = Inspectorate.objects.get_or_create(
            slug="hmicfrs",
            defaults={
                "name": "HM Inspectorate of Constabulary and Fire & Rescue Services",
                "short_name": "HMICFRS",
            },
        )
        scale = GradeScale.objects.get(name=PEEL_SCALE)
        framework, _ = Framework.objects.get_or_create(
            slug="peel-2021-22",
            defaults={"name": "PEEL 2021/22", "inspectorate": inspectorate, "scale": scale},
        )
        org, _ = Organisation.objects.get_or_create(
            slug=organisation.lower().replace(" ", "-"),
            defaults={"name": organisation, "kind": OrganisationKind.POLICE_FORCE},
        )
        count = InspectionReport.objects.count()
        fields = {
            "organisation": org,
            "framework": framework,
            "title": f"PEEL 2021/22: {organisation}",
            "slug": slug or f"peel-2021-22-report-{count + 1}",
            "published_on": date(2022, 6, 21) - timedelta(days=count),
        }
        report = InspectionReport.objects.create(**fields | overrides)
        grades = list(scale.grades.all())
        GradedArea.objects.bulk_create(
            GradedArea(
                report=report,
                name=f"Area {position}",
                grade=grades[position % len(grades)],
                position=position,
            )
            for position in range(1, areas + 1)
        )
        return report

    return make


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
