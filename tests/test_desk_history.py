"""Revisions (who, when, why; compare; restore) and the notice when two editors' saves overlap.

Saves at the same moment, through a live server, are in test_desk_editing.py."""

import re

import pytest
import reversion
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Author, Byline, BylineRole, Section, Status, Tag

from .desk_fixtures import change_url, form_data, login, png_bytes, post_form


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def compare_url(article):
    return reverse("admin:articles_article_compare", args=[article.pk])


def test_every_admin_save_keeps_a_revision_with_user_time_and_note(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    editor = staff("Editor")
    post_form(
        login(editor),
        change_url(article),
        headline="Second go",
        revision_note="Tightened the headline",
    )
    latest = Version.objects.get_for_object(article).select_related("revision").first()
    assert latest.revision.user == editor
    assert latest.revision.comment.startswith("Tightened the headline")
    assert latest.field_dict["headline"] == "Second go"
    page = login(editor).get(history_url(article)).content.decode()
    assert "Tightened the headline" in page
    assert "Compare with live" in page


def test_compare_shows_a_readable_field_by_field_diff(story, staff):
    article = story(status=Status.DRAFT, published_at=None, body="<p>The force was good.</p>")
    client = login(staff("Editor"))
    post_form(client, change_url(article), body="<p>The force was outstanding.</p>")
    older, newer = reversed(list(Version.objects.get_for_object(article)))
    page = client.get(compare_url(article), {"a": older.pk, "b": newer.pk}).content.decode()
    assert "1 field changed" in page
    assert "<del>good.</del><ins>outstanding.</ins>" in page
    live = client.get(compare_url(article), {"a": older.pk, "b": "live"}).content.decode()
    assert "the live story as it stands now" in live
    assert "<ins>outstanding.</ins>" in live


def test_the_diff_escapes_what_it_shows(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    client = login(staff("Editor"))
    post_form(client, change_url(article), headline="<b>Bold</b> & <script>x</script>")
    page = client.get(compare_url(article)).content.decode()
    assert "&lt;script&gt;" in page
    assert "<script>x" not in page


def test_restore_brings_back_every_field_with_bylines_tags_and_reports(story, staff, make_report):
    for name in ("article/2022/06/original.png", "article/2022/07/other.png"):
        default_storage.save(name, ContentFile(png_bytes()))
    first_report, second_report = make_report(), make_report(organisation="Norfolk Constabulary")
    first_tag = Tag.objects.create(name="Policing", slug="policing")
    second_tag = Tag.objects.create(name="Fire", slug="fire")
    writer = Author.objects.get(slug="stephen-briggs")
    photographer = Author.objects.create(name="Pat Photo", slug="pat")
    article = story(
        slug="original-address",
        headline="Original headline",
        standfirst="Original standfirst.",
        body="<p>Original body.</p>",
        hero_image="article/2022/06/original.png",
        hero_alt="Original alt",
        hero_caption="Original caption",
        hero_credit="Original credit",
        seo_title="Original SEO title",
        seo_description="Original SEO description",
    )
    with reversion.create_revision():
        Byline.objects.create(
            article=article, author=photographer, role=BylineRole.PHOTOGRAPHY, position=1
        )
        article.tags.set([first_tag])
        article.reports.set([first_report])
        article.save()
    original = Version.objects.get_for_object(article).first()
    original_fields = {
        name: getattr(article, name)
        for name in [
            "slug",
            "headline",
            "standfirst",
            "body",
            "section_id",
            "hero_alt",
            "hero_is_decorative",
            "hero_caption",
            "hero_credit",
            "seo_title",
            "seo_description",
        ]
    }

    elsewhere = Section.objects.create(name="Crime", slug="crime")
    with reversion.create_revision():
        article = Article.objects.get(pk=article.pk)
        for name, value in original_fields.items():
            if isinstance(value, str) and name != "body":
                setattr(article, name, f"changed-{value}"[:60].lower().replace(" ", "-"))
        article.body = "<p>Rewritten body.</p>"
        article.section = elsewhere
        article.hero_image = "article/2022/07/other.png"
        article.hero_is_decorative = True
        article.save()
        article.tags.set([second_tag])
        article.reports.set([second_report])
        article.bylines.all().delete()
        Byline.objects.create(article=article, author=photographer, role=BylineRole.DATA)

    editor = staff("Editor")
    response = login(editor).post(
        reverse("admin:articles_article_restore", args=[article.pk, original.pk]),
        {"note": "Back to the original", "minor_edit": "on"},
    )
    assert response.status_code == 302

    article = Article.objects.get(pk=article.pk)
    assert {name: getattr(article, name) for name in original_fields} == original_fields
    assert article.hero_image.name == "article/2022/06/original.png"
    assert list(article.tags.all()) == [first_tag]
    assert list(article.reports.all()) == [first_report]
    assert [(b.author, b.role, b.position) for b in article.bylines.all()] == [
        (writer, BylineRole.REPORTER, 0),
        (photographer, BylineRole.PHOTOGRAPHY, 1),
    ]
    assert article.status == Status.PUBLISHED  # the workflow stays where it was
    assert article.modified_by == editor
    latest = Version.objects.get_for_object(article).select_related("revision").first()
    assert "Back to the original" in latest.revision.comment
    assert article.slug_redirects.filter(old_slug__startswith="changed-").exists()


@pytest.mark.parametrize("role", ["Reporter", "Corrections desk"])
def test_only_editors_restore(story, staff, role):
    article = story()
    version = Version.objects.get_for_object(article).first()
    url = reverse("admin:articles_article_restore", args=[article.pk, version.pk])
    assert login(staff(role)).post(url).status_code == 403


def test_reversions_own_revert_form_is_replaced_by_compare(story, staff):
    article = story()
    version = Version.objects.get_for_object(article).first()
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    response = login(staff("Editor")).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(compare_url(article))


def test_the_second_of_two_overlapping_saves_is_refused_and_keeps_its_input(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    first, second = login(staff("Editor")), login(staff("Editor", "second-editor"))
    first_form = form_data(first.get(change_url(article)))
    second_form = form_data(second.get(change_url(article)))

    assert first.post(change_url(article), first_form | {"headline": "First"}).status_code == 302
    refused = second.post(change_url(article), second_form | {"standfirst": "Second's words"})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert re.search(
        r"editor at \d\d:\d\d saved this story while you were editing it, changing: Headline\.",
        page,
    )
    assert "Your changes have not been saved" in page
    assert "Second&#x27;s words" in page or "Second's words" in page
    assert "See what changed" in page
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("First", first_form["standfirst"])

    # Having seen the notice, saving again is a deliberate choice and goes through.
    again = second.post(change_url(article), form_data(refused) | {"headline": "First"})
    assert again.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("First", "Second's words")
