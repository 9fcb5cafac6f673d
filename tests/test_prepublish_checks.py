"""The pre-publish check panel (issue 10, item 5; issue 11's two checks): every reason a story
should not go live, on the form before saving, refreshed as the editor works, and publishing
with a warning only with an explicit acknowledgement kept in the story's history."""

import json
from datetime import timedelta

import lxml.html
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, CommentRequest, Status

from .desk_fixtures import change_url, form_data, login

FIVE_GOOD = "<p>The force received five 'good' grades.</p>"
FOUR_GOOD = "<p>The force received four 'good' grades.</p>"
ADD_URL = "/admin/articles/article/add/"
ACK = "publish_despite_warnings"


def panel(response):
    """The panel's items as (kind, text): kind is "blocker" or "warning"."""
    assert response.status_code == 200, response.status_code
    tree = lxml.html.fromstring(response.content.decode())
    (section,) = tree.find_class("prepublish")
    return [
        ("blocker" if "prepublish-blocker" in item.classes else "warning", item.text_content())
        for item in section.iter("li")
    ]


def errors(response):
    tree = lxml.html.fromstring(response.content.decode())
    return [e.text_content() for e in tree.find_class("errorlist")]


def texts(items, kind=None):
    return " | ".join(text for k, text in items if kind in (None, k))


def add_data(client, section, author, report=None, **changes):
    """The add form as an editor fills it: headline, slug, section, one byline, Published."""
    data = form_data(client.get(ADD_URL)) | {
        "headline": "Force told to answer calls faster",
        "slug": "force-told-to-answer-calls-faster",
        "body": FIVE_GOOD,
        "section": str(section.pk),
        "status": Status.PUBLISHED,
        "bylines-TOTAL_FORMS": "1",
        "bylines-0-author": str(author.pk),
        "bylines-0-role": "reporter",
        "bylines-0-position": "1",
    }
    if report is not None:
        data["reports"] = [str(report.pk)]
    data |= changes
    return {name: value for name, value in data.items() if value is not None}


def asked(story, organisation, hours_ago=48, deadline_hours_ago=1):
    now = timezone.now()
    return CommentRequest.objects.create(
        article=story,
        organisation=organisation,
        asked_at=now - timedelta(hours=hours_ago),
        deadline=now - timedelta(hours=deadline_hours_ago),
    )


# The panel, on the page before any save


def test_the_story_form_shows_every_reason_before_saving(story, staff, peel_report):
    article = story(status=Status.IN_REVIEW, published_at=None, body=FIVE_GOOD)
    article.bylines.all().delete()
    article.reports.add(peel_report)
    Article.objects.filter(pk=article.pk).update(hero_image="article/hero.png", headline="H" * 200)
    response = login(staff("Editor")).get(change_url(article))
    items = panel(response)
    blockers, warnings = texts(items, "blocker"), texts(items, "warning")
    assert "needs a byline" in blockers
    assert "Describe the hero image" in blockers
    assert "The story says 5 ‘good’ grades; the report has 4" in warnings
    assert "Cambridgeshire Constabulary, which has not been asked for comment" in warnings
    assert "The headline has 200 characters" in warnings


def test_a_story_with_nothing_to_check_says_so(story, staff, peel_report):
    article = story(status=Status.IN_REVIEW, published_at=None, body=FOUR_GOOD)
    article.reports.add(peel_report)
    asked(article, peel_report.organisation)
    response = login(staff("Editor")).get(change_url(article))
    assert panel(response) == []
    assert "Nothing stops this story going live" in response.content.decode()


def test_a_grade_count_with_no_linked_report_is_flagged(story, staff, peel_report):
    article = story(status=Status.IN_REVIEW, published_at=None, body=FOUR_GOOD)
    warnings = texts(panel(login(staff("Editor")).get(change_url(article))), "warning")
    assert "states a grade count (4 ‘good’) but links no inspection report" in warnings


