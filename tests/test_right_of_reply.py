"""Right of reply (issue 11 §3): whom the desk asked for comment, what came back, the one line
readers see, the warnings before publishing, and a late reply recorded as an update note."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import CommentRequest, CorrectionKind, ReplyStatus, Status

from .desk_fixtures import change_url, form_data, login
from .test_site_queries import count_queries

ASKED = timezone.make_aware(datetime(2022, 6, 20, 10, 0))  # BST
PUBLISHED = timezone.make_aware(datetime(2022, 6, 21, 5, 0))


@pytest.fixture
def seed_story(make_article):
    return make_article(published_at=PUBLISHED, first_published_at=PUBLISHED)


@pytest.fixture
def ask(cambridgeshire):
    def make(article, **fields):
        defaults = {
            "organisation": cambridgeshire,
            "asked_at": ASKED,
            "deadline": ASKED + timedelta(hours=8),
        }
        if "person_name" in fields:
            defaults["organisation"] = None
        return CommentRequest.objects.create(article=article, **defaults | fields)

    return make


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# The rules


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"channel": "pigeon"}, "channel_is_known"),
        ({"status": "maybe"}, "status_is_known"),
        ({"person_name": "Nick Dean", "organisation": "both"}, "asks_one_recipient"),
        ({"organisation": None}, "asks_one_recipient"),
        ({"status": ReplyStatus.QUOTED}, "reply_has_time"),
        ({"status": ReplyStatus.NO_REPLY, "received_at": ASKED}, "no_reply_has_no_time"),
        ({"deadline": ASKED - timedelta(hours=1)}, "deadline_after_asking"),
    ],
)
def test_the_database_refuses_a_request_that_breaks_a_rule(
    seed_story, cambridgeshire, fields, constraint
):
    if fields.get("organisation") == "both":
        fields["organisation"] = cambridgeshire
    values = {"organisation": cambridgeshire, "asked_at": ASKED, "deadline": ASKED} | fields
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        CommentRequest.objects.create(article=seed_story, **values)


def test_requests_go_with_their_story(seed_story, ask):
    ask(seed_story)
    seed_story.delete()
    assert not CommentRequest.objects.exists()


# The line readers see


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (
            {"status": ReplyStatus.QUOTED, "received_at": ASKED + timedelta(hours=3)},
            "We asked Cambridgeshire Constabulary for comment on 20 June; its response is below.",
        ),
        (
            {"status": ReplyStatus.SUMMARISED, "received_at": ASKED + timedelta(hours=3)},
            "We asked Cambridgeshire Constabulary for comment on 20 June; its response is "
            "summarised below.",
        ),
        ({"status": ReplyStatus.DECLINED}, "Cambridgeshire Constabulary declined to comment."),
        (
            {"status": ReplyStatus.NO_REPLY},
            "Cambridgeshire Constabulary had not replied by the time of publication.",
        ),
        (
            {"status": ReplyStatus.AWAITING},
            "Cambridgeshire Constabulary had not replied by the time of publication.",
        ),
        (
            {"status": ReplyStatus.QUOTED, "received_at": PUBLISHED + timedelta(hours=7)},
            "We asked Cambridgeshire Constabulary for comment on 20 June; its response came "
            "after publication and is in the update below.",
        ),
        (
            {
                "person_name": "Darryl Preston",
                "person_role": "Police and Crime Commissioner",
                "status": ReplyStatus.QUOTED,
                "received_at": ASKED + timedelta(hours=3),
            },
            "We asked Darryl Preston, Police and Crime Commissioner, for comment on 20 June; "
            "their response is below.",
        ),
        (
            {"person_name": "Darryl Preston", "status": ReplyStatus.DECLINED},
            "Darryl Preston declined to comment.",
        ),
    ],
)
def test_each_answer_gets_its_own_accurate_line(seed_story, ask, fields, line):
    assert ask(seed_story, **fields).reader_line() == line


def test_the_day_asked_is_the_day_in_the_uk(seed_story, ask):
    early = timezone.make_aware(datetime(2022, 6, 21, 0, 30))  # 23:30 UTC on the 20th
    request = ask(
        seed_story, asked_at=early, deadline=early, status=ReplyStatus.QUOTED, received_at=early
    )
    assert "on 21 June" in request.reader_line()


def test_the_story_page_shows_each_line(client, seed_story, ask):
    ask(seed_story, status=ReplyStatus.DECLINED)
    ask(seed_story, person_name="Darryl Preston", status=ReplyStatus.NO_REPLY)
    page = client.get(seed_story.get_absolute_url()).content.decode()
    assert '<div class="right-of-reply">' in page
    assert "<p>Cambridgeshire Constabulary declined to comment.</p>" in page
    assert "<p>Darryl Preston had not replied by the time of publication.</p>" in page


def test_a_story_without_requests_shows_no_right_of_reply(client, seed_story):
    assert "right-of-reply" not in client.get(seed_story.get_absolute_url()).content.decode()


def test_a_name_is_shown_as_text_not_markup(client, seed_story, ask):
    ask(seed_story, person_name="<b>Bold</b>", status=ReplyStatus.DECLINED)
    page = client.get(seed_story.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; declined to comment." in page


def test_the_story_page_costs_the_same_however_many_were_asked(client, make_article, ask):
    one, many = make_article(), make_article()
    ask(one)
    for status in [ReplyStatus.DECLINED, ReplyStatus.NO_REPLY, ReplyStatus.AWAITING]:
        ask(many, status=status)
    ask(many, person_name="Darryl Preston")
    assert count_queries(client, one.get_absolute_url()) == count_queries(
        client, many.get_absolute_url()
    )


# Warnings before publishing


def test_a_story_on_a_report_warns_until_the_inspected_body_is_asked(
    make_article, peel_report, ask
):
    draft = make_article(status=Status.IN_REVIEW, published_at=None)
    draft.reports.add(peel_report)
    (warning,) = publishing.publish_warnings(draft)
    assert "Cambridgeshire Constabulary, which has not been asked for comment" in warning
    ask(draft, asked_at=timezone.now() - timedelta(days=2), deadline=timezone.now())
    assert publishing.publish_warnings(draft) == []


def test_asking_someone_else_does_not_count_as_asking_the_inspected_body(
    make_article, peel_report, ask
):
    draft = make_article(status=Status.IN_REVIEW, published_at=None)
    draft.reports.add(peel_report)
    ask(draft, person_name="Darryl Preston", deadline=ASKED)
    assert len(publishing.publish_warnings(draft)) == 1


@pytest.mark.parametrize(
    ("hours_left", "fields", "warned"),
    [
        (4, {}, True),
        (-1, {}, False),
        (4, {"status": ReplyStatus.DECLINED}, False),
        (4, {"status": ReplyStatus.QUOTED, "received_at": ASKED}, False),
    ],
)
def test_a_request_still_within_its_deadline_without_an_answer_warns(
    make_article, ask, hours_left, fields, warned
):
    draft = make_article(status=Status.IN_REVIEW, published_at=None)
    deadline = timezone.now() + timedelta(hours=hours_left)
    ask(draft, asked_at=ASKED, deadline=deadline, **fields)
    warnings = publishing.publish_warnings(draft)
    assert bool(warnings) is warned
    if warned:
        assert "Cambridgeshire Constabulary has until" in warnings[0]


def test_the_story_change_page_shows_the_warnings_on_opening(
    make_article, peel_report, role_client
):
    draft = make_article(status=Status.IN_REVIEW, published_at=None)
    draft.reports.add(peel_report)
    response = role_client("Editor").get(change_url(draft))
    assert response.status_code == 200
    panel = response.content.decode().split('id="prepublish"')[1]  # the pre-publish panel
    assert "has not been asked for comment" in panel


# The desk


def test_those_who_edit_the_story_record_a_request_on_its_page(story, peel_report, role_client):
    draft = story(status=Status.IN_REVIEW, published_at=None)
    client = role_client("Editor")
    data = form_data(client.get(change_url(draft)))
    assert data["comment_requests-TOTAL_FORMS"] == "0"
    data |= {
        "comment_requests-TOTAL_FORMS": "1",
        "comment_requests-0-organisation": str(peel_report.organisation.pk),
        "comment_requests-0-channel": "email",
        "comment_requests-0-asked_at_0": "20/06/2022",
        "comment_requests-0-asked_at_1": "10:00",
        "comment_requests-0-deadline_0": "20/06/2022",
        "comment_requests-0-deadline_1": "18:00",
        "comment_requests-0-status": ReplyStatus.AWAITING,
    }
    response = client.post(change_url(draft), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    (request,) = draft.comment_requests.all()
    assert request.organisation == peel_report.organisation
    assert timezone.localtime(request.deadline).hour == 18


def record_reply_data(client, request, **changes):
    url = reverse("admin:articles_commentrequest_change", args=[request.pk])
    page = client.get(url)
    assert b'name="_record_reply"' in page.content
    return url, form_data(page, "commentrequest_form") | {"_record_reply": "1"} | changes


@pytest.mark.parametrize("role", ["Editor", "Corrections desk"])
def test_a_late_reply_becomes_the_update_note_in_one_step(seed_story, ask, role_client, role):
    request = ask(seed_story)
    client = role_client(role)
    url, data = record_reply_data(
        client, request, status=ReplyStatus.QUOTED, reply="We accept the findings."
    )
    response = client.post(url, data)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ReplyStatus.QUOTED
    assert request.received_at is not None
    (note,) = seed_story.corrections.all()
    assert note.kind == CorrectionKind.UPDATE
    assert note.text == (
        "After this story was published, Cambridgeshire Constabulary said: "
        "“We accept the findings.”"
    )
    seed_story.refresh_from_db()
    assert seed_story.updated_at == note.published_at


def test_the_desk_may_write_the_update_note_itself(seed_story, ask, role_client):
    request = ask(seed_story)
    client = role_client("Editor")
    url, data = record_reply_data(
        client,
        request,
        status=ReplyStatus.SUMMARISED,
        reply="Long statement.",
        update_note="This story was updated at 12:24 with the force's response.",
    )
    assert client.post(url, data).status_code == 302
    (note,) = seed_story.corrections.all()
    assert note.text == "This story was updated at 12:24 with the force's response."


def test_recording_a_reply_without_an_answer_saves_nothing(seed_story, ask, role_client):
    request = ask(seed_story)
    client = role_client("Editor")
    url, data = record_reply_data(client, request, status=ReplyStatus.AWAITING)
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "Choose what came back: quoted, summarised or declined." in response.content.decode()
    assert not seed_story.corrections.exists()


def test_only_those_who_may_add_update_notes_record_a_late_reply(seed_story, ask, make_user):
    editor = make_user("Editor", "editor-without-notes")
    editor.groups.get().permissions.remove(Permission.objects.get(codename="add_correction"))
    request = ask(seed_story)
    client = login(editor)
    url = reverse("admin:articles_commentrequest_change", args=[request.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="_record_reply"' not in page.content
    data = form_data(page, "commentrequest_form") | {
        "_record_reply": "1",
        "status": ReplyStatus.DECLINED,
        "received_at_0": "21/06/2022",
        "received_at_1": "12:00",
    }
    assert client.post(url, data).status_code == 302  # saved as a plain change
    assert not seed_story.corrections.exists()


def test_the_reply_is_not_kept_when_its_update_note_fails(
    seed_story, ask, role_client, monkeypatch
):
    request = ask(seed_story)
    client = role_client("Editor")
    url, data = record_reply_data(client, request, status=ReplyStatus.DECLINED)

    def fail(**kwargs):
        raise RuntimeError("the note could not be saved")

    monkeypatch.setattr(publishing, "record_update_note", fail)
    with pytest.raises(RuntimeError):
        client.post(url, data)
    request.refresh_from_db()
    assert request.status == ReplyStatus.AWAITING


def test_no_record_reply_button_before_publication(make_article, ask, role_client):
    draft = make_article(status=Status.IN_REVIEW, published_at=None)
    request = ask(draft)
    page = role_client("Editor").get(
        reverse("admin:articles_commentrequest_change", args=[request.pk])
    )
    assert page.status_code == 200
    assert b'name="_record_reply"' not in page.content


def test_the_request_list_filters_open_requests_and_deadlines(make_article, ask, role_client):
    story = make_article()
    now = timezone.now()
    soon = ask(story, asked_at=now - timedelta(hours=1), deadline=now + timedelta(hours=2))
    passed = ask(story, asked_at=now - timedelta(days=2), deadline=now - timedelta(days=1))
    answered = ask(story, deadline=ASKED, status=ReplyStatus.DECLINED, person_name="Nick Dean")
    client = role_client("Editor")
    url = reverse("admin:articles_commentrequest_changelist")

    def listed(query):
        return set(client.get(f"{url}?{query}").context["cl"].result_list)

    assert listed("open=yes") == {soon, passed}
    assert listed("open=no") == {answered}
    assert listed("deadline=day") == {soon}
    assert listed("deadline=passed") == {passed, answered}


def test_the_desk_front_page_lists_open_requests_soonest_deadline_first(
    make_article, ask, role_client
):
    story = make_article()
    now = timezone.now()
    for hours in range(12, 0, -1):
        ask(
            story,
            person_name=f"Person {hours:02}",
            asked_at=now - timedelta(days=1),
            deadline=now + timedelta(hours=hours),
        )
    ask(story, deadline=ASKED, status=ReplyStatus.DECLINED)
    page = role_client("Editor").get(reverse("admin:index")).content.decode()
    assert "Requests for comment awaiting a reply (12)" in page
    shown = [f"Person {hours:02}" for hours in range(1, 13) if f"Person {hours:02}<" in page]
    assert shown == [f"Person {hours:02}" for hours in range(1, 11)]
    assert page.index("Person 01<") < page.index("Person 02<") < page.index("Person 10<")
    assert "All 12 open requests" in page
