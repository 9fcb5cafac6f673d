"""Issue 11, "Every change explained": grade history, revised grades, per-area findings and
first inspections, on the report page and in every story's grades panel."""

from datetime import UTC, datetime

import lxml.html
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from reversion.models import Version

from inspections.importing import import_graded_areas
from inspections.models import (
    Finding,
    FindingKind,
    GradedArea,
    GradeRevision,
    InspectionReport,
)

from .test_inspections_admin import report_post_data

REGRADED_CSV = "area,grade,finding\n" + "".join(
    f"{name},{grade},\n"
    for name, grade in [
        ("Recording data about crime", "good"),
        ("Treatment of the public", "adequate"),
        ("Preventing crime and anti-social behaviour", "adequate"),
        ("Responding to the public", "requires-improvement"),
        ("Investigating crime", "adequate"),  # was requires improvement
        ("Protecting vulnerable people", "good"),
        ("Managing offenders and suspects", "adequate"),
        ("Developing a positive workplace", "good"),
        ("Good use of resources", "good"),
    ]
)


def panel_of(report):
    report = InspectionReport.objects.for_panel().get(pk=report.pk)
    markup = render_to_string("inspections/_grades_panel.html", {"report": report})
    return lxml.html.fromstring(markup)


def text_of(element):
    return " ".join(element.text_content().split())


def story_page(client, make_article, report):
    story = make_article()
    story.reports.add(report)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def report_page(client, report):
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


# 1. Grade data has history.


def test_a_csv_import_makes_a_revision_holding_the_report_and_its_areas(peel_report):
    import_graded_areas(report=peel_report, file=REGRADED_CSV)
    versions = Version.objects.get_for_object(peel_report)
    assert versions.count() == 1
    revision = versions.get().revision
    assert revision.comment == "Grades imported from CSV"
    kept = {v.object_repr for v in revision.version_set.all()}
    assert "Investigating crime: Adequate" in kept


def test_an_admin_save_makes_a_revision_holding_the_report_and_its_areas(peel_report, role_client):
    good = peel_report.framework.scale.grades.get(slug="good")
    url = reverse("admin:inspections_inspectionreport_change", args=[peel_report.pk])
    response = role_client("Editor").post(
        url, report_post_data(peel_report, [("Leadership", good.pk, 10)])
    )
    assert response.status_code == 302
    revision = Version.objects.get_for_object(peel_report).get().revision
    assert "Leadership: Good" in {v.object_repr for v in revision.version_set.all()}


def test_a_regrade_by_csv_is_recorded_with_what_changed(peel_report):
    import_graded_areas(report=peel_report, file=REGRADED_CSV)
    revision = peel_report.grade_revisions.get()
    assert revision.descriptions() == ["Investigating crime: requires improvement → adequate"]


def test_areas_added_and_removed_count_as_revisions(peel_report):
    text = REGRADED_CSV.replace("Good use of resources,good", "Leadership,outstanding")
    import_graded_areas(report=peel_report, file=text)
    assert peel_report.grade_revisions.get().descriptions() == [
        "Good use of resources: removed (was good)",
        "Investigating crime: requires improvement → adequate",
        "Leadership: added, graded outstanding",
    ]


def test_the_first_grades_a_report_gets_are_not_a_revision(make_report):
    report = make_report(areas=0)
    import_graded_areas(report=report, file=REGRADED_CSV)
    assert report.graded_areas.count() == 9
    assert not report.grade_revisions.exists()


def test_changing_only_findings_is_not_a_grade_revision(peel_report):
    text = REGRADED_CSV.replace(
        "Investigating crime,adequate,", "Investigating crime,requires-improvement,Slow."
    )
    import_graded_areas(report=peel_report, file=text)
    assert peel_report.graded_areas.get(name="Investigating crime").finding == "Slow."
    assert not peel_report.grade_revisions.exists()


def test_a_regrade_in_the_admin_is_recorded_with_what_changed(peel_report, role_client):
    adequate = peel_report.framework.scale.grades.get(slug="adequate")
    data = report_post_data(peel_report, [])
    index = [a.name for a in peel_report.graded_areas.all()].index("Investigating crime")
    data[f"graded_areas-{index}-grade"] = adequate.pk
    url = reverse("admin:inspections_inspectionreport_change", args=[peel_report.pk])
    assert role_client("Editor").post(url, data).status_code == 302
    assert peel_report.grade_revisions.get().descriptions() == [
        "Investigating crime: requires improvement → adequate"
    ]


def test_an_admin_save_that_changes_no_grade_records_no_revision(peel_report, role_client):
    url = reverse("admin:inspections_inspectionreport_change", args=[peel_report.pk])
    data = report_post_data(peel_report, [], summary="A new summary.")
    assert role_client("Editor").post(url, data).status_code == 302
    assert not peel_report.grade_revisions.exists()


