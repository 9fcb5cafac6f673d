"""Two editors, one story: a save made from an older version is merged three ways, from the
version the form was loaded with, and nothing either person wrote is dropped without a choice."""

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import merging
from articles.models import Author, Byline, Status, StorySource

from .desk_fixtures import change_url, form_data, login, png_bytes

P = "<p>{}</p>".format


# The merge itself


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "winner"),
    [
        ("a", "a", "a", merging.THEIRS),
        ("a", "b", "a", merging.MINE),
        ("a", "a", "c", merging.THEIRS),
        ("a", "b", "b", merging.THEIRS),
        ("a", "b", "c", None),
    ],
)
def test_a_field_takes_the_side_that_changed_it(base, mine, theirs, winner):
    assert merging.three_way(base, mine, theirs) == winner


def test_the_body_splits_into_its_top_level_blocks():
    html = "<h2>Title</h2><p>One <strong>two</strong></p><ul><li><p>x</p></li></ul>"
    assert merging.split_blocks(html) == [
        "<h2>Title</h2>",
        "<p>One <strong>two</strong></p>",
        "<ul><li><p>x</p></li></ul>",
    ]
    assert merging.split_blocks("") == []


def test_changes_to_different_paragraphs_both_survive():
    base = P("one") + P("two") + P("three") + P("four")
    mine = P("one") + P("TWO, mine") + P("three") + P("four")
    theirs = P("one") + P("two") + P("THREE, theirs") + P("four") + P("five, theirs")
    merge = merging.merge_body(base, mine, theirs)
    assert merge.conflicts == []
    assert merge.html() == (
        P("one") + P("TWO, mine") + P("THREE, theirs") + P("four") + P("five, theirs")
    )


def test_an_inserted_paragraph_and_an_edit_of_the_next_both_survive():
    base = P("one") + P("two")
    mine = P("one") + P("new, mine") + P("two")
    theirs = P("one") + P("TWO, theirs")
    merge = merging.merge_body(base, mine, theirs)
    assert merge.conflicts == []
    assert merge.html() == P("one") + P("new, mine") + P("TWO, theirs")


def test_a_deleted_paragraph_stays_deleted_when_the_other_side_left_it_alone():
    base = P("one") + P("two") + P("three")
    mine = P("one") + P("three")
    theirs = P("one") + P("two") + P("THREE")
    assert merging.merge_body(base, mine, theirs).html() == P("one") + P("THREE")


def test_one_paragraph_changed_by_both_is_a_conflict_and_the_rest_merges():
    base = P("one") + P("two") + P("three")
    mine = P("ONE, mine") + P("two, mine") + P("three")
    theirs = P("one") + P("two, theirs") + P("three")
    merge = merging.merge_body(base, mine, theirs)
    assert merge.conflicts == [([P("two, mine")], [P("two, theirs")])]
    assert merge.html(merging.MINE) == P("ONE, mine") + P("two, mine") + P("three")
    assert merge.html(merging.THEIRS) == P("ONE, mine") + P("two, theirs") + P("three")


def test_a_paragraph_one_side_deleted_and_the_other_changed_is_a_conflict():
    base = P("one") + P("two")
    merge = merging.merge_body(base, P("one"), P("one") + P("TWO"))
    assert merge.conflicts == [([], [P("TWO")])]


def test_the_same_change_on_both_sides_is_no_conflict():
    base, same = P("one"), P("uno")
    merge = merging.merge_body(base, same, same)
    assert merge.conflicts == []
    assert merge.html() == same


# At the desk


def _open(client, article):
    return form_data(client.get(change_url(article)))


