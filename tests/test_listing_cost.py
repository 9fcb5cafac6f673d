"""Reader lists of stories (the home page, search, section, tag and author pages): what they cost,
and that the cheaper lists show readers what they showed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Author, Byline, BylineRole, Section, Tag

LISTS = ["/", "/?page=2", "/section/news/", "/tag/topic/", "/author/stephen-briggs/"]
SEARCH = "/search/?q=force"


@pytest.fixture
def archive(settings, make_article, author):
    """Three sections of stories, each with two authors and a topic, and a pinned lead: more
    than a page of them, so that the home page has a second page."""
    settings.PAGE_CACHE_SECONDS = 0  # what the views cost, not the page cache
    topic = Tag.objects.create(name="Topic", slug="topic")
    second = Author.objects.create(name="Amira Khan", slug="amira-khan")
    sections = [Section.objects.get(slug="news")] + [
        Section.objects.create(name=name, slug=name.lower(), position=n)
        for n, name in enumerate(["Crime", "Politics"], start=1)
    ]
    for n in range(24):
        story = make_article(
            section=sections[n % 3],
            bylines=[author, second],
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
        story.tags.add(topic)
    make_article(is_lead=True, published_at=timezone.now() - timedelta(days=3))


def warm_queries(client, url):
    """The queries of a request once the site's own caches (navigation, story count) are warm."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return queries.captured_queries


def selected_columns(sql):
    return sql[: sql.upper().index(" FROM ")]


@pytest.mark.parametrize("url", [*LISTS, SEARCH])
def test_a_list_of_stories_does_not_read_their_bodies(client, archive, url):
    queries = warm_queries(client, url)
    story_rows = [q["sql"] for q in queries if 'FROM "articles_article"' in q["sql"]]
    assert story_rows, url
    for sql in story_rows:
        assert '"articles_article"."body"' not in selected_columns(sql), url
    stories = list(client.get(url).context["page"])
    assert stories
    assert all("body" in story.get_deferred_fields() for story in stories)


def test_the_front_page_costs_four_queries_whatever_it_shows(client, archive):
    # The page of latest stories, the pinned lead, the newest of each section, and the bylines
    # of all of them in one query.
    assert len(warm_queries(client, "/")) == 4


@pytest.mark.parametrize(("url", "budget"), [("/?page=2", 2), (SEARCH, 2), ("/tag/topic/", 4)])
def test_a_list_page_costs_a_fixed_number_of_queries(client, archive, url, budget):
    # A page of stories and their bylines (a tag page: the tag and a count too), none per row.
    assert len(warm_queries(client, url)) == budget


def test_a_list_row_shows_the_story_its_section_its_day_and_its_authors(
    client, settings, make_article, author
):
    settings.PAGE_CACHE_SECONDS = 0
    people = [author] + [
        Author.objects.create(name=name, slug=slug)
        for name, slug in [("Amira Khan", "amira-khan"), ("O'Neill & Co", "o-neill")]
    ]
    crime = Section.objects.create(name="Crime & Courts", slug="crime_courts-2")
    story = make_article(
        headline="Force <em>told</em> to improve",
        slug="force_told-to-improve-2",
        section=crime,
        bylines=people,
        published_at=datetime(2022, 6, 21, 4, 0, tzinfo=UTC),  # 5:00am BST
    )
    make_article(standfirst="", bylines=[author])

    page = client.get(crime.get_absolute_url()).content.decode()
    headline = "Force &lt;em&gt;told&lt;/em&gt; to improve"
    assert f'<a href="{story.get_absolute_url()}">{headline}</a>' in page
    assert (
        '<time datetime="2022-06-21T05:00:00+01:00">21 June 2022</time>'
        " · Stephen Briggs, Amira Khan and O&#x27;Neill &amp; Co</p>" in page
    )
    assert "</time> · <a" not in page  # a section's own list does not name the section

    search = client.get("/search/?q=improve").content.decode()
    assert (
        f'· <a href="{crime.get_absolute_url()}">Crime &amp; Courts</a> · Stephen Briggs,' in search
    )
    news = client.get("/section/news/").content.decode()
    assert "teaser-headline" in news and "teaser-standfirst" not in news  # it has none


def test_the_lead_links_each_author_and_names_roles_other_than_reporter(
    client, settings, make_article, author
):
    settings.PAGE_CACHE_SECONDS = 0
    photographer = Author.objects.create(name="Owen Marsh", slug="owen-marsh")
    lead = make_article(bylines=[author, photographer])
    Byline.objects.filter(article=lead, author=photographer).update(role=BylineRole.PHOTOGRAPHY)

    page = client.get("/").content.decode()

    assert (
        '<p class="byline">By <a href="/author/stephen-briggs/">Stephen Briggs</a> and '
        '<a href="/author/owen-marsh/">Owen Marsh</a> (photography)</p>'
    ) in page
