"""The corrections desk in the admin, and the append-only rule on every write path (issue 5)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.history import latest_revision
from articles.models import Correction, CorrectionKind, CorrectionLocked, Placement, Status
from articles.publishing import add_correction, record_update_note

from .desk_fixtures import login


@pytest.fixture
def correction(story, staff):
    article = story()
    return add_correction(
        article=article,
        kind=CorrectionKind.CORRECTION,
        text="We misnamed the chief constable.",
        by=staff("Corrections desk"),
    )


def correction_url(correction, view="change"):
    return reverse(f"admin:articles_correction_{view}", args=[correction.pk])


def assert_unchanged(correction):
    stored = Correction.objects.get(pk=correction.pk)
    assert (stored.text, stored.kind) == ("We misnamed the chief constable.", correction.kind)


@pytest.mark.parametrize("role", ["Corrections desk", "Editor", "Reporter"])
def test_an_admin_change_post_is_refused(correction, staff, role):
    response = login(staff(role)).post(
        correction_url(correction), {"text": "Quietly rewritten.", "kind": "clarification"}
    )
    assert response.status_code == 403
    assert_unchanged(correction)


@pytest.mark.parametrize("role", ["Corrections desk", "Editor"])
def test_an_admin_delete_is_refused(correction, staff, role):
    response = login(staff(role)).post(correction_url(correction, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert_unchanged(correction)


@pytest.mark.parametrize("role", ["Corrections desk", "Editor", "Administrator"])
def test_the_bulk_delete_action_is_not_there(correction, staff, role):
    client = login(staff(role))
    url = reverse("admin:articles_correction_changelist")
    assert "delete_selected" not in client.get(url).content.decode()
    client.post(
        url, {"action": "delete_selected", "_selected_action": [correction.pk], "post": "yes"}
    )
    assert_unchanged(correction)


def test_save_on_an_existing_row_fails(correction):
    correction.text = "Quietly rewritten."
    with pytest.raises(CorrectionLocked):
        correction.save()
    assert_unchanged(correction)


@pytest.mark.parametrize(
    "write",
    [
        lambda c: Correction.objects.filter(pk=c.pk).update(text="Quietly rewritten."),
        lambda c: Correction.objects.bulk_update([c], ["text"]),
        lambda c: Correction.objects.filter(pk=c.pk).delete(),
        lambda c: c.delete(),
    ],
    ids=["QuerySet.update", "bulk_update", "QuerySet.delete", "Model.delete"],
)
def test_orm_writes_fail(correction, write):
    correction.text = "Quietly rewritten."
    with pytest.raises(CorrectionLocked):
        write(correction)
    assert_unchanged(correction)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE articles_correction SET text = 'Quietly rewritten.' WHERE id = %s",
        "DELETE FROM articles_correction WHERE id = %s",
    ],
    ids=["UPDATE", "DELETE"],
)
def test_raw_sql_is_stopped_by_the_database(correction, sql):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [correction.pk])
    assert_unchanged(correction)


def test_an_administrator_amends_through_the_admin_and_it_is_in_the_history(correction, staff):
    administrator = staff("Administrator")
    client = login(administrator)
    response = client.post(
        correction_url(correction),
        {
            "kind": "correction",
            "text": "We misnamed the chief constable, Nick Dean.",
            "internal_note": "",
            "placement": "footnote",
            "published_at_0": timezone.localtime(correction.published_at).strftime("%d/%m/%Y"),
            "published_at_1": timezone.localtime(correction.published_at).strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    correction.refresh_from_db()
    assert correction.text == "We misnamed the chief constable, Nick Dean."
    texts = [v.field_dict["text"] for v in Version.objects.get_for_object(correction)]
    assert texts == [
        "We misnamed the chief constable, Nick Dean.",
        "We misnamed the chief constable.",
    ]
    history = client.get(correction_url(correction, "history")).content.decode()
    assert "administrator" in history


def test_an_administrator_removes_one_and_its_last_version_is_kept(correction, staff):
    client = login(staff("Administrator"))
    response = client.post(correction_url(correction, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Correction.objects.filter(pk=correction.pk).exists()
    assert Version.objects.get_deleted(Correction).filter(object_id=correction.pk).exists()


def test_amend_in_code_is_for_administrators_only(correction, staff):
    with pytest.raises(CorrectionLocked):
        correction.amend(by=staff("Editor"), text="Quietly rewritten.")
    correction.amend(by=staff("Administrator"), text="Amended.")
    assert Correction.objects.get(pk=correction.pk).text == "Amended."


def test_the_desk_adds_a_correction_choosing_the_story(story, staff):
    article = story()
    desk = staff("Corrections desk")
    client = login(desk)
    url = reverse("admin:articles_correction_add")
    corrected = latest_revision(article)
    assert client.get(url, {"article": article.pk}).status_code == 200
    response = client.post(
        url,
        {
            "article": article.pk,
            "kind": "retraction",
            "text": "This story has been retracted.",
            "internal_note": "Legal advice.",
            "placement": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = Correction.objects.get(article=article)
    assert (added.created_by, added.placement) == (desk, Placement.TOP)
    assert added.revision == corrected  # the version of the story it corrects
    assert added.revision is not None
    article.refresh_from_db()
    assert article.updated_at == added.published_at
    # Saved, it is read-only for the desk.
    page = client.get(correction_url(added)).content.decode()
    assert 'name="text"' not in page


def test_the_corrections_list_filters_and_searches(story, staff, section):
    article = story(headline="Force told to improve")
    add_correction(article=article, kind=CorrectionKind.CLARIFICATION, text="Clarified a date.")
    add_correction(article=article, kind=CorrectionKind.RETRACTION, text="Retracted the claim.")
    client = login(staff("Corrections desk"))
    url = reverse("admin:articles_correction_changelist")
    assert "Clarified a date." not in client.get(url).content.decode()  # the list shows titles
    clarifications = client.get(url, {"kind__exact": "clarification"}).content.decode()
    assert "Clarification to" in clarifications
    assert "Retraction to" not in clarifications
    found = client.get(url, {"q": "retracted"}).content.decode()
    assert "Retraction to" in found
    assert "Clarification to" not in found
    assert client.get(url, {"article__section__id__exact": section.pk}).status_code == 200


@pytest.mark.parametrize("kind", CorrectionKind.values)
def test_the_updated_stamp_moves_for_any_entry_on_a_live_story(story, kind):
    article = story()
    entry = add_correction(article=article, kind=kind, text="Something readers see.")
    article.refresh_from_db()
    assert article.updated_at == entry.published_at
    assert article.modified_for_readers == entry.published_at


def test_an_update_note_moves_the_stamp(story):
    article = story()
    at = timezone.now() - timedelta(minutes=5)
    note = record_update_note(article=article, text="Added the response.", published_at=at)
    article.refresh_from_db()
    assert note.kind == CorrectionKind.UPDATE
    assert article.updated_at == at


def test_entries_on_drafts_do_not_move_the_stamp(story):
    article = story(status=Status.DRAFT, published_at=None)
    add_correction(article=article, kind=CorrectionKind.CORRECTION, text="Early fix.")
    article.refresh_from_db()
    assert article.updated_at is None


def test_the_correction_inline_is_add_only(correction, staff):
    client = login(staff("Editor"))
    page = client.get(
        reverse("admin:articles_article_change", args=[correction.article.pk])
    ).content.decode()
    assert "We misnamed the chief constable." in page
    assert 'name="corrections-0-text"' not in page
    assert 'name="corrections-0-DELETE"' not in page