def test_saving_again_after_the_conflict_notice_keeps_the_other_editors_field(story, staff):
    """The issue's steps: A changes the SEO title and saves; B changes the caption and body and
    saves (refused, with A's change listed); B saves again as told. A's SEO title survives."""
    article = story(status=Status.DRAFT, published_at=None, body=P("one") + P("two"))
    a, b = login(staff("Editor", "editor-a")), login(staff("Editor", "editor-b"))
    a_form, b_form = _open(a, article), _open(b, article)

    saved = a.post(change_url(article), a_form | {"seo_title": "A's search title"})
    assert saved.status_code == 302
    refused = b.post(
        change_url(article),
        b_form | {"hero_caption": "B's caption", "body": P("one") + P("two, by B")},
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "saved this story while you were editing it" in page
    assert "Your changes have not been saved" in page
    again = form_data(refused)
    assert again["seo_title"] == "A's search title"  # merged into B's form
    assert again["hero_caption"] == "B's caption"

    assert b.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.seo_title == "A's search title"
    assert article.hero_caption == "B's caption"
    assert article.body == P("one") + P("two, by B")


def test_both_editing_different_paragraphs_of_the_body_merges_them(story, staff):
    article = story(status=Status.DRAFT, published_at=None, body=P("one") + P("two"))
    a, b = login(staff("Editor", "editor-a")), login(staff("Editor", "editor-b"))
    a_form, b_form = _open(a, article), _open(b, article)
    a.post(change_url(article), a_form | {"body": P("one, by A") + P("two")})
    refused = b.post(change_url(article), b_form | {"body": P("one") + P("two, by B")})
    assert refused.status_code == 200
    assert b.post(change_url(article), form_data(refused)).status_code == 302
    article.refresh_from_db()
    assert article.body == P("one, by A") + P("two, by B")


def _conflict_panel(response):
    document = lxml.html.fromstring(response.content)
    return document.get_element_by_id("merge-conflicts")


def test_a_field_both_changed_is_shown_side_by_side_and_needs_a_choice(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    a, b = login(staff("Editor", "editor-a")), login(staff("Editor", "editor-b"))
    a_form, b_form = _open(a, article), _open(b, article)
    a.post(change_url(article), a_form | {"headline": "A's headline"})
    refused = b.post(change_url(article), b_form | {"headline": "B's headline"})
    assert refused.status_code == 200
    panel = _conflict_panel(refused).text_content()
    assert "A's headline" in panel and "B's headline" in panel
    again = form_data(refused)
    assert again["headline"] == "B's headline"  # the field holds B's words, to keep or edit

    # Without a choice, nothing is saved.
    unchosen = b.post(change_url(article), again)
    assert unchosen.status_code == 200
    assert "Choose whose headline to keep" in unchosen.content.decode()
    article.refresh_from_db()
    assert article.headline == "A's headline"

    taken = b.post(change_url(article), form_data(unchosen) | {"merge_choice-headline": "theirs"})
    assert taken.status_code == 302
    article.refresh_from_db()
    assert article.headline == "A's headline"


def test_keeping_mine_for_a_conflicting_field_saves_mine(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    a, b = login(staff("Editor", "editor-a")), login(staff("Editor", "editor-b"))
    a_form, b_form = _open(a, article), _open(b, article)
    a.post(change_url(article), a_form | {"standfirst": "A's standfirst"})
    refused = b.post(change_url(article), b_form | {"standfirst": "B's standfirst"})
    again = form_data(refused) | {"merge_choice-standfirst": "mine"}
    assert b.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.standfirst == "B's standfirst"


def test_a_paragraph_both_changed_offers_theirs_with_the_rest_merged(story, staff):
    article = story(status=Status.DRAFT, published_at=None, body=P("one") + P("two"))
    a, b = login(staff("Editor", "editor-a")), login(staff("Editor", "editor-b"))
    a_form, b_form = _open(a, article), _open(b, article)
    a.post(change_url(article), a_form | {"body": P("one, by A") + P("two, by A")})
    refused = b.post(change_url(article), b_form | {"body": P("one") + P("two, by B")})
    panel = _conflict_panel(refused).text_content()
    assert "two, by A" in panel and "two, by B" in panel
    again = form_data(refused)
    assert again["body"] == P("one, by A") + P("two, by B")
    assert b.post(change_url(article), again | {"merge_choice-body": "theirs"}).status_code == 302
    article.refresh_from_db()
    assert article.body == P("one, by A") + P("two, by A")


def test_a_byline_the_other_editor_added_is_not_dropped(story, staff, author):
    article = story(status=Status.DRAFT, published_at=None)
    a, b = login(staff("Editor", "editor-a")), login(staff("Editor", "editor-b"))
    b_form = _open(b, article)
    second = Author.objects.create(name="Second Reporter", slug="second-reporter")
    # A adds a byline (as the desk would, through the form) while B has the story open.
    a_form = _open(a, article)
    a_form |= {
        "bylines-TOTAL_FORMS": "2",
        "bylines-1-author": str(second.pk),
        "bylines-1-role": "reporter",
        "bylines-1-position": "1",
    }
    assert a.post(change_url(article), a_form).status_code == 302
    refused = b.post(change_url(article), b_form | {"hero_caption": "B's caption"})
    assert refused.status_code == 200
    again = form_data(refused)
    assert b.post(change_url(article), again).status_code == 302
    assert set(Byline.objects.filter(article=article).values_list("author__name", flat=True)) == {
        author.name,
        "Second Reporter",
    }


def test_a_source_both_changed_is_refused_with_a_plain_message(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    StorySource.objects.create(
        article=article, title="Report", url="https://a.example/", position=1
    )
    a, b = login(staff("Editor", "editor-a")), login(staff("Editor", "editor-b"))
    a_form, b_form = _open(a, article), _open(b, article)
    assert a.post(change_url(article), a_form | {"sources-0-title": "A's title"}).status_code == 302
    refused = b.post(change_url(article), b_form | {"sources-0-title": "B's title"})
    assert refused.status_code == 200
    again = form_data(refused)
    unchosen = b.post(change_url(article), again)
    assert unchosen.status_code == 200
    assert "also changed the sources" in unchosen.content.decode()
    assert StorySource.objects.get(article=article).title == "A's title"
    kept = b.post(change_url(article), form_data(unchosen) | {"merge_choice-sources": "mine"})
    assert kept.status_code == 302
    assert StorySource.objects.get(article=article).title == "B's title"


def test_an_unrelated_hero_upload_survives_a_conflict(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    a, b = login(staff("Editor", "editor-a")), login(staff("Editor", "editor-b"))
    a_form, b_form = _open(a, article), _open(b, article)
    a.post(change_url(article), a_form | {"headline": "A's headline"})
    upload = SimpleUploadedFile("harbour.png", png_bytes(), "image/png")
    refused = b.post(
        change_url(article), b_form | {"hero_image": upload, "hero_alt": "The harbour at dawn"}
    )
    assert refused.status_code == 200
    assert "Kept: harbour.png" in refused.content.decode()
    assert b.post(change_url(article), form_data(refused)).status_code == 302
    article.refresh_from_db()
    assert article.headline == "A's headline"
    assert article.hero_image.name.endswith(".png")
