"""The content generation moves once per committed transaction that writes content, whatever
the write (save, bulk create, queryset update, raw SQL), and never for a rolled-back one."""

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction

from articles.models import Article, Byline, Section
from newsroom import caching

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bumps(monkeypatch):
    """Count the generation's moves."""
    moves = []
    real = caching.bump_generation

    def counted():
        moves.append(caching.generation())
        real()

    monkeypatch.setattr(caching, "bump_generation", counted)
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
        lambda story: Article.objects.filter(pk=story.pk).update(headline="Bulk update"),
        lambda story: Byline.objects.filter(article=story).delete(),
        lambda story: connection.cursor().execute(
            "UPDATE articles_article SET standfirst = 'Raw SQL' WHERE id = %s", [story.pk]
        ),
    ],
    ids=["queryset-update", "queryset-delete", "raw-sql"],
)
def test_writes_that_send_no_signal_move_it_too(make_article, write):
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
