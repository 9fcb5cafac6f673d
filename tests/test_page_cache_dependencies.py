"""A write retires the pages it touches and leaves the rest cached: a correction to one story
leaves every other story's page in the cache, while its own page, the lists, the corrections
page and the feeds show it at once (the page cache moves on commit, as in production)."""

import pytest
from django.db import connection

from articles import publishing
from articles.models import CorrectionKind
from newsroom import caching

pytestmark = pytest.mark.django_db(transaction=True)

WARMED = ["/", "/corrections/", "/feeds/corrections.rss", "/feeds/latest.atom", "/sitemap.xml"]


@pytest.fixture
def two_stories(make_article, corrections_removed_after):
    # Same section: each is the other's related story.
    corrected = make_article(slug="corrected-story", headline="Force told to improve")
    other = make_article(slug="other-story", headline="Hospital rated good")
    return corrected, other


def warm(client, *paths):
    for path in paths:
        assert client.get(path).status_code == 200, path
        assert client.get(path)["X-Page-Cache"] == "hit", path


def test_a_correction_leaves_other_stories_cached_and_shows_at_once_where_it_should(
    client, two_stories, django_assert_num_queries
):
    corrected, other = two_stories
    warm(client, corrected.get_absolute_url(), other.get_absolute_url(), *WARMED)
    publishing.add_correction(
        article=corrected, kind=CorrectionKind.CORRECTION, text="We misnamed the force."
    )
    with django_assert_num_queries(0):
        untouched = client.get(other.get_absolute_url())
    assert untouched.status_code == 200
    assert untouched["X-Page-Cache"] == "hit"
    page = client.get(corrected.get_absolute_url())
    assert page.status_code == 200
    assert page["X-Page-Cache"] == "miss"
    assert "We misnamed the force." in page.content.decode()
    for path in WARMED:
        assert client.get(path)["X-Page-Cache"] == "miss", path
    for path in ["/corrections/", "/feeds/corrections.rss"]:
        assert "We misnamed the force." in client.get(path).content.decode(), path


def test_a_new_headline_shows_on_the_other_stories_that_list_it(client, two_stories):
    corrected, other = two_stories
    warm(client, other.get_absolute_url())
    corrected.headline = "Force told to improve its 999 answering"
    publishing.save_story(article=corrected)
    page = client.get(other.get_absolute_url())
    assert page.status_code == 200
    assert "Force told to improve its 999 answering" in page.content.decode()  # related stories


def test_a_new_headline_shows_on_the_report_pages_that_list_it(client, make_article, peel_report):
    story = make_article(slug="on-the-report", headline="Force told to improve")
    story.reports.add(peel_report)
    warm(client, peel_report.get_absolute_url())
    story.headline = "Force told to improve again"
    publishing.save_story(article=story)
    page = client.get(peel_report.get_absolute_url())
    assert page.status_code == 200
    assert "Force told to improve again" in page.content.decode()


def test_an_edit_other_pages_do_not_show_leaves_other_stories_cached(client, two_stories):
    corrected, other = two_stories
    warm(client, corrected.get_absolute_url(), other.get_absolute_url())
    corrected.body = "<p>A sentence made clearer.</p>"
    publishing.save_story(article=corrected)
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"
    page = client.get(corrected.get_absolute_url())
    assert page.status_code == 200
    assert "A sentence made clearer." in page.content.decode()


def test_a_write_it_cannot_attribute_retires_every_page(client, two_stories):
    corrected, other = two_stories
    warm(client, other.get_absolute_url(), "/inspections/reports/")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET body = '<p>Raw SQL.</p>' WHERE slug = %s",
            [other.slug],
        )
    page = client.get(other.get_absolute_url())
    assert page.status_code == 200
    assert "Raw SQL." in page.content.decode()
    assert client.get("/inspections/reports/")["X-Page-Cache"] == "miss"


def test_a_page_the_cache_does_not_know_depends_on_every_story():
    assert caching.page_dependencies("/no-such-page/") == (caching.LISTS, caching.RELATED)
    assert caching.page_dependencies("/news/a-story/") == ("story:a-story", caching.RELATED)
    assert caching.page_dependencies("/feeds/tag/police.atom") == (caching.LISTS,)