@pytest.fixture
def regraded_report(peel_report):
    GradeRevision.objects.create(
        report=peel_report,
        revised_at=datetime(2022, 7, 4, 10, tzinfo=UTC),
        changes=[
            {
                "area": "Investigating crime",
                "before": "Requires improvement",
                "after": "Adequate",
            }
        ],
    )
    return peel_report


def test_the_report_page_says_when_grades_were_revised_and_what_changed(client, regraded_report):
    note = report_page(client, regraded_report).find_class("grades-panel__revision")[0]
    assert "Grades revised on 4 July 2022" in text_of(note)
    assert "Investigating crime: requires improvement → adequate" in text_of(note)
    assert note.xpath(".//time/@datetime") == ["2022-07-04"]


def test_every_story_panel_says_when_grades_were_revised(client, make_article, regraded_report):
    page = story_page(client, make_article, regraded_report)
    notes = page.find_class("grades-panel__revision")
    assert len(notes) == 1
    assert "Investigating crime: requires improvement → adequate" in text_of(notes[0])


def test_a_report_never_revised_says_nothing_about_revisions(client, peel_report):
    assert not report_page(client, peel_report).find_class("grades-panel__revision")


def test_the_panel_shows_revisions_with_no_queries_of_its_own(
    regraded_report, django_assert_num_queries
):
    report = InspectionReport.objects.for_panel().get(pk=regraded_report.pk)
    with django_assert_num_queries(0):
        render_to_string("inspections/_grades_panel.html", {"report": report})


# 2. Findings reach readers.


@pytest.fixture
def area_findings_report(make_report):
    report = make_report(areas=3, organisation="Norfolk Constabulary")
    GradedArea.objects.filter(report=report, name="Area 2").update(
        finding="Calls to 101 went unanswered."
    )
    return report


def test_area_findings_are_a_disclosure_per_area_in_the_panel(area_findings_report):
    panel = panel_of(area_findings_report)
    disclosures = panel.xpath("//details")
    assert len(disclosures) == 1  # only the area with a finding
    assert text_of(disclosures[0].xpath("summary")[0]).startswith("Area 2")
    assert "Calls to 101 went unanswered." in text_of(disclosures[0])


def test_area_findings_reach_the_report_page_and_story(client, make_article, area_findings_report):
    report = report_page(client, area_findings_report)
    assert "Calls to 101 went unanswered." in text_of(report.xpath("//details")[0])
    assert "No findings have been entered" not in text_of(report)
    story = story_page(client, make_article, area_findings_report)
    assert "Calls to 101 went unanswered." in text_of(story.xpath("//details")[0])


def test_a_report_with_no_findings_at_all_says_so(client, make_report):
    page = report_page(client, make_report(areas=3))
    assert "No findings have been entered for this report." in text_of(page)
    assert not page.xpath("//details")


def test_finding_kinds_are_pluralised_from_data(client, peel_report):
    Finding.objects.create(
        report=peel_report,
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        text="The force should supervise investigations better.",
    )
    headings = [text_of(h) for h in report_page(client, peel_report).xpath("//h3")]
    assert "Areas for improvement" in headings
    assert "Key figure" in headings  # one of them: singular
    assert "Area for improvements" not in headings


def test_every_finding_kind_has_a_plural():
    assert [kind.plural for kind in FindingKind] == [
        "Causes of concern",
        "Areas for improvement",
        "Innovative practice",
        "Key figures",
    ]


# 3. An organisation's first inspection says so.


FIRST = "This is Norfolk Constabulary’s first inspection under PEEL 2021/22"


def test_a_first_inspection_says_so_in_the_panel_and_on_the_report_page(
    client, make_article, make_report
):
    report = make_report(areas=3, organisation="Norfolk Constabulary")
    assert FIRST in text_of(panel_of(report))
    assert FIRST in text_of(report_page(client, report))
    assert FIRST in text_of(story_page(client, make_article, report))


def test_a_report_with_a_previous_one_is_not_called_the_first(make_report):
    earlier = make_report(areas=3, organisation="Norfolk Constabulary")
    later = make_report(areas=3, organisation="Norfolk Constabulary", previous_report=earlier)
    assert "first inspection" not in text_of(panel_of(later))


def test_an_earlier_report_under_the_framework_not_linked_is_not_called_the_first(make_report):
    make_report(areas=3, organisation="Norfolk Constabulary")
    later = make_report(areas=3, organisation="Norfolk Constabulary")
    assert "first inspection" not in text_of(panel_of(later))
