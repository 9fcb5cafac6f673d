"""manage.py build_archive: a realistic archive of a given size, for measuring the site at scale."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article, Author, Byline, Correction, Section, Status, Tag
from inspections.models import Finding, GradedArea, InspectionReport


@pytest.fixture
def archive(db):
    call_command("build_archive", stories=120, verbosity=0)


def test_an_archive_has_the_stories_people_and_reports_asked_for(archive):
    assert Article.objects.count() == Article.objects.published().count() == 120
    assert Section.objects.count() == 8
    assert Author.objects.count() == 50
    assert Tag.objects.count() == 200
    # One report per 50 stories, each of nine graded areas, with findings.
    assert InspectionReport.objects.count() == 2
    assert GradedArea.objects.count() == 18
    assert Finding.objects.count() > 0


def test_every_story_has_bylines_tags_and_a_body_of_about_600_words_in_paragraphs(archive):
    assert not Article.objects.filter(bylines__isnull=True).exists()
    assert not Article.objects.filter(tags__isnull=True).exists()
    assert Byline.objects.count() >= 120
    for body in Article.objects.values_list("body", flat=True)[:20]:
        words = len(body.replace("<p>", " ").replace("</p>", " ").split())
        assert 500 <= words <= 700
        assert body.startswith("<p>") and body.count("<p>") == 8


def test_police_is_in_about_half_the_stories(archive):
    police = Article.objects.filter(body__icontains="police").count()
    assert 35 <= police <= 85


def test_stories_are_spread_over_ten_years_and_all_live(archive):
    now = timezone.now()
    dates = Article.objects.order_by("published_at").values_list("published_at", flat=True)
    assert dates.first() < now - timedelta(days=365 * 9)
    assert dates.last() <= now
    assert set(Article.objects.values_list("status", flat=True)) == {Status.PUBLISHED}


def test_some_stories_are_corrected_and_some_cover_reports(archive):
    corrected = Article.objects.filter(corrections__isnull=False).distinct()
    assert corrected.count() == Correction.objects.count() == 4
    assert all(story.updated_at for story in corrected)
    assert Article.objects.filter(reports__isnull=False).count() == 5
    report = InspectionReport.objects.first()
    assert report.articles.published().exists()


def test_the_story_page_of_a_built_story_renders(archive, client):
    story = Article.objects.filter(reports__isnull=False, corrections__isnull=False).first()
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert story.headline.encode() in response.content


def test_an_archive_is_built_only_into_an_empty_database(archive):
    with pytest.raises(CommandError):
        call_command("build_archive", stories=5, verbosity=0)
    assert Article.objects.count() == 120