def test_a_request_whose_deadline_has_not_passed_is_flagged(story, staff, peel_report):
    article = story(status=Status.IN_REVIEW, published_at=None, body=FOUR_GOOD)
    article.reports.add(peel_report)
    asked(article, peel_report.organisation, hours_ago=2, deadline_hours_ago=-3)
    warnings = texts(panel(login(staff("Editor")).get(change_url(article))), "warning")
    assert "Cambridgeshire Constabulary has until" in warnings
    assert "not been asked" not in warnings


def test_the_grade_warning_is_shown_once_after_saving(story, staff, peel_report):
    article = story(status=Status.IN_REVIEW, published_at=None, body=FIVE_GOOD)
    article.reports.add(peel_report)
    client = login(staff("Editor"))
    data = form_data(client.get(change_url(article))) | {"_continue": "1"}
    response = client.post(change_url(article), data, follow=True)
    page = response.content.decode()
    assert response.redirect_chain  # saved, then back on the form
    assert page.count("The story says 5 ‘good’ grades; the report has 4") == 1


# Saving as Published with warnings


def test_publishing_a_contradicting_count_needs_the_acknowledgement(
    staff, section, author, peel_report
):
    client = login(staff("Editor"))
    response = client.post(ADD_URL, add_data(client, section, author, peel_report))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Publish despite these warnings" in page
    assert "tick “Publish despite these warnings”" in page
    assert not Article.objects.exists()  # not live, not saved
    data = form_data(response)
    assert data["headline"] == "Force told to answer calls faster"  # the input is kept
    assert data["body"] == FIVE_GOOD
    assert data["bylines-0-author"] == str(author.pk)
    assert "The story says 5 ‘good’ grades; the report has 4" in texts(panel(response))


