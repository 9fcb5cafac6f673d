"""Search and the story list at archive size: the stored search vector (PostgreSQL), the bounded
and paged results, the reader time limit, and the desk's story list with an estimated count.

Tests marked ``postgres_only`` need the stored vector or PostgreSQL's statistics; the suite
runs them with DATABASE_URL pointing at PostgreSQL and skips them on SQLite.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import search
from articles.admin import stories as story_admin
from articles.models import Status

from .desk_fixtures import login

SEARCH = "/search/"
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the stored search vector, ranking and table statistics",
)


def results(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    page = response.content.decode()
    main = page[page.index("<main") :] if "<main" in page else page
    return re.findall(r'<h[23][^>]*>\s*<a href="/news/([^/]+)/"', main)


# What a search finds


def test_search_finds_words_in_the_headline_standfirst_or_body(client, make_article):
    make_article(slug="in-headline", headline="Coastguard rescue praised")
    make_article(slug="in-standfirst", standfirst="A coastguard crew was called out twice.")
    make_article(slug="in-body", body="<p>The coastguard said the tide turned.</p>")
    make_article(slug="elsewhere", headline="Council budget agreed")
    found = results(client, "coastguard")
    assert sorted(found) == ["in-body", "in-headline", "in-standfirst"]


def test_every_word_must_appear_and_a_minus_word_leaves_stories_out(client, make_article):
    make_article(slug="both", headline="Coastguard rescue at the harbour")
    make_article(slug="one", headline="Coastguard station opens")
    make_article(slug="excluded", headline="Coastguard rescue on the beach")
    assert sorted(results(client, "coastguard rescue")) == ["both", "excluded"]
    assert results(client, "coastguard rescue -beach") == ["both"]


def test_a_quoted_phrase_must_appear_as_written(client, make_article):
    make_article(slug="phrase", body="<p>The chief constable said more officers would come.</p>")
    make_article(slug="apart", body="<p>The chief said the constable was wrong.</p>")
    assert results(client, '"chief constable"') == ["phrase"]
    assert sorted(results(client, "chief constable")) == ["apart", "phrase"]


def test_a_search_of_stop_words_or_punctuation_finds_nothing_and_does_not_fail(
    client, make_article
):
    make_article(headline="The force")
    for query in ['""', "-", "or", "- -", '"'] + (["the"] if search.uses_index() else []):
        response = client.get(SEARCH, {"q": query})
        assert response.status_code == 200, query
        assert "No stories found." in response.content.decode(), query


def test_drafts_and_scheduled_stories_are_never_found(client, make_article):
    from datetime import timedelta

    from django.utils import timezone

    make_article(slug="live", headline="Coastguard rescue")
    make_article(slug="draft", headline="Coastguard draft", status=Status.DRAFT, published_at=None)
    make_article(
        slug="later",
        headline="Coastguard scheduled",
        published_at=timezone.now() + timedelta(days=1),
    )
    assert results(client, "coastguard") == ["live"]


@postgres_only
def test_a_headline_match_ranks_above_a_newer_body_match(client, make_article):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    make_article(
        slug="old-headline", headline="Coastguard rescue", published_at=now - timedelta(days=9)
    )
    make_article(
        slug="new-standfirst",
        standfirst="The coastguard was called.",
        published_at=now - timedelta(days=5),
    )
    make_article(slug="new-body", body="<p>A coastguard.</p>", published_at=now - timedelta(days=1))
    assert results(client, "coastguard") == ["old-headline", "new-standfirst", "new-body"]


@postgres_only
def test_words_are_stemmed_and_html_tags_are_not_words(client, make_article):
    make_article(slug="inspection", body="<p>The <strong>inspection</strong> found gaps.</p>")
    assert results(client, "inspected") == ["inspection"]
    assert results(client, "strong") == []


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_database_keeps_the_search_vector_current_after_an_edit(client, make_article):
    story = make_article(slug="edited", body="<p>Nothing of note.</p>")
    assert results(client, "lifeboat") == []
    story.body = "<p>The lifeboat launched.</p>"
    story.save()
    assert results(client, "lifeboat") == ["edited"]


@postgres_only
def test_the_search_reads_the_stored_vector_and_never_rebuilds_one(make_article):
    from articles.models import Article

    make_article(headline="Coastguard rescue")
    with CaptureQueriesContext(connection) as queries:
        page = search.search_page(Article.objects.published().for_listing(), "coastguard")
    assert len(page) == 1
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert '."search_vector" @@ (websearch_to_tsquery' in sql
    assert "to_tsvector" not in sql


# Bounded, paged, constant in the archive's size


def test_results_are_paged_and_a_page_past_the_last_is_a_404(client, make_article):
    for n in range(25):
        make_article(slug=f"story-{n}", headline=f"Coastguard report {n}")
    first, second = results(client, "coastguard"), results(client, "coastguard", page=2)
    assert (len(first), len(second)) == (20, 5)
    assert not set(first) & set(second)
    page = client.get(SEARCH, {"q": "coastguard"}).content.decode()
    assert "25 results" in page
    assert "Page 1 of 2" in page
    for bad in ["3", "0", "x", "-1"]:
        assert client.get(SEARCH, {"q": "coastguard", "page": bad}).status_code == 404, bad


def test_matches_past_the_candidate_limit_are_not_counted(client, make_article, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 6)
    for n in range(10):
        make_article(slug=f"story-{n}", headline=f"Coastguard report {n}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": "coastguard"})
    assert response.status_code == 200
    # The database reads no more than the newest 6 + 1 matches, however many there are.
    assert any("LIMIT 7" in query["sql"] for query in queries.captured_queries)
    page = response.content.decode()
    assert "More than 6 results" in page
    assert "10 results" not in page
    assert len(results(client, "coastguard")) == 6


def test_a_search_costs_the_same_queries_for_5_or_50_matching_stories(client, make_article, author):
    from articles.models import Author, Byline

    def make(count, start):
        for n in range(start, start + count):
            story = make_article(slug=f"story-{n}", headline=f"Coastguard report {n}")
            other = Author.objects.create(name=f"Reporter {n}", slug=f"reporter-{n}")
            Byline.objects.create(article=story, author=other, position=1)

    make(5, 0)
    client.get(SEARCH, {"q": "coastguard"})  # the navigation's sections are cached now
    with CaptureQueriesContext(connection) as few:
        assert len(results(client, "coastguard")) == 5
    make(45, 5)
    with CaptureQueriesContext(connection) as many:
        assert len(results(client, "coastguard")) == 20
    with CaptureQueriesContext(connection) as later:
        assert len(results(client, "coastguard", page=2)) == 20
    assert len(few) == len(many) == len(later) <= 3


# The reader time limit


def slow_sql():
    if connection.vendor == "postgresql":
        return "SELECT pg_sleep(2)"
    return (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000000) "
        "SELECT count(*) FROM n"
    )


def run_slow_query(*args, **kwargs):
    with connection.cursor() as cursor:
        cursor.execute(slow_sql())
    raise AssertionError("the time limit did not stop the query")


@pytest.mark.django_db(transaction=True)
def test_a_search_that_runs_out_of_time_gets_a_plain_503_asking_for_a_narrower_one(
    client, settings, monkeypatch, section
):
    settings.READER_STATEMENT_TIMEOUT_MS = 50
    monkeypatch.setattr("articles.views.search_page", run_slow_query)
    response = client.get(SEARCH, {"q": "police"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "matched too much to answer quickly" in page
    assert "no-store" in response["Cache-Control"]
    # The connection is back to its own limit for whatever it serves next.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] != "50ms"


@pytest.mark.django_db(transaction=True)
def test_any_reader_page_that_runs_out_of_time_gets_the_plain_503_page(
    client, settings, monkeypatch, section
):
    settings.READER_STATEMENT_TIMEOUT_MS = 50
    monkeypatch.setattr("articles.views.page_of", run_slow_query)
    response = client.get(section.get_absolute_url())
    assert response.status_code == 503
    assert "This page took too long" in response.content.decode()
    assert response["Retry-After"] == "30"


@pytest.mark.django_db(transaction=True)
def test_staff_are_not_held_to_the_reader_time_limit(
    client, settings, monkeypatch, make_article, make_user
):
    make_article(headline="Coastguard rescue")
    settings.READER_STATEMENT_TIMEOUT_MS = 50
    real_search_page = search.search_page

    def slowish(*args, **kwargs):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_sleep(0.2)")
            else:
                cursor.execute(slow_sql().replace("100000000", "2000000"))
        return real_search_page(*args, **kwargs)

    monkeypatch.setattr("articles.views.search_page", slowish)
    assert client.get(SEARCH, {"q": "coastguard"}).status_code == 503
    staff_client = login(make_user("Editor"))
    assert staff_client.get(SEARCH, {"q": "coastguard"}).status_code == 200


def test_a_quick_reader_page_is_untouched_by_the_time_limit(client, settings, make_article):
    settings.READER_STATEMENT_TIMEOUT_MS = 3_000
    make_article(headline="Coastguard rescue")
    assert client.get(SEARCH, {"q": "coastguard"}).status_code == 200
    assert client.get("/").status_code == 200


# The desk's story list


CHANGELIST = "admin:articles_article_changelist"


def test_the_story_list_costs_the_same_queries_for_5_or_50_stories(make_article, staff, author):
    from articles.models import Author, Byline

    def make(count, start):
        for n in range(start, start + count):
            story = make_article(slug=f"story-{n}", headline=f"Coastguard report {n}")
            other = Author.objects.create(name=f"Reporter {n}", slug=f"reporter-{n}")
            Byline.objects.create(article=story, author=other, position=1)

    client = login(staff("Editor"))
    url = reverse(CHANGELIST)
    make(5, 0)
    client.get(url)
    counts = {}
    for label, params in [
        ("list", {}),
        ("search", {"q": "coastguard"}),
        ("filter", {"status": "live"}),
    ]:
        with CaptureQueriesContext(connection) as few:
            assert client.get(url, params).status_code == 200
        counts[label] = [len(few)]
    make(45, 5)
    for label, params in [
        ("list", {}),
        ("search", {"q": "coastguard"}),
        ("filter", {"status": "live"}),
    ]:
        with CaptureQueriesContext(connection) as many:
            response = client.get(url, params)
        assert response.status_code == 200
        assert "Reporter 49" in response.content.decode()
        counts[label].append(len(many))
    assert all(few == many for few, many in counts.values()), counts


@postgres_only
def test_the_story_list_search_uses_the_search_index(make_article, staff):
    make_article(slug="body-only", headline="Harbour news", body="<p>The lifeboats launched.</p>")
    make_article(slug="other", headline="Council budget")
    client = login(staff("Editor"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(CHANGELIST), {"q": "lifeboat"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Harbour news" in page
    assert "Council budget" not in page
    assert any('"search_vector" @@' in query["sql"] for query in queries.captured_queries)


@postgres_only
def test_the_whole_story_list_is_counted_from_the_tables_statistics(
    make_article, staff, monkeypatch
):
    monkeypatch.setattr(story_admin.EstimatedCountPaginator, "ESTIMATE_ABOVE", 0)
    for n in range(5):
        make_article(slug=f"story-{n}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    make_article(slug="story-after")  # the statistics still say 5
    client = login(staff("Editor"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert re.search(r"\b5 stories\b", response.content.decode())
    assert story_counts(queries) == []
    # A filtered list or a search takes the planner's estimate for its query.
    for query in ({"status": "live"}, {"q": "force"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(CHANGELIST), query)
        assert response.status_code == 200
        assert story_counts(queries) == []
        assert any(q["sql"].startswith("EXPLAIN") for q in queries.captured_queries)
    # Below the threshold, every list is counted exactly.
    monkeypatch.setattr(story_admin.EstimatedCountPaginator, "ESTIMATE_ABOVE", 10_000)
    response = client.get(reverse(CHANGELIST), {"status": "live"})
    assert re.search(r"\b6 stories\b", response.content.decode())


def story_counts(queries):
    return [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(*)" in q["sql"].upper() and "articles_article" in q["sql"]
    ]


def test_the_story_list_reads_no_distinct_dates_of_the_whole_archive(admin_client, db):
    """The date drill-down (date_hierarchy) takes a DISTINCT over every story's date on each
    load; the list filters by date with fixed ranges instead."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get("/admin/articles/article/")
    assert response.status_code == 200
    assert "Past 7 days" in response.content.decode()
    assert not [
        q for q in captured if "DISTINCT" in q["sql"].upper() and "published_at" in q["sql"]
    ]
