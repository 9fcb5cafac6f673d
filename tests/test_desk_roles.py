"""Who may do what at the editorial desk, enforced on the server (issue 3, workflow and roles)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Byline, Status

from .desk_fixtures import change_url, login, post_form

ROLES = ["Reporter", "Editor", "Corrections desk", "Administrator"]


@pytest.fixture
def own_draft(story, staff):
    """A draft by the reporter: their author page is linked to their account."""
    reporter = staff("Reporter")
    mine = Author.objects.create(name="Rita Reporter", slug="rita", user=reporter)
    return story(status=Status.DRAFT, published_at=None, bylines=[mine])


@pytest.fixture
def others_draft(story):
    return story(status=Status.DRAFT, published_at=None, headline="Someone else's draft")


def _ok(response):
    return response.status_code in {200, 302}


@pytest.mark.parametrize(
    ("role", "page", "allowed"),
    [
        ("Reporter", "add", True),
        ("Editor", "add", True),
        ("Corrections desk", "add", False),
        ("Administrator", "add", True),
        ("Reporter", "users", False),
        ("Editor", "users", False),
        ("Corrections desk", "users", False),
        ("Administrator", "users", True),
        ("Reporter", "groups", False),
        ("Editor", "groups", False),
        ("Administrator", "groups", True),
        ("Reporter", "correction_add", False),
        ("Editor", "correction_add", True),
        ("Corrections desk", "correction_add", True),
        ("Reporter", "correction_list", True),
        ("Corrections desk", "article_list", True),
        ("Editor", "author_add", True),
        ("Reporter", "author_add", False),
        ("Editor", "section_add", True),
        ("Editor", "tag_add", True),
        ("Corrections desk", "tag_add", False),
    ],
)
def test_each_role_opens_only_its_pages(role_client, role, page, allowed):
    url = {
        "add": "admin:articles_article_add",
        "users": "admin:auth_user_changelist",
        "groups": "admin:auth_group_changelist",
        "correction_add": "admin:articles_correction_add",
        "correction_list": "admin:articles_correction_changelist",
        "article_list": "admin:articles_article_changelist",
        "author_add": "admin:articles_author_add",
        "section_add": "admin:articles_section_add",
        "tag_add": "admin:articles_tag_add",
    }[page]
    response = role_client(role).get(reverse(url))
    assert (response.status_code == 200) is allowed, response.status_code


def test_staff_with_user_permissions_but_not_administrator_cannot_change_users(staff, make_user):
    editor = staff("Editor")
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user", "change_group"])
    )
    client = login(editor)
    target = make_user("Reporter", username="target")
    url = reverse("admin:auth_user_change", args=[target.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"username": "target", "is_superuser": "on"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert not target.is_superuser


def test_reporter_creates_a_draft_which_is_their_own(staff, section, author):
    reporter = staff("Reporter")
    client = login(reporter)
    url = reverse("admin:articles_article_add")
    response = post_form(
        client,
        url,
        headline="Council cuts bin rounds",
        slug="council-cuts-bin-rounds",
        section=str(section.pk),
        status=Status.DRAFT,
        **{
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-author": str(author.pk),
            "bylines-0-role": "reporter",
            "bylines-0-position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="council-cuts-bin-rounds")
    assert article.created_by == reporter
    assert article.modified_by == reporter
    assert article.is_editable_by(reporter)


def test_reporter_edits_own_draft_and_submits_it_for_review(own_draft, staff):
    client = login(staff("Reporter"))
    response = post_form(
        client, change_url(own_draft), headline="Better headline", status=Status.IN_REVIEW
    )
    assert response.status_code == 302
    own_draft.refresh_from_db()
    assert (own_draft.headline, own_draft.status) == ("Better headline", Status.IN_REVIEW)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", Status.PUBLISHED, "Only an editor can publish"),
        ("status", Status.UNPUBLISHED, "Only an editor can publish"),
        ("published_at_0", "01/01/2031", "only an editor can publish or schedule"),
        ("is_lead", "on", "only an editor chooses the home page’s lead story"),
    ],
)
def test_a_reporters_crafted_post_to_publish_or_schedule_changes_nothing(
    own_draft, staff, field, value, message
):
    client = login(staff("Reporter"))
    extra = {"published_at_1": "09:00"} if field == "published_at_0" else {}
    response = post_form(
        client, change_url(own_draft), headline="Sneaky", **{field: value}, **extra
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    own_draft.refresh_from_db()
    assert own_draft.status == Status.DRAFT
    assert own_draft.published_at is None
    assert not own_draft.is_lead
    assert own_draft.headline != "Sneaky"


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.IN_REVIEW])
def test_reporter_cannot_edit_others_stories_or_published_ones(story, staff, status, author):
    reporter = staff("Reporter")
    author.user = reporter
    author.save()
    colleague = Author.objects.create(name="Colin Colleague", slug="colin")
    theirs = story(status=Status.DRAFT, published_at=None, headline="Not mine", bylines=[colleague])
    published_own = story(status=Status.PUBLISHED)  # the reporter is on its byline
    client = login(reporter)
    for article in (theirs, published_own):
        opened = client.get(change_url(article))
        assert opened.status_code == 200  # they may read it
        assert 'name="headline"' not in opened.content.decode()  # but not as a form
        response = client.post(change_url(article), {"headline": "Rewritten", "status": status})
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.headline != "Rewritten"


def test_reporter_cannot_use_the_publish_action(own_draft, staff):
    client = login(staff("Reporter"))
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [own_draft.pk]},
    )
    assert response.status_code in {200, 302}
    own_draft.refresh_from_db()
    assert own_draft.status == Status.DRAFT


def test_editor_edits_any_story_and_publishes_it_setting_first_published(others_draft, staff):
    editor = staff("Editor")
    response = post_form(login(editor), change_url(others_draft), status=Status.PUBLISHED)
    assert response.status_code == 302, response.content.decode()[:2000]
    others_draft.refresh_from_db()
    assert others_draft.is_published()
    assert others_draft.first_published_at == others_draft.published_at
    assert others_draft.modified_by == editor


def test_editor_schedules_a_story_which_shows_as_scheduled(others_draft, staff):
    client = login(staff("Editor"))
    ahead = timezone.localtime() + timedelta(days=2)
    response = post_form(
        client,
        change_url(others_draft),
        status=Status.PUBLISHED,
        published_at_0=f"{ahead:%d/%m/%Y}",
        published_at_1=f"{ahead:%H:%M:%S}",
    )
    assert response.status_code == 302
    others_draft.refresh_from_db()
    assert others_draft.display_status == "Scheduled"
    assert not others_draft.is_published()
    changelist = client.get(reverse("admin:articles_article_changelist"))
    assert "Scheduled" in changelist.content.decode()


def test_editor_publish_and_unpublish_actions(others_draft, staff):
    client = login(staff("Editor"))
    url = reverse("admin:articles_article_changelist")
    client.post(url, {"action": "publish_selected", "_selected_action": [others_draft.pk]})
    others_draft.refresh_from_db()
    assert others_draft.is_published()
    assert others_draft.first_published_at is not None
    client.post(url, {"action": "unpublish_selected", "_selected_action": [others_draft.pk]})
    others_draft.refresh_from_db()
    assert others_draft.status == Status.UNPUBLISHED


def test_publish_action_refuses_a_story_without_a_byline(others_draft, staff):
    Byline.objects.filter(article=others_draft).delete()
    client = login(staff("Editor"))
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [others_draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "was not published. A published story needs a byline" in response.content.decode()
    others_draft.refresh_from_db()
    assert others_draft.status == Status.DRAFT


def test_corrections_desk_reads_every_story_but_cannot_change_it(story, staff):
    article = story()
    client = login(staff("Corrections desk"))
    page = client.get(change_url(article))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # a read-only page: nothing to save
    for field, value in [("body", "<p>Rewritten.</p>"), ("status", Status.UNPUBLISHED)]:
        response = client.post(
            change_url(article),
            {field: value, "loaded_version": article.version, "_save": "Save"},
        )
        assert response.status_code == 403
    article.refresh_from_db()
    assert (article.body, article.status) == ("<p>Text.</p>", Status.PUBLISHED)
