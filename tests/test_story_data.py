"""The public story page reads its story from SQL compiled once per process (articles/story_data.py,
newsroom/prepared.py): the same rows as the ORM's querysets, with each request's own values."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from articles import story_data
from articles.models import Article, Correction, CorrectionKind, Section, Tag
from articles.views import with_story_page_data
from newsroom.prepared import INT, TEXT, PreparedQuery

pytestmark = pytest.mark.usefixtures("no_page_cache")


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return list(Article.objects.published())


def fields(obj):
    return {
        k: v for k, v in vars(obj).items() if not k.startswith("_") and k != "linked_report_ids"
    }


def test_the_prepared_story_is_the_one_the_orm_reads(demo):
    assert len(demo) > 3
    for story in demo:
        ours = story_data.public_story(story.slug)
        orm = with_story_page_data(Article.objects.published()).get(slug=story.slug)
        assert fields(ours) == fields(orm)
        assert ours.section.name == orm.section.name
        for relation in ("bylines", "tags", "corrections", "comment_requests", "sources"):
            mine, theirs = list(getattr(ours, relation).all()), list(getattr(orm, relation).all())
            assert [fields(o) for o in mine] == [fields(o) for o in theirs], relation
        assert [b.author.name for b in ours.bylines.all()] == [
            b.author.name for b in orm.bylines.all()
        ]
        related = (
            Article.objects.published()
            .filter(Q(section=story.section_id) | Q(tags__in=[t.pk for t in orm.tags.all()]))
            .exclude(pk=story.pk)
            .distinct()[:4]
        )
        assert [a.pk for a in story_data.related_stories(ours)] == [a.pk for a in related]
        assert set(story_data.report_ids(ours)) == {r.pk for r in orm.reports.all()}


def test_the_attached_rows_cost_no_query_and_point_back_at_the_story(
    demo, django_assert_num_queries
):
    story = story_data.public_story(demo[0].slug)
    with django_assert_num_queries(0):
        for byline in story.bylines.all():
            assert byline.article is story
            assert byline.author.name
        for correction in story.corrections.all():
            assert correction.article is story
        list(story.tags.all())
        list(story.sources.all())
        list(story.comment_requests.all())


def article_element(html):
    return re.search(r'<article class="story">.*?</article>.*?</main>', html, re.S).group(0)


def test_a_reader_and_an_editor_see_the_same_story(client, demo):
    editor = User.objects.create_superuser("ed", "ed@example.com", "pw")
    for story in demo:
        reader = client.get(story.get_absolute_url())
        client.force_login(editor)
        staff = client.get(story.get_absolute_url())  # the ORM's path (drafts allowed)
        client.logout()
        assert reader.status_code == staff.status_code == 200
        assert article_element(reader.content.decode()) == article_element(staff.content.decode())


def test_a_draft_or_missing_story_is_not_found_by_readers(client, make_article):
    draft = make_article(status="draft")
    assert story_data.public_story(draft.slug) is None
    assert story_data.public_story("no-such-story") is None
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_each_run_uses_its_own_values_and_time(client, make_article):
    first, second = make_article(headline="First story"), make_article(headline="Second story")
    assert story_data.public_story(first.slug).headline == "First story"
    assert story_data.public_story(second.slug).headline == "Second story"
    later = timezone.now() + timedelta(days=2)
    Correction.objects.create(
        article=first, kind=CorrectionKind.CORRECTION, text="A later fix.", published_at=later
    )
    scheduled = first.get_absolute_url()
    response = client.get(scheduled)
    assert response.status_code == 200
    assert "A later fix." not in response.content.decode()
    assert not story_data.public_story(first.slug).corrections.all()
    with time_machine.travel(later + timedelta(minutes=1)):
        assert [c.text for c in story_data.public_story(first.slug).corrections.all()] == [
            "A later fix."
        ]
        response = client.get(scheduled)
        assert response.status_code == 200
        assert "A later fix." in response.content.decode()


def test_a_story_scheduled_for_later_is_not_public_until_its_time(make_article):
    later = timezone.now() + timedelta(hours=3)
    story = make_article(published_at=later)
    assert story_data.public_story(story.slug) is None
    with time_machine.travel(later + timedelta(seconds=1)):
        assert story_data.public_story(story.slug).pk == story.pk


@pytest.mark.django_db(transaction=True)
def test_each_thread_compiles_on_its_own_connection(make_article):
    story = make_article(headline="Threaded")
    found = []

    def read():
        try:
            found.append(story_data.public_story(story.slug).headline)
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert found == ["Threaded"]
    assert story_data.public_story(story.slug).headline == "Threaded"


def test_a_placeholder_that_does_not_reach_the_sql_is_refused(db):
    ignored = PreparedQuery(lambda story, name: Tag.objects.filter(pk=story), story=INT, name=TEXT)
    with pytest.raises(ValueError, match="name"):
        ignored.run(story=1, name="x")
    with pytest.raises(TypeError):
        story_data.TAGS.run(article=1)


def test_related_stories_are_the_newest_of_the_section_or_a_shared_tag(make_article, section):
    other = Section.objects.create(name="Sport", slug="sport")
    shared, unshared = (
        Tag.objects.create(name="Police", slug="police"),
        Tag.objects.create(name="Courts", slug="courts"),
    )
    hours = iter(range(100, 0, -1))

    def story(headline, in_section, *tags):
        made = make_article(
            headline=headline,
            section=in_section,
            published_at=timezone.now() - timedelta(hours=next(hours)),
        )
        made.tags.add(*tags)
        return made

    oldest_same_section = story("Oldest, same section", section)
    tagged_elsewhere = story("Tagged, elsewhere", other, shared)
    story("Untagged, elsewhere", other, unshared)
    same_section = story("Same section", section)
    the_story = story("The story", section, shared)
    newest_tagged = story("Newest, tagged, elsewhere", other, shared)
    story("Newest, untagged, elsewhere", other)
    found = story_data.related_stories(story_data.public_story(the_story.slug))
    assert [s.headline for s in found] == [
        newest_tagged.headline,
        same_section.headline,
        tagged_elsewhere.headline,
        oldest_same_section.headline,
    ]
    untagged = story("Untagged story", other)
    found = story_data.related_stories(story_data.public_story(untagged.slug))
    assert "Tagged, elsewhere" in [s.headline for s in found]  # the same section, no tags
    assert all(s.pk != untagged.pk for s in found)


def test_rows_read_together_keep_each_querys_order(make_article, make_correction):
    from articles.models import Author

    people = [Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}") for n in range(3)]
    story = make_article(bylines=[people[2], people[0], people[1]])
    story.tags.add(
        *[
            Tag.objects.create(name=name, slug=name.lower())
            for name in ["cherry", "Banana", "apple"]
        ]
    )
    for _ in range(3):
        make_correction(story)
    ours = story_data.public_story(story.slug)
    orm = with_story_page_data(Article.objects.published()).get(slug=story.slug)
    for relation in ("bylines", "tags", "corrections"):
        assert [o.pk for o in getattr(ours, relation).all()] == [
            o.pk for o in getattr(orm, relation).all()
        ], relation
    assert [b.author.name for b in ours.bylines.all()] == ["Writer 2", "Writer 0", "Writer 1"]
