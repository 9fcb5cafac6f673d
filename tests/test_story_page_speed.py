"""What the story page keeps ready between requests (inspections.panel: each report's grades panel
and the facts beside it) is never stale, and makes a warm page cost fewer queries, fixed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import GradeRevision, InspectionReport
from newsroom import caching

# Writes must commit for the content generation to move, as on a live site.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_page_cache"),  # as staff and the first reader after a write
]

# A story whose reports come from the cache: the story; its bylines, tags, corrections, requests
# for comment, sources and the ids of its reports, together; and its related stories.
WARM_STORY_QUERIES = 3


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def summary(report):
    return InspectionReport.objects.for_panel().get(pk=report.pk).summary_sentence()


def regrade(report, position):
    """Give the area at `position` the next grade down (or up from the worst), as the admin
    does: the change, then the revision readers are told about."""
    before = report.grades_by_area()
    area = report.graded_areas.select_related("grade").get(position=position)
    grades = list(report.framework.scale.grades.all())
    index = [grade.pk for grade in grades].index(area.grade_id)
    area.grade = grades[index + 1] if index + 1 < len(grades) else grades[index - 1]
    area.save()
    GradeRevision.objects.record(report=report, before=before)
    return area.grade


def test_a_regrade_shows_at_once_on_every_story_that_links_the_report(
    client, make_article, make_report
):
    report = make_report(3)
    first, second = make_article(), make_article()
    first.reports.add(report)
    second.reports.add(report)
    before = summary(report)
    for story in (first, second):
        get(client, story.get_absolute_url())  # both stories' panels are now cached
        page, queries = get(client, story.get_absolute_url())
        assert before in page
        assert queries == WARM_STORY_QUERIES

    regrade(report, position=1)

    after = summary(report)
    assert after != before
    for story in (first, second):
        page, _ = get(client, story.get_absolute_url())
        assert after in page and before not in page
        assert "Grades revised on" in page
        page, queries = get(client, story.get_absolute_url())
        assert after in page
        assert queries == WARM_STORY_QUERIES


def test_a_warm_story_page_costs_the_same_however_many_reports_and_areas(
    client, make_article, make_report
):
    small = make_article()
    small.reports.add(make_report(1))
    rich = make_article()
    rich.reports.add(make_report(40), make_report(40, organisation="Norfolk Constabulary"))
    counts = []
    for story in (small, rich):
        get(client, story.get_absolute_url())
        counts.append(get(client, story.get_absolute_url())[1])
    assert counts == [WARM_STORY_QUERIES, WARM_STORY_QUERIES]


def test_a_report_linked_after_the_panels_were_cached_shows_at_once(
    client, make_article, make_report, monkeypatch
):
    story = make_article()
    story.reports.add(make_report(2))
    added = make_report(2, organisation="Norfolk Constabulary")
    get(client, story.get_absolute_url())
    # A write that leaves the generation the panels are cached under where it was (as one that
    # invalidates only the story's own pages would): the page must still show the new report.
    with monkeypatch.context() as patch:
        patch.setattr(caching, "bump_generation", lambda: None)
        story.reports.add(added)
    page, _ = get(client, story.get_absolute_url())
    assert summary(added) in page
    assert page.count('class="grades-panel"') == 2
