"""The write side's rules, each in one place: the corrections desk's own door, the narrow
append-only rule that lets the database clean up after deleted accounts and revisions, and
the functions in articles.publishing that every entry point calls."""

from datetime import timedelta

import lxml.html
import pytest
import reversion
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision

from articles import publishing
from articles.models import Article, Correction, CorrectionKind, SlugRedirect, Status, Tag

from .desk_fixtures import change_url, form_data, login


@pytest.fixture
def seed_like_story(story, peel_report):
    """A live story as the demo's are: a tag, a linked report and the lead-story tick."""
    article = story(
        is_lead=True, body="<p>What the inspectors found.</p>\n<p>What the force said.</p>"
    )
    article.tags.add(Tag.objects.create(name="Policing", slug="policing"))
    article.reports.add(peel_report)
    return article


def test_the_desk_adds_a_correction_from_the_storys_own_page(seed_like_story, staff):
    desk = login(staff("Corrections desk"))
    page = desk.get(change_url(seed_like_story))
    assert page.status_code == 200
    links = lxml.html.fromstring(page.content).xpath("//a[normalize-space()='Add a correction']")
    assert len(links) == 1
    form_page = desk.get(links[0].get("href"))
    assert form_page.status_code == 200
    data = form_data(form_page, "correction_form")
    assert data["article"] == str(seed_like_story.pk)  # the story is filled in
    data |= {"kind": CorrectionKind.CORRECTION, "text": "We gave the wrong date for the visit."}
    response = desk.post(links[0].get("href"), data)
    assert response.status_code == 302
    assert response["Location"] == change_url(seed_like_story)
    correction = Correction.objects.get(article=seed_like_story)
    assert correction.text == "We gave the wrong date for the visit."
    assert correction.created_by == staff("Corrections desk")
    seed_like_story.refresh_from_db()
    assert seed_like_story.version == 1  # the story itself was not saved
    assert seed_like_story.is_lead
    assert list(seed_like_story.tags.values_list("slug", flat=True)) == ["policing"]
    reader_page = desk.get(seed_like_story.get_absolute_url())
    assert reader_page.status_code == 200
    assert "We gave the wrong date for the visit." in reader_page.content.decode()


def test_an_editor_still_adds_corrections_inline_and_the_desk_cannot(seed_like_story, staff):
    editor_page = login(staff("Editor")).get(change_url(seed_like_story))
    desk_page = login(staff("Corrections desk")).get(change_url(seed_like_story))
    assert (editor_page.status_code, desk_page.status_code) == (200, 200)
    assert 'name="corrections-TOTAL_FORMS"' in editor_page.content.decode()
    assert 'id="corrections-empty"' in editor_page.content.decode()
    assert 'id="corrections-empty"' not in desk_page.content.decode()


def test_a_staff_account_that_added_a_correction_can_be_deleted(seed_like_story, staff):
    desk = staff("Corrections desk")
    desk.first_name, desk.last_name = "Dana", "Desk"
    desk.save()
    correction = publishing.add_correction(
        article=seed_like_story, kind=CorrectionKind.CORRECTION, text="Fixed a date.", by=desk
    )
    desk.delete()
    correction.refresh_from_db()
    assert correction.text == "Fixed a date."
    assert correction.created_by is None
    assert correction.added_by == "Dana Desk (former staff member)"
    assert not User.objects.filter(username="corrections-desk").exists()


def test_an_old_revision_can_be_deleted_and_the_correction_stays(seed_like_story):
    correction = publishing.add_correction(
        article=seed_like_story, kind=CorrectionKind.CLARIFICATION, text="Made clearer."
    )
    assert correction.revision is not None
    Revision.objects.filter(pk=correction.revision.pk).delete()
    correction.refresh_from_db()
    assert correction.revision is None
    assert correction.text == "Made clearer."


def test_the_reader_facing_columns_stay_append_only_in_the_database(seed_like_story):
    from django.db import IntegrityError, connection, transaction

    correction = publishing.add_correction(
        article=seed_like_story, kind=CorrectionKind.CORRECTION, text="Original."
    )
    for column, value in [
        ("text", "'Rewritten.'"),
        ("kind", "'update'"),
        ("placement", "'top'"),
        ("published_at", "'2001-01-01 00:00:00'"),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE articles_correction SET {column} = {value} WHERE id = %s",  # noqa: S608
                [correction.pk],
            )
    with connection.cursor() as cursor:  # the desk-only note is not what readers see
        cursor.execute(
            "UPDATE articles_correction SET internal_note = 'seen' WHERE id = %s", [correction.pk]
        )


def test_amending_a_correction_is_a_permission_not_a_group_name(seed_like_story, make_user):
    from django.contrib.auth.models import Permission

    correction = publishing.add_correction(
        article=seed_like_story, kind=CorrectionKind.CORRECTION, text="First wording."
    )
    editor = make_user("Editor", "trusted-editor")
    assert not editor.has_perm("articles.amend_correction")
    editor.user_permissions.add(Permission.objects.get(codename="amend_correction"))
    editor = User.objects.get(pk=editor.pk)  # a fresh permission cache
    correction.amend(by=editor, text="Second wording.")
    correction.refresh_from_db()
    assert correction.text == "Second wording."


def test_publish_problems_is_the_one_list_for_the_form_and_the_action(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    article.bylines.all().delete()
    problems = publishing.publish_problems(article)
    assert [field for field, _ in problems] == ["bylines"]
    editor = login(staff("Editor"))
    action = editor.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
        follow=True,
    )
    assert action.status_code == 200
    assert problems[0][1] in action.content.decode()
    data = form_data(editor.get(change_url(article))) | {"status": Status.PUBLISHED}
    form = editor.post(change_url(article), data)
    assert form.status_code == 200
    assert problems[0][1] in form.content.decode()
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_scheduled_is_defined_once_and_the_filter_and_cache_use_it(make_article, staff):
    ahead = timezone.now() + timedelta(hours=3)
    scheduled = make_article(headline="Tomorrow's story", published_at=ahead)
    make_article(headline="Live story")
    assert list(Article.objects.scheduled()) == [scheduled]
    response = login(staff("Editor")).get(
        reverse("admin:articles_article_changelist"), {"status": "scheduled"}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    from newsroom.caching import _next_scheduled_publication

    assert _next_scheduled_publication() == pytest.approx(ahead.timestamp())


def test_publish_sets_the_first_publication_once_and_keeps_the_old_slug(story):
    article = story(status=Status.DRAFT, published_at=None)
    publishing.publish(article=article)
    first = article.first_published_at
    assert first is not None and first == article.published_at
    publishing.unpublish(article=article)
    article.slug = "moved-address"
    publishing.save_story(article=article)
    publishing.publish(article=article)
    article.refresh_from_db()
    assert article.first_published_at == first
    assert SlugRedirect.objects.get(article=article).old_slug != "moved-address"


def test_a_restore_is_one_revision_and_keeps_the_workflow(story, staff):
    article = story(headline="First headline")
    with reversion.create_revision():
        article.headline = "Second headline"
        publishing.save_story(article=article)
    first = reversion.models.Version.objects.get_for_object(article).last()
    restored = publishing.restore(article=article, version=first, by=staff("Editor"), minor=True)
    assert restored.headline == "First headline"
    assert restored.status == Status.PUBLISHED
    assert restored.bylines.count() == 1
