"""The story change form's cost: a fixed number of queries however large the archive and however
many rows the story has, and no select that lists the archive (the autocomplete selects name
their chosen options from rows already read, articles/admin/widgets.py).
"""

from datetime import timedelta

import lxml.html
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import publishing
from articles.models import (
    Article,
    Author,
    Byline,
    BylineRole,
    CommentRequest,
    Correction,
    StorySource,
    Tag,
)
from inspections.models import Organisation

from .desk_fixtures import change_url, form_data, login
from .test_scale_budgets import grow

# What the form costs now: the sign-in and session, the story, its tags and reports, each
# inline's rows, the autosave on offer, and the pre-publish panel's grades. An editor's
# permissions and role take three more. (PostgreSQL: a transaction begun and committed.)
QUERY_BUDGET = {"superuser": 20, "Editor": 23}
MOST_OPTIONS = 25  # the longest fixed list (a story's status, a byline's role) is far shorter


def covered_story():
    """The newest story that covers a report, as scripts/bench_scale.py opens."""
    return Article.objects.filter(reports__isnull=False).order_by("-published_at").first()


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_rows(story, count):
    """Bylines, requests for comment, sources and corrections: `count` more of each."""
    authors = Author.objects.exclude(bylines__article=story)[:count]
    start = story.bylines.count()
    Byline.objects.bulk_create(
        Byline(article=story, author=author, role=BylineRole.ADDITIONAL_REPORTING, position=n)
        for n, author in enumerate(authors, start=start + 1)
    )
    now = timezone.now()
    for organisation in Organisation.objects.all()[:count]:
        CommentRequest.objects.create(
            article=story, organisation=organisation, asked_at=now, deadline=now + timedelta(1)
        )
    start = story.sources.count()
    StorySource.objects.bulk_create(
        StorySource(article=story, title=f"Source {n}", url=f"https://example.com/{n}", position=n)
        for n in range(start + 1, start + count + 1)
    )
    for n in range(count):
        publishing.append_correction(
            correction=Correction(article=story, text=f"Correction {n}."), by=None
        )


@pytest.fixture
def archive(db, settings):
    settings.PAGE_CACHE_SECONDS = 0
    call_command("build_archive", stories=5, verbosity=0)


@pytest.mark.parametrize("role", ["superuser", "Editor"])
def test_the_story_form_makes_as_many_queries_with_a_larger_archive_and_more_rows(
    archive, admin_user, make_user, role
):
    client = login(admin_user if role == "superuser" else make_user(role))
    story = covered_story()
    url = change_url(story)
    client.get(url)  # start-up work done once per process
    few = queries(client, url)
    grow(55)
    add_rows(story, 3)
    assert Article.objects.count() == 60
    assert story.bylines.count() >= 3 and story.corrections.count() >= 3
    assert queries(client, url) == few
    assert few <= QUERY_BUDGET[role]


def test_no_select_on_the_story_form_lists_the_archive(archive, admin_client):
    grow(20)
    story = covered_story()
    add_rows(story, 2)
    assert Tag.objects.count() > MOST_OPTIONS and Author.objects.count() > MOST_OPTIONS
    page = lxml.html.fromstring(admin_client.get(change_url(story)).content)
    selects = page.xpath("//select")
    assert len(selects) > 10
    longest = max(selects, key=lambda select: len(select.xpath(".//option")))
    assert len(longest.xpath(".//option")) <= MOST_OPTIONS, longest.get("name")
    # Chosen values are still shown, named: the story's tags, each byline's author.
    chosen = {option.text for option in page.xpath("//select[@name='tags']/option[@selected]")}
    assert chosen == {tag.name for tag in story.tags.all()}
    for n, byline in enumerate(story.bylines.select_related("author")):
        names = page.xpath(f"//select[@name='bylines-{n}-author']/option[@selected]/text()")
        assert names == [byline.author.name]


def test_a_select_looks_up_a_posted_value_it_was_not_given(archive, admin_client):
    story = covered_story()
    other = Author.objects.exclude(bylines__article=story).first()
    data = form_data(admin_client.get(change_url(story))) | {
        "headline": "",
        "bylines-0-author": str(other.pk),
    }
    page = lxml.html.fromstring(admin_client.post(change_url(story), data).content)
    names = page.xpath("//select[@name='bylines-0-author']/option[@selected]/text()")
    assert names == [other.name]
