"""Query budgets: what a page costs must not grow with what it shows."""

import pytest
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Author, Byline, CorrectionKind, Section, Tag
from newsroom.caching import generation
from newsroom.site import nav_sections

# With its grades panels not yet cached: the story; its bylines, tags, corrections, requests for
# comment, sources and report ids, together (articles/story_data.py); its related stories; and
# its reports for the panel with their areas, previous grades, revisions and report-page
# sources (inspections.panel). Was 12 before the story's own rows were read together.
STORY_BUDGET = 8


def count_queries(client, url):
    # No cached pages, but what a busy site keeps warm: the content generation and next
    # publication time (newsroom.caching), the navigation, and the sites framework's Site.
    cache.clear()
    generation()
    nav_sections()
    Site.objects.get_current()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def rich_story(make_article, make_report, make_correction, *, authors, corrections, areas):
    people = [
        Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}-{Author.objects.count()}")
        for n in range(authors)
    ]
    story = make_article(bylines=people)
    tags = [
        Tag.objects.create(name=f"Topic {n} {story.pk}", slug=f"t{n}-{story.pk}") for n in range(3)
    ]
    story.tags.add(*tags)
    previous = make_report(areas, slug=f"previous-{story.pk}")
    story.reports.add(make_report(areas, previous_report=previous, slug=f"report-{story.pk}"))
    kinds = list(CorrectionKind)
    for n in range(corrections):
        make_correction(story, kind=kinds[n % len(kinds)])
    return story


@pytest.mark.parametrize(
    ("authors", "corrections", "areas"),
    [(1, 0, 9), (5, 10, 40)],
)
def test_story_page_stays_within_its_budget(
    client, make_article, make_report, make_correction, authors, corrections, areas
):
    story = rich_story(
        make_article,
        make_report,
        make_correction,
        authors=authors,
        corrections=corrections,
        areas=areas,
    )
    make_article(headline="Related")
    assert count_queries(client, story.get_absolute_url()) <= STORY_BUDGET


def test_story_page_costs_the_same_however_rich_the_story(
    client, make_article, make_report, make_correction
):
    small = rich_story(
        make_article, make_report, make_correction, authors=1, corrections=0, areas=9
    )
    large = rich_story(
        make_article, make_report, make_correction, authors=5, corrections=10, areas=40
    )
    assert count_queries(client, small.get_absolute_url()) == count_queries(
        client, large.get_absolute_url()
    )


def test_story_page_with_a_cold_navigation_costs_one_more_query(client, make_article):
    story = make_article()
    warm = count_queries(client, story.get_absolute_url())
    cache.clear()
    generation()
    with CaptureQueriesContext(connection) as queries:
        client.get(story.get_absolute_url())
    assert len(queries) == warm + 1


def list_urls():
    return [
        "/",
        "/section/news/",
        "/tag/topic/",
        "/author/stephen-briggs/",
        "/search/?q=force",
        "/corrections/",
        "/feeds/latest.rss",
        "/feeds/latest.atom",
        "/feeds/section/news.rss",
        "/feeds/author/stephen-briggs.atom",
        "/feeds/tag/topic.rss",
        "/feeds/corrections.rss",
        "/feeds/corrections.atom",
    ]


def make_stories(make_article, make_correction, count, author):
    tag, _ = Tag.objects.get_or_create(name="Topic", slug="topic")
    crime, _ = Section.objects.get_or_create(name="Crime", slug="crime")
    second, _ = Author.objects.get_or_create(name="Amira Khan", slug="amira-khan")
    for n in range(count):
        story = make_article(section=crime if n % 2 else Section.objects.get(slug="news"))
        Byline.objects.create(article=story, author=second, position=1)
        story.tags.add(tag)
        make_correction(story)


@pytest.mark.parametrize("url", list_urls())
def test_list_pages_cost_the_same_for_3_or_30_stories(
    client, make_article, make_correction, author, url
):
    make_stories(make_article, make_correction, 3, author)
    few = count_queries(client, url)
    make_stories(make_article, make_correction, 27, author)
    many = count_queries(client, url)
    assert few == many, url
    assert many <= 6, url
