"""Every change explained (issue 11): the dateline says why a story was updated, times carry
their zone, an amended correction leaves a public trace, and a restore of a live story says
what it changed."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import (
    Article,
    Correction,
    CorrectionAmendment,
    CorrectionKind,
    CorrectionLocked,
)
from articles.publishing import add_correction

from .desk_fixtures import login, post_form
from .test_site_queries import STORY_BUDGET, count_queries

SUMMER = datetime(2026, 6, 21, 4, 0, tzinfo=UTC)  # 5:00am BST


def page_of(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def dateline(page):
    return re.search(r'<p class="dateline">.*?</p>', page, re.S).group(0)


def json_ld(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return next(data for data in map(json.loads, blocks) if data.get("@type") == "NewsArticle")


# 1. "Updated" says why, where the reader sees it.


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (CorrectionKind.UPDATE, "Updated"),
        (CorrectionKind.CORRECTION, "Corrected"),
        (CorrectionKind.CLARIFICATION, "Clarified"),
        (CorrectionKind.EDITORS_NOTE, "Editor’s note"),
        (CorrectionKind.RETRACTION, "Retracted"),
    ],
)
def test_the_dateline_names_the_latest_entry_and_links_to_it(
    client, make_article, make_correction, kind, label
):
    story = make_article(published_at=SUMMER)
    make_correction(story, kind=CorrectionKind.UPDATE, published_at=SUMMER + timedelta(hours=2))
    latest = make_correction(
        story,
        kind=kind,
        text="The council’s response added.\n\nIt came after publication.",
        published_at=SUMMER + timedelta(hours=10, minutes=10),  # 3:10pm BST
    )
    line = dateline(page_of(client, story))
    assert f'<a class="dateline-entry" href="{latest.get_absolute_url()}">' in line
    assert f"{label} <time" in line
    assert ">3:10pm BST</time>: The council’s response added</a>" in line
    assert "It came after publication" not in line


def test_a_long_entry_is_shortened_in_the_dateline(client, make_article, make_correction):
    story = make_article(published_at=SUMMER)
    words = " ".join(f"word{n}" for n in range(40))
    make_correction(
        story, kind=CorrectionKind.UPDATE, text=words, published_at=SUMMER + timedelta(hours=1)
    )
    line = dateline(page_of(client, story))
    assert "word11…</a>" in line
    assert "word12" not in line


def test_an_entry_not_yet_visible_is_not_named(client, make_article, make_correction):
    story = make_article(published_at=timezone.now() - timedelta(hours=2))
    make_correction(story, kind=CorrectionKind.UPDATE, text="Visible one.")
    make_correction(
        story,
        kind=CorrectionKind.RETRACTION,
        text="Not yet.",
        published_at=timezone.now() + timedelta(hours=1),
    )
    line = dateline(page_of(client, story))
    assert "Updated <time" in line and "Visible one</a>" in line
    assert "Retracted" not in line


def test_naming_the_entry_costs_no_query(client, make_article, make_correction):
    plain = make_article()
    updated = make_article()
    make_correction(updated, kind=CorrectionKind.UPDATE)
    assert count_queries(client, updated.get_absolute_url()) == count_queries(
        client, plain.get_absolute_url()
    )


# 2. Times say their zone.


def test_times_say_bst_or_gmt(client, make_article, make_correction):
    story = make_article(published_at=SUMMER)
    make_correction(story, published_at=datetime(2025, 12, 1, 17, 30, tzinfo=UTC))
    page = page_of(client, story)
    assert "21 June 2026, 5:00am BST</time>" in dateline(page)
    assert "<strong>Correction</strong>, <time" in page
    assert "1 December 2025, 5:30pm GMT</time>" in page
    listing = client.get(reverse("articles:corrections")).content.decode()
    assert "1 December 2025, 5:30pm GMT</time>" in listing


def test_json_ld_times_keep_their_offset_without_microseconds(
    client, make_article, make_correction
):
    story = make_article(
        published_at=datetime(2025, 11, 28, 4, 41, 25, 446211, tzinfo=UTC),
        updated_at=datetime(2025, 11, 28, 4, 52, 51, 810935, tzinfo=UTC),
    )
    make_correction(story, published_at=datetime(2025, 11, 28, 4, 52, 51, 810935, tzinfo=UTC))
    data = json_ld(page_of(client, story))
    assert data["datePublished"] == "2025-11-28T04:41:25+00:00"
    assert data["dateModified"] == "2025-11-28T04:52:51+00:00"
    assert data["correction"][0]["datePublished"] == "2025-11-28T04:52:51+00:00"


# 3. An amended correction leaves a public trace.


@pytest.fixture
def correction(story, staff):
    return add_correction(
        article=story(),
        kind=CorrectionKind.CORRECTION,
        text="We misnamed the chief constable.",
        by=staff("Corrections desk"),
        published_at=timezone.now().replace(microsecond=810935) - timedelta(hours=1),
    )


def correction_url(correction):
    return reverse("admin:articles_correction_change", args=[correction.pk])


def amend_in_admin(client, correction, **changes):
    """Open the change form, change some fields as an Administrator would, and save it."""
    return post_form(client, correction_url(correction), form_id="correction_form", **changes)


def test_an_amendment_keeps_the_original_wording_on_the_story(client, correction, staff):
    correction.amend(by=staff("Administrator"), text="We misnamed the chief constable, Nick Dean.")
    amendment = CorrectionAmendment.objects.get(correction=correction)
    assert amendment.previous_text == "We misnamed the chief constable."
    assert amendment.previous_kind == CorrectionKind.CORRECTION
    assert amendment.amended_by == staff("Administrator")
    page = page_of(client, correction.article)
    entry = re.search(r'<div class="correction .*?</div>', page, re.S).group(0)
    assert "Nick Dean" in entry
    assert "Amended on <time" in entry
    assert "<summary>Original wording</summary>" in entry
    assert "<p>We misnamed the chief constable.</p>" in entry


def test_every_earlier_wording_is_kept_in_order(client, correction, staff):
    administrator = staff("Administrator")
    correction.amend(by=administrator, text="Second wording.")
    correction.amend(by=administrator, text="Third wording.", kind=CorrectionKind.CLARIFICATION)
    page = page_of(client, correction.article)
    history = re.search(r"<details.*?</details>", page, re.S).group(0)
    assert history.index("We misnamed") < history.index("Second wording.")
    assert "Correction, as amended" in history
    assert "Third wording" not in history


def test_an_amended_story_stays_within_one_query_of_its_budget(client, correction, staff):
    correction.amend(by=staff("Administrator"), text="Amended.")
    assert count_queries(client, correction.article.get_absolute_url()) <= STORY_BUDGET + 1


def test_a_desk_only_change_leaves_no_public_trace(correction, staff):
    correction.amend(by=staff("Administrator"), internal_note="Reported by the press office.")
    assert not CorrectionAmendment.objects.exists()


def test_the_published_time_never_moves_earlier(correction, staff):
    with pytest.raises(CorrectionLocked, match="cannot move earlier"):
        correction.amend(
            by=staff("Administrator"), published_at=correction.published_at - timedelta(days=1)
        )
    stored = Correction.objects.get(pk=correction.pk)
    assert stored.published_at == correction.published_at


def test_the_admin_refuses_an_earlier_time_plainly(correction, staff):
    client = login(staff("Administrator"))
    earlier = timezone.localtime(correction.published_at - timedelta(days=1))
    response = amend_in_admin(client, correction, published_at_0=earlier.strftime("%d/%m/%Y"))
    assert response.status_code == 200
    assert "cannot move earlier" in response.content.decode()
    assert Correction.objects.get(pk=correction.pk).published_at == correction.published_at


def test_an_admin_amendment_keeps_the_stored_time_to_the_microsecond(correction, staff):
    client = login(staff("Administrator"))
    response = amend_in_admin(client, correction, text="We misnamed Nick Dean.")
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Correction.objects.get(pk=correction.pk)
    assert stored.text == "We misnamed Nick Dean."
    assert stored.published_at == correction.published_at
    assert stored.published_at.microsecond == 810935
    assert CorrectionAmendment.objects.get().previous_text == "We misnamed the chief constable."


def test_the_feeds_carry_the_amendment(client, correction, staff):
    correction.amend(by=staff("Administrator"), text="We misnamed Nick Dean.")
    amended_at = CorrectionAmendment.objects.get().amended_at
    atom = client.get(reverse("articles:corrections_feed_atom")).content.decode()
    updated = re.search(r"<entry>.*?<updated>([^<]*)</updated>", atom, re.S).group(1)
    assert datetime.fromisoformat(updated) == amended_at
    rss = client.get(reverse("articles:corrections_feed_rss")).content.decode()
    assert "Amended on" in rss and "Nick Dean" in rss


def test_the_amendment_is_in_the_json_ld(client, correction, staff):
    correction.amend(by=staff("Administrator"), text="We misnamed Nick Dean.")
    data = json_ld(page_of(client, correction.article))
    assert "dateModified" in data["correction"][0]


# 4. No silent change to a live story through a restore.


def restore_url(article, version):
    return reverse("admin:articles_article_restore", args=[article.pk, version.pk])


@pytest.fixture
def rewritten(story):
    article = story(standfirst="The original standfirst.")
    original = Version.objects.get_for_object(article).first()
    with reversion.create_revision():
        article.standfirst = "A sharper standfirst."
        article.save()
    return article, original


def test_a_restore_that_changes_what_readers_see_needs_a_reason(rewritten, staff):
    article, original = rewritten
    response = login(staff("Editor")).post(
        restore_url(article, original), {"note": ""}, follow=True
    )
    assert "Not restored" in response.content.decode()
    assert Article.objects.get(pk=article.pk).standfirst == "A sharper standfirst."


def test_a_minor_restore_goes_through_without_a_note(rewritten, staff):
    article, original = rewritten
    login(staff("Editor")).post(restore_url(article, original), {"minor_edit": "on"})
    assert Article.objects.get(pk=article.pk).standfirst == "The original standfirst."
    assert not article.corrections.exists()


def test_a_restore_with_an_update_note_tells_readers(client, rewritten, staff):
    article, original = rewritten
    login(staff("Editor")).post(
        restore_url(article, original), {"update_note": "The standfirst was restored."}
    )
    article = Article.objects.get(pk=article.pk)
    assert article.standfirst == "The original standfirst."
    note = article.corrections.get()
    assert (note.kind, note.text) == (CorrectionKind.UPDATE, "The standfirst was restored.")
    client.logout()
    assert "Updated <time" in dateline(page_of(client, article))


def test_the_restore_form_offers_the_tick_and_the_note(rewritten, staff):
    article, original = rewritten
    url = reverse("admin:articles_article_compare", args=[article.pk])
    page = login(staff("Editor")).get(f"{url}?a={original.pk}&b=live").content.decode()
    assert 'name="minor_edit"' in page
    assert 'name="update_note"' in page
