"""The page cache keys a page by what the page is, not by the query string as sent.

A reader page reads a few query parameters (`page`, `q`, `section`; `p` on a sitemap); anything
else (`?utm_source=...`, `?x=<random>`) changes nothing on it. Keyed on the full query string,
each new value was a miss (a render, database queries) and a new stored page, so anyone could
bypass the cache and fill it. The parameters a page does read must still give their own pages.
"""

import pytest
from django.core.cache import caches
from django.http import HttpResponseBase

from articles import sitemaps
from articles.models import Section

STORY = "/news/force-told-to-improve/"


@pytest.fixture
def story(make_article):
    return make_article(slug="force-told-to-improve", headline="Force told to improve")


@pytest.fixture
def stored_pages(monkeypatch):
    """The responses the page cache stores, whichever backend and key format it uses."""
    stored = []
    default_cache = caches["default"]
    real_set = default_cache.set

    def spy(key, value, *args, **kwargs):
        if isinstance(value, HttpResponseBase):
            stored.append(key)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(default_cache, "set", spy)
    return stored


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (STORY, f"{STORY}?utm_source=newsletter"),
        (f"{STORY}?utm_source=newsletter", f"{STORY}?fbclid=abc123"),
        ("/section/news/?page=1&utm_medium=email", "/section/news/?page=1"),
        ("/corrections/?section=news&page=1", "/corrections/?page=1&section=news"),
    ],
    ids=["tracking-parameter", "another-tracking-value", "junk-beside-page", "reordered"],
)
def test_a_query_string_the_page_does_not_read_is_served_from_the_cache(
    client, story, django_assert_num_queries, first, then
):
    assert client.get(first)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get(then)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"


def test_random_query_strings_do_not_fill_the_cache(client, story, stored_pages):
    for n in range(10):
        assert client.get(f"{STORY}?x={n}").status_code == 200
    assert len(stored_pages) <= 1


def test_searches_for_ever_new_words_do_not_fill_the_cache(client, story, stored_pages):
    """`q` is read by the page, but anyone can send a new one on every request: a search is
    rendered each time (it is cheap next to a cache filled with one-off pages)."""
    for n in range(10):
        assert client.get(f"/search/?q=police{n}").status_code == 200
    assert len(stored_pages) <= 1


def test_the_parameters_a_page_reads_still_give_their_own_pages(client, make_article, section):
    for n in range(21):  # one more than a page of a list
        make_article(slug=f"story-{n:02}", headline=f"Numbered story {n:02}")
    first, second = (client.get(f"/section/{section.slug}/{q}") for q in ("", "?page=2"))
    assert (first.status_code, second.status_code) == (200, 200)
    assert b"Numbered story 00" in second.content
    assert b"Numbered story 00" not in first.content


def test_two_searches_show_their_own_results(client, make_article):
    make_article(headline="Police force told to improve")
    make_article(headline="Hospital rated good")
    police, hospital = (client.get(f"/search/?q={word}") for word in ("police", "hospital"))
    assert b"Police force told to improve" in police.content
    assert b"Hospital rated good" not in police.content
    assert b"Hospital rated good" in hospital.content


def test_corrections_filtered_by_section_are_their_own_page(
    client, make_article, make_correction, section
):
    elsewhere = Section.objects.create(name="Health", slug="health")
    make_correction(make_article(), text="A correction in news.")
    make_correction(make_article(section=elsewhere), text="A correction in health.")
    everything = client.get("/corrections/")
    health = client.get("/corrections/?section=health")
    assert b"A correction in news." in everything.content
    assert b"A correction in news." not in health.content
    assert b"A correction in health." in health.content


def test_a_later_sitemap_page_is_its_own_page(client, make_article, monkeypatch):
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 1)
    make_article(slug="first-story")
    make_article(slug="second-story")
    pages = [client.get(f"/sitemap-stories.xml{q}") for q in ("", "?p=2")]
    assert [page.status_code for page in pages] == [200, 200]
    assert pages[0].content != pages[1].content
