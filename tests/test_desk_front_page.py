"""The desk's front page shows the work (issue 10): what needs attention first, then stories in
review, scheduled next, recently corrected and requests for comment awaiting a reply, each with
its count, in a fixed number of queries, and only what the signed-in person may see."""

from datetime import timedelta

import lxml.html
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import CommentRequest, Correction, CorrectionKind, Status, StoryAttention

from .desk_fixtures import login

INDEX = "/admin/"


def captions(response):
    assert response.status_code == 200, response.status_code
    tree = lxml.html.fromstring(response.content.decode())
    return [" ".join(c.text_content().split()) for c in tree.iter("caption")]


@pytest.fixture
def desk_work(make_article, peel_report):
    """n of each kind of work; returns a function that adds n more."""

    def make(n):
        now = timezone.now()
        for _ in range(n):
            live = make_article()
            StoryAttention.objects.create(article=live, report=peel_report, reason="Regraded.")
            make_article(status=Status.IN_REVIEW, published_at=None)
            make_article(published_at=now + timedelta(days=1))
            Correction.objects.create(
                article=live, kind=CorrectionKind.CORRECTION, text="A date was wrong."
            )
            CommentRequest.objects.create(
                article=live,
                organisation=peel_report.organisation,
                asked_at=now - timedelta(days=1),
                deadline=now + timedelta(hours=5),
            )

    return make


def test_the_front_page_lists_the_work_with_counts_attention_first(desk_work, staff):
    desk_work(2)
    found = captions(login(staff("Editor")).get(INDEX))
    assert found[:5] == [
        "Needs attention (2)",
        "Stories in review (2)",
        "Scheduled next (2)",
        "Corrected in the last 14 days (2)",
        "Requests for comment awaiting a reply (2)",
    ]


def test_the_front_page_costs_the_same_however_much_work_there_is(desk_work, staff):
    client = login(staff("Editor"))
    desk_work(1)
    client.get(INDEX)  # warm the session and the permission cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(INDEX).status_code == 200
    desk_work(12)
    with CaptureQueriesContext(connection) as many:
        page = client.get(INDEX)
    assert len(many) == len(few)
    assert "Needs attention (13)" in captions(page)
    assert "All 13 stories needing attention" in page.content.decode()


def test_editors_may_mark_done_and_other_roles_only_see(desk_work, staff):
    desk_work(1)
    editor = login(staff("Editor")).get(INDEX).content.decode()
    assert 'value="mark_done"' in editor
    reporter_page = login(staff("Reporter")).get(INDEX)
    assert "Needs attention (1)" in captions(reporter_page)
    assert 'value="mark_done"' not in reporter_page.content.decode()
    item = StoryAttention.objects.get()
    changelist = reverse("admin:articles_storyattention_changelist")
    forged = login(staff("Reporter")).post(
        changelist, {"action": "mark_done", "_selected_action": [item.pk]}
    )
    assert forged.status_code in (200, 302, 403)
    item.refresh_from_db()
    assert item.resolved_at is None


def test_staff_without_the_permissions_see_none_of_the_lists(desk_work, db):
    desk_work(1)
    nobody = User.objects.create_user("no-role", password="a-long-pass-phrase-7", is_staff=True)
    assert captions(login(nobody).get(INDEX)) == []
