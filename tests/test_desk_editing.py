"""Editing a story at the desk: sanitising, validation in plain words, images, old addresses,
"Updated always says why", and a changelist without N+1 queries."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction, CorrectionKind, SlugRedirect, Status

from .corpora import corpus_lines
from .desk_fixtures import LiveClient, change_url, form_data, login, png_bytes, post_form

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}

STORY_BODY = (
    "<h2>What the inspectors found</h2>"
    "<p>The force was rated <strong>requires improvement</strong> for "
    '<em>investigating crime</em>. Read the <a href="https://www.justiceinspectorates.gov.uk/'
    'hmicfrs/">full report</a>.</p>'
    "<h3>Three areas of concern</h3>"
    "<ul><li><p>Victims were not kept informed.</p></li><li><p>Backlogs grew.</p></li></ul>"
    "<ol><li><p>Supervision</p></li><li><p>Training</p></li></ol>"
    "<blockquote><p>We accept the findings in full.</p></blockquote>"
    "<p>First line<br>second line</p>"
)


def xss_payloads():
    return corpus_lines("xss")


def unsafe_parts(html):
    """What in sanitised HTML could run script or restyle the page, judged on parsed markup."""
    if not html.strip():
        return []
    found = []
    for element in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in {"script", "style", "iframe", "object", "embed", "svg", "math"}:
            found.append(element.tag)
        for name, value in element.attrib.items():
            name = name.lower()
            cleaned = "".join(ch for ch in value if ch.isprintable() and not ch.isspace()).lower()
            if name.startswith("on") or name == "style":
                found.append(name)
            if name in URL_ATTRIBUTES and cleaned.startswith(DANGEROUS_SCHEMES):
                found.append(f"{name}={value}")
    return found


def test_the_xss_corpus_is_there():
    assert sum(1 for _ in xss_payloads()) > 2000


def test_no_xss_payload_survives_saving_a_story(make_article):
    article = make_article()
    survivors = []
    for payload in xss_payloads():
        for body in (payload, f"<p>{payload}</p>"):
            article.body = body
            article.save(update_fields=["body"])
            stored = Article.objects.values_list("body", flat=True).get(pk=article.pk)
            if "<script" in stored.lower() or unsafe_parts(stored):
                survivors.append((payload, stored))
    assert survivors == []


def test_an_ordinary_story_round_trips_unchanged_through_the_admin(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    response = post_form(login(staff("Editor")), change_url(article), body=STORY_BODY)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == STORY_BODY


def test_pasted_html_is_sanitised_when_saved_through_the_admin(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    body = (
        '<p style="color:red" onclick="steal()">Hi <a href="javascript:alert(1)">x</a></p>'
        "<script>alert(1)</script><img src=x onerror=alert(1)>"
    )
    post_form(login(staff("Editor")), change_url(article), body=body)
    article.refresh_from_db()
    assert unsafe_parts(article.body) == []
    assert "<script" not in article.body
    assert "Hi" in article.body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"published_at_0": "01/01/2020", "published_at_1": "09:00:00"},
            "published_at",
            "is in the past. To publish now, leave the publish time empty",
        ),
        ({"seo_title": "x" * 71}, "seo_title", "Keep the SEO title to 70 characters or fewer"),
        (
            {"seo_description": "x" * 161},
            "seo_description",
            "Keep the SEO description to 160 characters or fewer",
        ),
        (
            {"bylines-0-DELETE": "on"},
            None,
            "A published story needs a byline: add at least one author before publishing.",
        ),
    ],
)
def test_publishing_is_refused_in_plain_words(story, staff, changes, field, message):
    article = story(status=Status.DRAFT, published_at=None)
    response = post_form(
        login(staff("Editor")), change_url(article), status=Status.PUBLISHED, **changes
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_a_hero_image_needs_alt_text_unless_decorative(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    client = login(staff("Editor"))
    upload = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    response = post_form(client, change_url(article), hero_image=upload)
    assert "Describe the hero image for readers who cannot see it" in response.content.decode()
    upload = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    response = post_form(client, change_url(article), hero_image=upload, hero_is_decorative="on")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.hero_image
    assert "photo" not in article.hero_image.name  # a server-generated name
    assert article.hero_image.name.startswith("article/")


def test_a_file_that_is_not_an_image_is_refused(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    fake = SimpleUploadedFile("photo.png", b"<?php echo 'hi'; ?>", content_type="image/png")
    response = post_form(
        login(staff("Editor")), change_url(article), hero_image=fake, hero_alt="A photo"
    )
    assert response.status_code == 200
    assert "This file is not a JPEG, PNG, WebP or GIF image" in response.content.decode()
    article.refresh_from_db()
    assert not article.hero_image


def test_an_oversized_image_is_refused(story, staff, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1_048_576
    article = story(status=Status.DRAFT, published_at=None)
    big = png_bytes()
    big = SimpleUploadedFile("big.png", big + b"\0" * (1_200_000), content_type="image/png")
    response = post_form(
        login(staff("Editor")), change_url(article), hero_image=big, hero_alt="A photo"
    )
    assert response.status_code == 200
    assert "the limit is 1 MB" in response.content.decode()
    article.refresh_from_db()
    assert not article.hero_image


def test_changing_a_published_storys_slug_keeps_the_old_address(story, staff):
    article = story()
    old = article.slug
    response = post_form(
        login(staff("Editor")), change_url(article), slug="new-address", minor_edit="on"
    )
    assert response.status_code == 302
    assert SlugRedirect.objects.get(old_slug=old).article == article


def test_changing_a_drafts_slug_keeps_no_redirect(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    response = post_form(login(staff("Editor")), change_url(article), slug="new-address")
    assert response.status_code == 302  # saved, not refused
    article.refresh_from_db()
    assert article.slug == "new-address"
    assert not SlugRedirect.objects.exists()


def test_editing_a_live_storys_text_needs_a_note_or_minor_edit(story, staff):
    article = story()
    response = post_form(login(staff("Editor")), change_url(article), headline="Changed")
    assert response.status_code == 200
    assert (
        "You changed the headline of a published story. Write an update note for readers, "
        "or tick “Minor edit”" in response.content.decode()
    )
    article.refresh_from_db()
    assert article.headline != "Changed"


def test_a_minor_edit_does_not_move_the_updated_stamp(story, staff):
    article = story()
    response = post_form(
        login(staff("Editor")), change_url(article), body="<p>Text, fixed.</p>", minor_edit="on"
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>Text, fixed.</p>"
    assert article.updated_at is None
    assert article.modified_for_readers == article.published_at
    assert not article.corrections.exists()


def test_an_update_note_becomes_an_update_entry_and_moves_the_stamp(story, staff):
    article = story()
    editor = staff("Editor")
    response = post_form(
        login(editor),
        change_url(article),
        standfirst="The chief constable has responded.",
        update_note="This story was updated with the chief constable's response.",
    )
    assert response.status_code == 302
    article.refresh_from_db()
    update = article.corrections.get()
    assert update.kind == CorrectionKind.UPDATE
    assert update.created_by == editor
    assert article.updated_at == update.published_at
    assert article.modified_for_readers == update.published_at


def test_scheduled_story_edits_need_no_update_note(story, staff):
    article = story(published_at=timezone.now() + timedelta(days=1))
    response = post_form(login(staff("Editor")), change_url(article), headline="Tweaked")
    assert response.status_code == 302
    assert not Correction.objects.exists()


def test_the_changelist_has_no_n_plus_one_queries(
    make_article, staff, django_assert_max_num_queries
):
    client = login(staff("Editor"))
    url = reverse("admin:articles_article_changelist")
    make_article()
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    for _ in range(49):
        make_article()
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("Stephen Briggs") >= 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_changelist_shows_columns_filters_and_search(make_article, staff):
    make_article(headline="Fire service told to improve")
    make_article(headline="Council budget", status=Status.DRAFT, published_at=None)
    client = login(staff("Editor"))
    url = reverse("admin:articles_article_changelist")
    page = client.get(url).content.decode()
    for column in ["Headline", "Status", "Section", "Byline", "Publish time", "Last edited"]:
        assert column.lower() in page.lower()
    found = client.get(url, {"q": "fire service"}).content.decode()
    assert "Fire service told to improve" in found
    assert "Council budget" not in found
    drafts = client.get(url, {"status": "draft"}).content.decode()
    assert "Council budget" in drafts
    assert "Fire service told to improve" not in drafts


def test_the_change_form_offers_view_on_site_and_autocomplete(story, staff):
    article = story()
    page = login(staff("Editor")).get(change_url(article)).content.decode()
    assert "View on site" in page
    form = form_data(login(staff("Editor", "ed2")).get(change_url(article)))
    assert form["loaded_version"] == str(article.version)
    for autocomplete in ("id_tags", "id_reports", "id_section", "bylines-0-author"):
        assert autocomplete in page
    assert "admin-autocomplete" in page


# Two people saving at once


SAVING_AT_ONCE = 3
ROUNDS = 4


def test_of_editors_saving_at_the_same_moment_one_wins_and_the_rest_are_refused(
    live_server, story, staff
):
    """Real concurrent saves: a live server, one thread and one session per editor. Every
    editor opens the story, then all save at the same moment; each time exactly one save goes
    through and every other is refused with the notice, so no update is lost."""
    article = story(status=Status.DRAFT, published_at=None)
    url = change_url(article)
    editors = [
        LiveClient(live_server.url, staff("Editor", f"editor-{number}"))
        for number in range(SAVING_AT_ONCE)
    ]
    everyone_has_it_open = threading.Barrier(SAVING_AT_ONCE)

    def open_then_save(editor, headline):
        form = form_data(editor.get(url))
        everyone_has_it_open.wait(timeout=120)
        return editor.post(url, form | {"headline": headline})

    with ThreadPoolExecutor(SAVING_AT_ONCE) as pool:
        for round_number in range(1, ROUNDS + 1):
            headlines = [f"Round {round_number}: editor {n}" for n in range(SAVING_AT_ONCE)]
            responses = list(pool.map(open_then_save, editors, headlines))

            statuses = [response.status_code for response in responses]
            assert sorted(statuses) == [200] * (SAVING_AT_ONCE - 1) + [302], statuses
            for response in responses:
                if response.status_code == 200:
                    page = response.content.decode()
                    assert "saved this story while you were editing it" in page
                    assert "Your changes have not been saved" in page
            article.refresh_from_db()
            assert article.headline == headlines[statuses.index(302)]
            assert article.version == 1 + round_number
