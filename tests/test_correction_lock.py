"""Corrections append-only all the way down: the unlock table cannot be used by a plain SQL
writer, and TRUNCATE (manage.py flush on PostgreSQL) cannot empty the table."""

import pytest
from django.db import IntegrityError, connection, transaction

from articles import publishing
from articles.models import Correction, CorrectionKind


@pytest.fixture
def correction(make_article):
    return publishing.add_correction(
        article=make_article(), kind=CorrectionKind.CORRECTION, text="As published."
    )


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("token", ["", "guessed-token"])
def test_a_row_inserted_into_the_unlock_table_by_plain_sql_opens_nothing(correction, token):
    raw(
        "INSERT INTO articles_correctionunlock (correction_id, token) VALUES (%s, %s)",
        [correction.pk, token],
    )
    with pytest.raises(IntegrityError):
        raw("UPDATE articles_correction SET text = 'Rewritten.' WHERE id = %s", [correction.pk])
    with pytest.raises(IntegrityError):
        raw("DELETE FROM articles_correction WHERE id = %s", [correction.pk])
    correction.refresh_from_db()
    assert correction.text == "As published."


def test_the_sanctioned_override_still_opens_its_own_row(correction):
    with correction._override():
        raw("UPDATE articles_correction SET text = 'Amended.' WHERE id = %s", [correction.pk])
    correction.refresh_from_db()
    assert correction.text == "Amended."
    with pytest.raises(IntegrityError):  # and closes it again
        raw("UPDATE articles_correction SET text = 'Again.' WHERE id = %s", [correction.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # TRUNCATE needs a transaction of its own
def test_truncate_is_refused_while_the_table_holds_a_correction(correction):
    with pytest.raises(IntegrityError):
        raw("TRUNCATE articles_correction CASCADE")
    with pytest.raises(IntegrityError):
        raw("TRUNCATE articles_article CASCADE")  # reaching the corrections by cascade
    assert Correction.objects.filter(pk=correction.pk).exists()
    with correction._override():  # the sanctioned way, so the test database can be flushed
        correction.delete()
    raw("TRUNCATE articles_correction CASCADE")  # an empty table may be truncated
