"""A PreparedQuery's results are the objects its queryset gives (newsroom/prepared.py), whether
it runs alone, with others in one UNION ALL (union_all) or as JSON rows (fetch_together): the
same fields with the same values and types, deferred fields still deferred, what select_related
follows cached on each object, annotations set, and the instance's state (database, not
adding)."""

import datetime as dt
from datetime import timedelta

import pytest
from django.db.models.base import Model
from django.utils import timezone

from articles import story_data
from articles.models import (
    Article,
    Byline,
    CommentRequest,
    Correction,
    CorrectionAmendment,
    StorySource,
    Tag,
)
from newsroom import prepared
from newsroom.prepared import INT, PreparedQuery


def state(obj):
    """Everything that makes an ORM result what it is, compared by value; related objects that
    select_related cached are compared the same way, recursively."""
    if not isinstance(obj, Model):
        return (type(obj), obj)
    values = {
        name: (type(value), value)
        for name, value in vars(obj).items()
        if not name.startswith("_") and name != "linked_report_ids"
    }
    cached = {name: state(related) for name, related in obj._state.fields_cache.items()}
    return (
        type(obj),
        values,
        obj.get_deferred_fields(),
        obj._state.db,
        obj._state.adding,
        cached,
    )


def each_way(query, queryset, **values):
    """The query's results run alone, in a UNION ALL with itself and through fetch_together,
    checked against the queryset's own, which are returned."""
    expected = [state(obj) for obj in queryset]
    assert [state(obj) for obj in query.run(**values)] == expected
    twice = prepared.union_all([(query, values), (query, values)])
    assert [state(obj) for obj in twice] == expected * 2
    (together, _) = prepared.fetch_together([(query, values), (story_data.TAGS, {"story": 0})])
    assert [state(obj) for obj in together] == expected
    return list(queryset)


@pytest.fixture
def story(make_article, author, make_correction, cambridgeshire):
    story = make_article(headline="Force told to improve")
    story.tags.add(Tag.objects.create(name="Police", slug="police"))
    story.tags.add(Tag.objects.create(name="Courts", slug="courts"))
    make_correction(story)
    amended = make_correction(story)
    CorrectionAmendment.objects.create(
        correction=amended,
        previous_text="Wrong.",
        previous_kind="correction",
        amended_at=timezone.now() - timedelta(seconds=30),
    )
    CommentRequest.objects.create(article=story, organisation=cambridgeshire)
    CommentRequest.objects.create(article=story, person_name="A spokesperson", asked_at=None)
    StorySource.objects.create(
        article=story,
        title="Crime figures",
        url="https://example.com/figures",
        published_on=dt.date(2024, 5, 6),
        position=1,
    )
    StorySource.objects.create(
        article=story, title="Undated", url="https://example.com/undated", position=2
    )
    return story


def test_plain_rows_are_the_querysets(story):
    found = each_way(story_data.TAGS, Tag.objects.filter(articles=story.pk), story=story.pk)
    assert len(found) == 2


def test_dates_and_nulls_come_back_as_the_orm_gives_them(story):
    found = each_way(
        story_data.SOURCES, StorySource.objects.filter(article=story.pk), story=story.pk
    )
    assert [s.published_on for s in found] == [dt.date(2024, 5, 6), None]


def test_select_related_caches_the_related_row_without_a_query(story, django_assert_num_queries):
    queryset = Byline.objects.select_related("author").filter(article=story.pk)
    each_way(story_data.BYLINES, queryset, story=story.pk)
    (byline,) = story_data.BYLINES.run(story=story.pk)
    with django_assert_num_queries(0):
        assert byline.author.pk == byline.author_id
        assert byline.author.name


def test_a_nullable_select_related_row_is_none_when_missing(story, cambridgeshire):
    found = each_way(
        story_data.COMMENT_REQUESTS,
        CommentRequest.objects.for_story().filter(article=story.pk),
        story=story.pk,
    )
    assert {r.organisation for r in found} == {cambridgeshire, None}
    (missing,) = [r for r in story_data.COMMENT_REQUESTS.run(story=story.pk) if not r.organisation]
    assert "organisation" in missing._state.fields_cache


def test_annotations_are_set(story):
    now = timezone.now()
    found = each_way(
        story_data.CORRECTIONS,
        Correction.objects.with_last_amendment().filter(article=story.pk, published_at__lte=now),
        story=story.pk,
        now=now,
    )
    assert found[0].last_amended_at is None
    assert isinstance(found[1].last_amended_at, dt.datetime)


def test_deferred_fields_stay_deferred(story, make_article):
    make_article(headline="Another story", section=story.section)
    now = timezone.now()
    values = {"story": 0, "section": story.section_id, "now": now}
    queryset = story_data._newest(story_data._public(now).filter(section=story.section_id))
    found = each_way(story_data.RELATED_IN_SECTION, queryset, **values)
    assert len(found) == 2
    assert "body" in found[0].get_deferred_fields()


def test_the_story_with_its_section(story):
    now = timezone.now()
    queryset = story_data._public(now).select_related("section").filter(slug=story.slug)
    (found,) = each_way(story_data.STORY, queryset, slug=story.slug, now=now)
    assert found.section.name


def test_a_flat_values_list_is_its_values(story, peel_report):
    story.reports.add(peel_report)
    found = each_way(
        story_data.REPORT_IDS,
        Article.reports.through.objects.filter(article=story.pk).values_list(
            "inspectionreport", flat=True
        ),
        story=story.pk,
    )
    assert found == [peel_report.pk]


@pytest.mark.parametrize(
    "shape",
    [
        lambda queryset: queryset.values_list("published_on", flat=True),
        lambda queryset: queryset.values("pk", "published_on"),
        lambda queryset: queryset.values_list("title", "published_on"),
        lambda queryset: queryset.prefetch_related("article"),
    ],
    ids=["flat values_list", "values", "values_list", "prefetch_related"],
)
def test_other_shapes_give_what_their_querysets_give(story, shape):
    query = PreparedQuery(lambda story: shape(StorySource.objects.filter(article=story)), story=INT)
    expected = list(shape(StorySource.objects.filter(article=story.pk)))
    assert query.run(story=story.pk) == expected
    assert prepared.fetch_together([(query, {"story": story.pk})]) == [expected]


def test_a_constant_word_is_written_into_the_sql_and_anything_else_stays_a_parameter(story):
    # SQLite prepares a statement again on every run when a parameter could match a partial
    # index's condition (status = 'published'); a constant word in the SQL does not.
    assert "\"status\" = 'published'" in story_data.STORY.compiled().statement.named
    quoted = Tag.objects.create(name="O'Brien's 100%", slug="obrien")
    story.tags.add(quoted)
    query = PreparedQuery(
        lambda story: Tag.objects.filter(articles=story, name="O'Brien's 100%"), story=INT
    )
    assert "O'Brien" not in query.compiled().statement.named
    assert query.run(story=story.pk) == [quoted]
    assert prepared.fetch_together([(query, {"story": story.pk})]) == [[quoted]]
