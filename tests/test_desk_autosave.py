"""Work is not lost at the desk: typed text is autosaved for its author (restore or discard on
reopening), the page says who else has the story open and when they save it, and a picture
uploaded with a save that failed is kept for the next save."""

from datetime import timedelta

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Autosave, KeptUpload, Presence, Status

from .desk_fixtures import change_url, form_data, login, png_bytes


def autosave_url(key):
    return reverse("admin:articles_article_autosave", args=[key])


def presence_url(story):
    return reverse("admin:articles_article_presence", args=[story.pk])


# Autosave


def test_typing_is_autosaved_for_that_person_and_story_not_as_a_revision(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    client = login(staff("Editor"))
    versions = article.version
    answer = client.post(
        autosave_url(article.pk),
        {
            "body": "<p>Nine thousand characters, nearly.</p>",
            "headline": "Draft head",
            "loaded_version": str(article.version),
            "status": "published",
        },
    )
    assert answer.status_code == 200
    assert "saved_at" in answer.json()
    saved = Autosave.objects.get(story=article)
    assert saved.user == staff("Editor")
    assert saved.data == {
        "body": "<p>Nine thousand characters, nearly.</p>",
        "headline": "Draft head",
        "loaded_version": article.version,
    }  # only typed text: never the status
    article.refresh_from_db()
    assert (article.version, article.headline) == (versions, "Force told to improve")


def test_reopening_the_story_offers_restore_or_discard(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    client = login(staff("Editor"))
    client.post(autosave_url(article.pk), {"standfirst": "Typed, never saved."})
    saved_at = timezone.localtime(Autosave.objects.get().saved_at)

    page = client.get(change_url(article))
    assert page.status_code == 200
    assert f"Restore your unsaved text from {saved_at:%H:%M}" in page.content.decode()
    assert "Discard" in page.content.decode()

    restored = form_data(client.get(change_url(article) + "?restore=1"))
    assert restored["standfirst"] == "Typed, never saved."

    discarded = client.post(reverse("admin:articles_article_autosave_discard", args=[article.pk]))
    assert discarded.status_code == 302
    assert not Autosave.objects.exists()
    again = client.get(change_url(article))
    assert again.status_code == 200
    assert "Restore your unsaved text" not in again.content.decode()


def test_restored_text_saved_later_is_merged_with_what_others_saved_since(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    me, other = login(staff("Editor")), login(staff("Editor", "other"))
    client_form = form_data(me.get(change_url(article)))
    me.post(
        autosave_url(article.pk),
        {"standfirst": "Mine, typed.", "loaded_version": client_form["loaded_version"]},
    )
    other_form = form_data(other.get(change_url(article)))
    assert other.post(change_url(article), other_form | {"seo_title": "Theirs"}).status_code == 302

    restored = form_data(me.get(change_url(article) + "?restore=1"))
    refused = me.post(change_url(article), restored)
    assert refused.status_code == 200  # told, with their change merged in
    assert me.post(change_url(article), form_data(refused)).status_code == 302
    article.refresh_from_db()
    assert (article.standfirst, article.seo_title) == ("Mine, typed.", "Theirs")


def test_saving_the_story_clears_the_autosave(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    client = login(staff("Editor"))
    client.post(autosave_url(article.pk), {"standfirst": "Typed."})
    form = form_data(client.get(change_url(article)))
    assert client.post(change_url(article), form | {"standfirst": "Typed."}).status_code == 302
    assert not Autosave.objects.exists()


def test_a_new_story_is_autosaved_under_its_own_key(staff):
    client = login(staff("Reporter"))
    assert client.post(autosave_url("new"), {"headline": "Not saved yet"}).status_code == 200
    assert Autosave.objects.get(story=None).data["headline"] == "Not saved yet"
    page = client.get(reverse("admin:articles_article_add"))
    assert "Restore your unsaved text" in page.content.decode()
    restored = form_data(client.get(reverse("admin:articles_article_add") + "?restore=1"))
    assert restored["headline"] == "Not saved yet"


def test_autosave_is_only_for_stories_the_person_may_edit(story, staff, client):
    article = story()  # live: a reporter may not edit it
    assert (
        login(staff("Reporter")).post(autosave_url(article.pk), {"headline": "x"}).status_code
        == 403
    )
    assert (
        login(staff("Corrections desk"))
        .post(autosave_url(article.pk), {"headline": "x"})
        .status_code
        == 403
    )
    anonymous = client.post(autosave_url(article.pk), {"headline": "x"})
    assert anonymous.status_code == 302  # to the sign-in page
    assert not Autosave.objects.exists()


def test_autosave_needs_a_post_with_the_csrf_token(story, staff):
    from django.test import Client

    article = story(status=Status.DRAFT, published_at=None)
    user = staff("Editor")
    assert login(user).get(autosave_url(article.pk)).status_code == 405
    strict = login(user, Client(enforce_csrf_checks=True))
    assert strict.post(autosave_url(article.pk), {"headline": "x"}).status_code == 403
    assert not Autosave.objects.exists()
    # As the page's script sends it: the form's token in a header, the fields as multipart.
    token = form_data(strict.get(change_url(article)))["csrfmiddlewaretoken"]
    sent = strict.post(autosave_url(article.pk), {"headline": "x"}, headers={"X-CSRFToken": token})
    assert sent.status_code == 200
    assert Autosave.objects.get().data == {"headline": "x"}


def test_one_person_never_sees_anothers_autosave(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    login(staff("Editor")).post(autosave_url(article.pk), {"standfirst": "Editor's secret"})
    other = login(staff("Editor", "other"))
    page = other.get(change_url(article))
    assert page.status_code == 200
    assert "Restore your unsaved text" not in page.content.decode()
    restored = form_data(other.get(change_url(article) + "?restore=1"))
    assert restored["standfirst"] != "Editor's secret"


def test_an_autosave_is_size_limited(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    answer = login(staff("Editor")).post(autosave_url(article.pk), {"body": "x" * 1_100_000})
    assert answer.status_code == 413
    assert not Autosave.objects.exists()


def test_the_form_loads_the_script_without_inline_script(story, staff):
    page = login(staff("Editor")).get(change_url(story()))
    assert page.status_code == 200
    html = page.content.decode()
    assert "admin/newsroom/desk-merge" in html and ".js" in html
    root = lxml.html.fromstring(page.content).get_element_by_id("desk-merge")
    assert root.get("data-presence-url") and root.get("data-autosave-url")


def test_those_who_only_read_the_story_get_no_autosave_or_presence(story, staff):
    article = story()
    client = login(staff("Corrections desk"))
    client.post(autosave_url(article.pk), {"headline": "x"})
    page = client.get(change_url(article))
    assert page.status_code == 200
    assert 'id="desk-merge"' not in page.content.decode()


# Presence


def test_presence_says_who_else_has_the_story_open_and_when_they_save(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    editor = staff("Editor", "editor-a")
    editor.first_name, editor.last_name = "Ada", "Editor"
    editor.save()
    me, other = login(staff("Editor", "editor-b")), login(editor)
    loaded = form_data(me.get(change_url(article)))["loaded_version"]
    other_form = form_data(other.get(change_url(article)))
    other.post(presence_url(article), {"loaded_version": loaded})

    answer = me.post(presence_url(article), {"loaded_version": loaded}).json()
    assert answer == {"others": ["Ada Editor"], "version": article.version, "saved": None}

    assert other.post(change_url(article), other_form | {"headline": "Theirs"}).status_code == 302
    answer = me.post(presence_url(article), {"loaded_version": loaded}).json()
    assert answer["saved"]["by"] == "Ada Editor"
    assert answer["saved"]["at"] == f"{timezone.localtime():%H:%M}"
    assert answer["saved"]["compare_url"].startswith(
        reverse("admin:articles_article_compare", args=[article.pk])
    )


def test_someone_who_left_is_not_shown_after_thirty_seconds(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    gone = staff("Editor", "gone")
    Presence.objects.create(
        user=gone, story=article, last_seen=timezone.now() - timedelta(seconds=31)
    )
    answer = login(staff("Editor")).post(presence_url(article), {}).json()
    assert answer["others"] == []


def test_presence_is_cheap_and_only_for_those_who_may_edit(
    story, staff, django_assert_max_num_queries
):
    article = story()
    client = login(staff("Editor"))
    client.post(presence_url(article), {"loaded_version": str(article.version)})
    with django_assert_max_num_queries(11):
        assert (
            client.post(presence_url(article), {"loaded_version": str(article.version)}).status_code
            == 200
        )
    assert login(staff("Reporter")).post(presence_url(article), {}).status_code == 403


# The hero image over a failed save


def test_a_hero_image_is_kept_when_the_save_fails_validation(story, staff):
    """The issue's steps: upload a picture, leave the alt text empty, save: the error shows,
    and the picture is kept for the next save instead of the file input being empty."""
    article = story(status=Status.DRAFT, published_at=None)
    client = login(staff("Editor"))
    form = form_data(client.get(change_url(article)))
    upload = SimpleUploadedFile("lifeboat.jpg", png_bytes(), "image/png")
    refused = client.post(change_url(article), form | {"hero_image": upload, "hero_alt": ""})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Describe the hero image" in page
    assert "Kept: lifeboat.png (choose another to replace it)." in page

    again = form_data(refused) | {"hero_alt": "The lifeboat leaving the harbour"}
    assert client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.hero_image.name.endswith(".png")
    assert article.hero_alt == "The lifeboat leaving the harbour"
    assert not KeptUpload.objects.exists()


def test_a_kept_picture_is_only_its_uploaders(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    uploader = login(staff("Editor"))
    form = form_data(uploader.get(change_url(article)))
    upload = SimpleUploadedFile("lifeboat.png", png_bytes(), "image/png")
    uploader.post(change_url(article), form | {"hero_image": upload, "hero_alt": ""})
    token = KeptUpload.objects.get().token

    other = login(staff("Editor", "other"))
    other_form = form_data(other.get(change_url(article)))
    saved = other.post(
        change_url(article), other_form | {"kept_hero_image": token, "hero_alt": "Alt"}
    )
    assert saved.status_code == 302
    article.refresh_from_db()
    assert not article.hero_image


@pytest.mark.parametrize("replace", [True, False])
def test_choosing_another_picture_or_clearing_replaces_the_kept_one(story, staff, replace):
    article = story(status=Status.DRAFT, published_at=None)
    client = login(staff("Editor"))
    form = form_data(client.get(change_url(article)))
    first = SimpleUploadedFile("first.png", png_bytes(), "image/png")
    refused = client.post(change_url(article), form | {"hero_image": first, "hero_alt": ""})
    again = form_data(refused) | {"hero_alt": "Alt"}
    if replace:
        again["hero_image"] = SimpleUploadedFile("second.png", png_bytes((50, 50)), "image/png")
    else:
        again["headline"] = "Just the headline"
        again.pop("kept_hero_image")
    assert client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    if replace:
        assert article.hero_image.width == 50
    else:
        assert not article.hero_image


def test_a_reporters_new_story_keeps_its_picture_over_a_failed_save(staff, section, author):
    client = login(staff("Reporter"))
    url = reverse("admin:articles_article_add")
    form = form_data(client.get(url)) | {
        "headline": "Lifeboat crew rescue two",
        "slug": "lifeboat-crew-rescue-two",
        "section": str(section.pk),
        "status": Status.DRAFT,
        "bylines-TOTAL_FORMS": "1",
        "bylines-0-author": str(author.pk),
        "bylines-0-role": "reporter",
        "bylines-0-position": "0",
    }
    upload = SimpleUploadedFile("crew.png", png_bytes(), "image/png")
    refused = client.post(url, form | {"hero_image": upload, "hero_alt": ""})
    assert refused.status_code == 200
    assert "Kept: crew.png (choose another to replace it)." in refused.content.decode()
    saved = client.post(url, form_data(refused) | {"hero_alt": "The crew on the slipway"})
    assert saved.status_code == 302
    assert Article.objects.get(slug="lifeboat-crew-rescue-two").hero_image.name.endswith(".png")
