"""What a write retires: each committed transaction moves the generations of what its writes
touch, once, after commit; a write the page cache cannot attribute (raw SQL, a bulk update, a
table it does not know) moves `all`; a rolled-back transaction moves nothing."""

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction

from articles import publishing
from articles.models import Article, Byline, CorrectionKind, Section
from newsroom import caching

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bumps(monkeypatch):
    """The sets of dependencies moved, one per committed transaction."""
    moves = []
    real = caching.bump

    def counted(dependencies):
        moves.append(set(dependencies))
        real(dependencies)

    monkeypatch.setattr(caching, "bump", counted)
    return moves


def test_one_transaction_of_many_writes_moves_the_generation_once_after_commit(
    make_article, author, bumps
):
    story = make_article()
    before, moves = caching.generation(), len(bumps)
    with transaction.atomic():
        for n in range(5):
            Section.objects.create(name=f"Section {n}", slug=f"section-{n}")
        Byline.objects.filter(article=story).delete()
        Byline.objects.bulk_create([Byline(article=story, author=author, position=0)])
        assert caching.generation() == before  # nothing moves before the commit
    assert len(bumps) == moves + 1
    assert caching.generation() != before


@pytest.mark.parametrize(
    "write",
    [
        lambda story: Article.objects.filter(section=story.section).update(headline="Bulk"),
        lambda story: Byline.objects.filter(article=story).delete(),
        lambda story: connection.cursor().execute(
            "UPDATE articles_article SET standfirst = 'Raw SQL' WHERE id = %s", [story.pk]
        ),
    ],
    ids=["queryset-update", "queryset-delete", "raw-sql"],
)
def test_writes_it_cannot_attribute_move_everything(make_article, write):
    story = make_article()
    before = caching.generation()
    write(story)
    assert caching.generation() != before


def test_a_rolled_back_transaction_does_not_move_it(make_article, bumps):
    make_article()
    before, moves = caching.generation(), len(bumps)
    with pytest.raises(RuntimeError), transaction.atomic():
        Section.objects.create(name="Never", slug="never")
        raise RuntimeError("rolled back")
    assert len(bumps) == moves
    assert caching.generation() == before


def test_reads_and_writes_to_other_tables_do_not_move_it(make_article, bumps):
    make_article()
    moves = len(bumps)
    list(Article.objects.all())
    User.objects.create_user("someone")  # auth tables: nothing readers see
    with connection.cursor() as cursor:  # nor the corrections' unlock rows
        cursor.execute(
            "INSERT INTO articles_correctionunlock (correction_id, token) VALUES (1, '')"
        )
        cursor.execute("DELETE FROM articles_correctionunlock")
    assert len(bumps) == moves


def test_a_correction_moves_its_story_and_the_lists_once(
    make_article, bumps, corrections_removed_after
):
    story = make_article(slug="corrected")
    make_article(slug="untouched")
    moves = len(bumps)
    publishing.add_correction(article=story, kind=CorrectionKind.CORRECTION, text="Fixed.")
    assert bumps[moves:] == [{"story:corrected", caching.LISTS}]


def test_corrections_made_together_move_each_of_their_stories(
    make_article, bumps, corrections_removed_after
):
    """bulk_create (an archive import, build_archive): row after row on SQLite, one array per
    column (INSERT ... UNNEST) on PostgreSQL."""
    from articles.models import Correction

    first, second = make_article(slug="first"), make_article(slug="second")
    make_article(slug="untouched")
    moves = len(bumps)
    Correction.objects.bulk_create(
        [
            Correction(article=story, kind=CorrectionKind.CORRECTION, text=f"Fixed {n}.")
            for n, story in enumerate([first, second, first])
        ]
    )
    assert bumps[moves:] == [{"story:first", "story:second", caching.LISTS}]


def test_a_headline_edit_moves_the_pages_that_show_other_stories_too(make_article, bumps):
    story = make_article(slug="edited")
    moves = len(bumps)
    story.headline = "A new headline"
    publishing.save_story(article=story)
    assert bumps[moves:] == [{"story:edited", caching.LISTS, caching.RELATED}]


def test_a_save_that_changes_nothing_other_pages_show_leaves_them(make_article, bumps):
    story = make_article(slug="edited")
    moves = len(bumps)
    story.body = "<p>A typo fixed in the body.</p>"
    publishing.save_story(article=story)
    assert bumps[moves:] == [{"story:edited", caching.LISTS}]


def test_a_new_slug_moves_the_old_address_and_the_new(make_article, bumps):
    story = make_article(slug="old-address")
    moves = len(bumps)
    story.slug = "new-address"
    publishing.save_story(article=story)
    # The old address now redirects: the redirect row is a write of its own (`all`).
    assert {"story:old-address", "story:new-address", caching.RELATED} <= bumps[-1]
    assert len(bumps) == moves + 1


@pytest.mark.parametrize(
    ("write", "moved"),
    [
        (
            lambda story: Article.objects.filter(pk=story.pk).update(headline="By id"),
            {"story:by-id", caching.LISTS, caching.RELATED},
        ),
        (
            lambda story: Article.objects.filter(pk=story.pk).update(version=7),
            {"story:by-id", caching.LISTS},
        ),
    ],
    ids=["shown-elsewhere", "bookkeeping"],
)
def test_an_update_of_one_story_by_its_id_is_attributed_to_it(make_article, bumps, write, moved):
    story = make_article(slug="by-id")
    moves = len(bumps)
    write(story)
    assert bumps[moves:] == [moved]