def test_the_acknowledgement_is_recorded_in_the_storys_history(staff, section, author, peel_report):
    editor = staff("Editor")
    client = login(editor)
    data = add_data(client, section, author, peel_report) | {ACK: "on"}
    response = client.post(ADD_URL, data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.is_published()
    (version,) = Version.objects.get_for_object(article)
    comment = version.revision.comment
    assert version.revision.user == editor
    assert "Published despite warnings" in comment
    assert "The story says 5 ‘good’ grades; the report has 4" in comment
    # No warning message after the save: the panel on the page is where they are.
    messages = [str(m) for m in response.wsgi_request._messages]
    assert not [m for m in messages if "grades" in m]


def test_a_fixed_story_publishes_without_the_acknowledgement(staff, section, author, peel_report):
    client = login(staff("Editor"))
    story = None
    data = add_data(client, section, author, peel_report, body=FOUR_GOOD)
    # Right of reply: asked in the same save.
    now = timezone.localtime()
    data |= {
        "comment_requests-TOTAL_FORMS": "1",
        "comment_requests-0-organisation": str(peel_report.organisation.pk),
        "comment_requests-0-channel": "email",
        "comment_requests-0-asked_at_0": f"{now - timedelta(days=2):%d/%m/%Y}",
        "comment_requests-0-asked_at_1": "10:00",
        "comment_requests-0-deadline_0": f"{now - timedelta(days=1):%d/%m/%Y}",
        "comment_requests-0-deadline_1": "10:00",
        "comment_requests-0-status": "no_reply",
    }
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, panel(response)
    story = Article.objects.get()
    assert story.is_published()


def test_a_draft_saves_with_warnings_and_no_acknowledgement(staff, section, author, peel_report):
    client = login(staff("Editor"))
    response = client.post(
        ADD_URL, add_data(client, section, author, peel_report, status=Status.DRAFT)
    )
    assert response.status_code == 302
    assert Article.objects.get().status == Status.DRAFT


def test_editing_a_live_story_asks_again_only_for_a_new_warning(story, staff, peel_report):
    article = story(body=FOUR_GOOD)
    article.reports.add(peel_report)
    asked(article, peel_report.organisation)
    client = login(staff("Editor"))
    data = form_data(client.get(change_url(article))) | {"seo_title": "Calls answered late"}
    response = client.post(change_url(article), data)
    assert response.status_code == 302, errors(response)
    data = form_data(client.get(change_url(article))) | {"body": FIVE_GOOD, "minor_edit": "on"}
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "tick “Publish despite these warnings”" in response.content.decode()


# The live endpoint the script polls


def check_url(article=None):
    if article is None:
        return reverse("admin:articles_article_prepublish_add")
    return reverse("admin:articles_article_prepublish", args=[article.pk])


def test_the_endpoint_checks_the_forms_current_fields(story, staff, peel_report):
    article = story(status=Status.IN_REVIEW, published_at=None, body=FOUR_GOOD)
    client = login(staff("Editor"))
    data = form_data(client.get(change_url(article))) | {
        "body": FIVE_GOOD,
        "reports": [str(peel_report.pk)],
        "bylines-0-DELETE": "on",
    }
    response = client.post(check_url(article), data)
    assert response.status_code == 200
    result = json.loads(response.content)
    blockers = " ".join(item["message"] for item in result["blockers"])
    warnings = " ".join(item["message"] for item in result["warnings"])
    assert "needs a byline" in blockers
    assert "The story says 5 ‘good’ grades; the report has 4" in warnings
    assert "prepublish-blocker" in result["html"]
    article.refresh_from_db()
    assert article.body == FOUR_GOOD  # checking writes nothing


def test_the_endpoint_sees_a_conflict_and_a_past_publish_time(story, staff):
    article = story(status=Status.DRAFT, published_at=None, body=FOUR_GOOD)
    client = login(staff("Editor"))
    data = form_data(client.get(change_url(article))) | {
        "loaded_version": str(article.version - 1 if article.version > 1 else 0),
        "status": Status.PUBLISHED,
        "published_at_0": "01/01/2020",
        "published_at_1": "09:00",
    }
    result = json.loads(client.post(check_url(article), data).content)
    blockers = " ".join(item["message"] for item in result["blockers"])
    assert "saved this story while you were editing" in blockers
    assert "is in the past" in blockers


def test_the_endpoint_works_for_a_new_story(staff, section, author, peel_report):
    client = login(staff("Editor"))
    data = add_data(client, section, author, peel_report)
    result = json.loads(client.post(check_url(), data).content)
    assert any("5 ‘good’" in item["message"] for item in result["warnings"])


def test_the_endpoint_needs_csrf_a_post_and_permission(story, staff, make_user):
    article = story(status=Status.IN_REVIEW, published_at=None)
    editor = staff("Editor")
    assert login(editor).get(check_url(article)).status_code == 405
    strict = login(editor, Client(enforce_csrf_checks=True))
    assert strict.post(check_url(article), {"headline": "x"}).status_code == 403
    other_reporter = login(make_user("Reporter", username="someone-else"))
    assert other_reporter.post(check_url(article), {"headline": "x"}).status_code == 403


def test_the_publish_now_action_does_not_bypass_the_acknowledgement(story, staff, peel_report):
    article = story(status=Status.IN_REVIEW, published_at=None, body=FIVE_GOOD)
    article.reports.add(peel_report)
    response = login(staff("Editor")).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "Publish it from its own page" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW


def test_only_those_who_may_publish_are_offered_the_acknowledgement(
    story, staff, peel_report, make_user
):
    reporter = make_user("Reporter", username="own-reporter")
    article = story(status=Status.DRAFT, published_at=None, body=FIVE_GOOD)
    Article.objects.filter(pk=article.pk).update(created_by=reporter)
    article.reports.add(peel_report)
    page = login(reporter).get(change_url(article))
    assert "The story says 5 ‘good’ grades" in texts(panel(page))
    assert ACK not in page.content.decode()
    assert ACK in login(staff("Editor")).get(change_url(article)).content.decode()
