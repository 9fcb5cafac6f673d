"""Query budgets at scale: each page of issue 12's table makes as many queries with an archive of
five stories as with sixty (and one report as with three), so its count cannot grow with an
archive of 100,000 (make bench-scale measures the time at that size)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import sitemaps
from articles.management.commands.build_archive import Command as BuildArchive
from articles.models import Article, Author, Section, Tag
from inspections.models import GradedArea, InspectionReport, Inspectorate, Organisation
from newsroom import caching

PAGES = [
    "/",
    "/corrections/",
    "/sitemap.xml",
    "/sitemap-stories.xml",
    "/sitemap-stories.xml?p=2",
    "/sitemap-tags.xml",
    "/sitemap-authors.xml",
    "/sitemap-sections.xml",
    "/inspections/organisations/",
    "/inspections/inspectorates/",
    "/inspections/inspectorates/archive-inspectorate/",
    "/inspections/reports/",
]


def add_reports(count):
    """Re-inspections of the first organisations, each of nine graded areas."""
    first = InspectionReport.objects.order_by("pk").first()
    grade = first.graded_areas.first().grade
    reports = InspectionReport.objects.bulk_create(
        InspectionReport(
            organisation=organisation,
            framework=first.framework,
            title=f"Re-inspection of {organisation}",
            slug=f"re-inspection-{organisation.slug}",
            published_on=dt.date(2024, 1, 1),
        )
        for organisation in Organisation.objects.exclude(pk=first.organisation_id)[:count]
    )
    GradedArea.objects.bulk_create(
        GradedArea(report=report, name=f"Area {n}", grade=grade, position=n)
        for report in reports
        for n in range(1, 10)
    )
    return reports


def grow(stories):
    """Add stories (with bylines, tags, corrections and report links) and two reports to the
    archive that build_archive made, as its own code writes them."""
    build = BuildArchive()
    build.prepare(seed=2)
    first = Article.objects.count()
    reports = list(InspectionReport.objects.order_by("pk")) + add_reports(2)
    build.stories(
        range(first, first + stories),
        first + stories,
        list(Section.objects.all()),
        list(Author.objects.all()),
        list(Tag.objects.all()),
        reports,
    )


def queries(client, url):
    cache.clear()  # the view's own work, with every cache of it empty
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def budgets(db, client, settings, monkeypatch):
    """Query counts of every page with 5 stories, then with 60."""
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)  # several sitemap pages either way
    call_command("build_archive", stories=5, verbosity=0)
    for url in PAGES:
        client.get(url)  # start-up work done once per process (the Sites framework's cache)
    few = {url: queries(client, url) for url in PAGES}
    grow(55)
    assert Article.objects.published().count() == 60
    many = {url: queries(client, url) for url in PAGES}
    return few, many


def test_each_page_makes_as_many_queries_with_sixty_stories_as_with_five(budgets):
    few, many = budgets
    assert many == few


def test_the_home_page_shows_the_newest_few_stories_of_each_section(client, db, settings):
    settings.PAGE_CACHE_SECONDS = 0
    call_command("build_archive", stories=60, verbosity=0)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    if connection.vendor == "postgresql":
        # No query of the page reads every story: no window over the archive, a LATERAL join
        # of a few rows per section instead (SQLite, for development, numbers its stories).
        assert not [q for q in captured if "ROW_NUMBER" in q["sql"].upper()]
        assert [q for q in captured if "LATERAL" in q["sql"].upper()]
    sections = response.context["by_section"]
    assert all(1 <= len(stories) <= 3 for _, stories in sections)
    assert len(sections) == Section.objects.filter(articles__isnull=False).distinct().count()


def test_the_inspectorate_and_organisation_lists_are_paginated(client, db):
    call_command("build_archive", stories=5, verbosity=0)  # 100 organisations
    add_reports(60)
    inspectorate = Inspectorate.objects.get(slug="archive-inspectorate")

    organisations = client.get("/inspections/organisations/")
    reports = client.get(inspectorate.get_absolute_url())

    assert organisations.status_code == reports.status_code == 200
    assert organisations.context["page"].paginator.num_pages == 2
    assert len(organisations.context["page"]) == 50
    assert reports.context["page"].paginator.num_pages == 2
    assert len(reports.context["page"]) == 50


def test_a_story_sitemap_page_is_rendered_again_only_when_its_own_stories_change(
    client, db, settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)
    call_command("build_archive", stories=5, verbosity=0)
    renders = []
    render = sitemaps.render_story_page
    monkeypatch.setattr(
        sitemaps, "render_story_page", lambda *args: renders.append(1) or render(*args)
    )
    first, last = "/sitemap-stories.xml", "/sitemap-stories.xml?p=3"
    for url in (first, last):
        assert client.get(url).status_code == 200
    assert len(renders) == 2

    # A correction to the newest story (the last page) leaves the first page as it was.
    newest = Article.objects.published().order_by("published_at", "pk").last()
    Article.objects.filter(pk=newest.pk).update(updated_at=newest.published_at)
    caching.bump_generation()  # as the write's commit does (this test runs in a transaction)
    assert client.get(first).status_code == 200
    assert len(renders) == 2
    assert client.get(last).status_code == 200
    assert len(renders) == 3


def test_the_sitemap_index_does_not_count_the_archive_on_every_request(client, db, settings):
    settings.PAGE_CACHE_SECONDS = 0
    call_command("build_archive", stories=5, verbosity=0)
    assert client.get("/sitemap.xml").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/sitemap.xml").status_code == 200
    assert not [q for q in captured if "COUNT(" in q["sql"].upper()]


# Committed writes: generations move on commit, as in production.
@pytest.mark.django_db(transaction=True)
def test_counts_kept_until_the_next_write_move_when_a_story_is_published(make_article, make_user):
    from articles import publishing
    from articles.models import Status

    make_article()
    draft = make_article(headline="Still a draft", status=Status.DRAFT)
    assert sitemaps.public_story_count() == 1
    publishing.publish(article=draft, by=make_user("Editor"))
    assert sitemaps.public_story_count() == 2
