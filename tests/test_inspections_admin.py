"""Inspections: the admin as the newsroom edits inspection data."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import GradedArea

CHANGELIST = reverse("admin:inspections_inspectionreport_changelist")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_changelist_shows_grade_counts_without_a_query_per_row(admin_client, make_report):
    make_report(areas=9)
    few, response = count_queries(admin_client, CHANGELIST)
    assert "1 outstanding, 2 good, 2 adequate, 2 requires improvement, 2 inadequate" in (
        response.content.decode()
    )
    for _ in range(30):
        make_report(areas=9)
    many, _ = count_queries(admin_client, CHANGELIST)
    assert many == few


@pytest.mark.parametrize(
    "query",
    [
        "?framework__inspectorate__id__exact={inspectorate}",
        "?framework__id__exact={framework}",
        "?organisation__id__exact={organisation}",
        "?year=2022",
        "?q=Cambridgeshire",
    ],
)
def test_changelist_filters_and_search_find_the_report(admin_client, peel_report, query):
    query = query.format(
        inspectorate=peel_report.framework.inspectorate_id,
        framework=peel_report.framework_id,
        organisation=peel_report.organisation_id,
    )
    response = admin_client.get(CHANGELIST + query)
    assert response.status_code == 200
    assert "PEEL 2021/22: An inspection of Cambridgeshire Constabulary" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("model", "field", "term"),
    [
        ("inspectionreport", "previous_report", "Cambridgeshire"),
        ("organisation", "organisation", "Cambridgeshire"),
        ("framework", "framework", "PEEL"),
    ],
)
def test_report_autocompletes_answer(admin_client, peel_report, model, field, term):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "inspections",
            "model_name": "inspectionreport",
            "field_name": field,
            "term": term,
        },
    )
    assert response.status_code == 200
    assert response.json()["results"]


@pytest.mark.parametrize(
    "name",
    [
        "admin:inspections_inspectionreport_changelist",
        "admin:inspections_inspectionreport_add",
        "admin:inspections_organisation_changelist",
        "admin:inspections_framework_changelist",
        "admin:inspections_framework_add",
        "admin:inspections_inspectorate_changelist",
        "admin:inspections_gradescale_changelist",
        "admin:inspections_gradescale_add",
    ],
)
def test_admin_pages_answer(admin_client, peel_report, name):
    assert admin_client.get(reverse(name)).status_code == 200


def test_change_page_offers_only_the_report_scales_grades(admin_client, peel_report):
    response = admin_client.get(
        reverse("admin:inspections_inspectionreport_change", args=[peel_report.pk])
    )
    assert response.status_code == 200
    field = response.context["inline_admin_formsets"][0].formset.forms[0].fields["grade"]
    assert {grade.scale_id for grade in field.queryset} == {peel_report.framework.scale_id}


def report_post_data(report, areas, **changes):
    """The change form's POST data for report with the given (name, grade, position) areas."""
    existing = list(report.graded_areas.all())
    data = {
        "organisation": report.organisation_id,
        "framework": report.framework_id,
        "title": report.title,
        "slug": report.slug,
        "published_on": report.published_on.isoformat(),
        "published_precision": report.published_precision,
        "lead_inspector_name": report.lead_inspector_name,
        "lead_inspector_title": report.lead_inspector_title,
        "url": report.url,
        "summary": report.summary,
        "previous_report": report.previous_report_id or "",
        "graded_areas-TOTAL_FORMS": len(existing) + len(areas),
        "graded_areas-INITIAL_FORMS": len(existing),
        "graded_areas-MIN_NUM_FORMS": 0,
        "graded_areas-MAX_NUM_FORMS": 1000,
        "findings-TOTAL_FORMS": 0,
        "findings-INITIAL_FORMS": 0,
        "findings-MIN_NUM_FORMS": 0,
        "findings-MAX_NUM_FORMS": 1000,
        "sources-TOTAL_FORMS": 0,
        "sources-INITIAL_FORMS": 0,
    }
    forms = [(a.pk, a.name, a.grade_id, a.position) for a in existing] + [
        (None, *area) for area in areas
    ]
    for index, (pk, name, grade, position) in enumerate(forms):
        prefix = f"graded_areas-{index}-"
        data |= {
            prefix + "id": pk or "",
            prefix + "report": report.pk,
            prefix + "name": name,
            prefix + "grade": grade,
            prefix + "position": position,
            prefix + "finding": "",
            prefix + "added_on": "2022-06-21",
        }
    return data | changes


def test_editor_can_add_an_area_in_the_admin(peel_report, role_client):
    good = peel_report.framework.scale.grades.get(slug="good")
    url = reverse("admin:inspections_inspectionreport_change", args=[peel_report.pk])
    response = role_client("Editor").post(
        url, report_post_data(peel_report, [("Leadership", good.pk, 10)])
    )
    assert response.status_code == 302
    assert peel_report.graded_areas.filter(name="Leadership").exists()


@pytest.mark.parametrize(
    ("area", "message"),
    [
        (("Investigating crime", "good", 10), "each area is graded once per report"),
        (("Leadership", "good", 1), "give each area its own place"),
        (("Leadership", "wrong-scale", 10), "Select a valid choice"),
    ],
)
def test_admin_shows_plain_errors_for_broken_rules(
    admin_client, peel_report, four_grades, area, message
):
    name, grade, position = area
    grade_id = (
        four_grades.grades.get(slug="good").pk
        if grade == "wrong-scale"
        else peel_report.framework.scale.grades.get(slug=grade).pk
    )
    url = reverse("admin:inspections_inspectionreport_change", args=[peel_report.pk])
    response = admin_client.post(url, report_post_data(peel_report, [(name, grade_id, position)]))
    assert response.status_code == 200
    assert message in response.content.decode(), re.findall(
        r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S
    )
    assert peel_report.graded_areas.count() == 9


def test_admin_refuses_moving_a_graded_report_to_another_scale(
    admin_client, peel_report, peel_2018
):
    url = reverse("admin:inspections_inspectionreport_change", args=[peel_report.pk])
    response = admin_client.post(url, report_post_data(peel_report, [], framework=peel_2018.pk))
    assert response.status_code == 200
    assert "use another scale" in response.content.decode()


def test_graded_area_clean_names_the_scale(peel_report, four_grades):
    area = GradedArea(report=peel_report, grade=four_grades.grades.get(slug="good"))
    with pytest.raises(Exception, match="not a grade of the Five grades"):
        area.clean()


@pytest.mark.parametrize("role", ["Reporter", "Corrections desk"])
def test_reporters_and_corrections_desk_only_view_inspection_data(peel_report, role_client, role):
    client = role_client(role)
    change = reverse("admin:inspections_inspectionreport_change", args=[peel_report.pk])
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:inspections_inspectionreport_add")).status_code == 403
    good = peel_report.framework.scale.grades.get(slug="good")
    client.post(change, report_post_data(peel_report, [("Leadership", good.pk, 10)]))
    assert not peel_report.graded_areas.filter(name="Leadership").exists()


def test_editors_manage_inspection_data(role_client):
    client = role_client("Editor")
    for name in [
        "admin:inspections_inspectionreport_add",
        "admin:inspections_organisation_add",
        "admin:inspections_framework_add",
        "admin:inspections_inspectorate_add",
    ]:
        assert client.get(reverse(name)).status_code == 200


def test_adding_a_report_with_a_wrong_scale_grade_is_a_plain_error(
    admin_client, cambridgeshire, peel_2021, four_grades
):
    data = {
        "organisation": cambridgeshire.pk,
        "framework": peel_2021.pk,
        "title": "New report",
        "slug": "new-report",
        "published_on": "2024-05-01",
        "published_precision": "day",
        "graded_areas-TOTAL_FORMS": 1,
        "graded_areas-INITIAL_FORMS": 0,
        "graded_areas-0-name": "Leadership",
        "graded_areas-0-grade": four_grades.grades.get(slug="good").pk,
        "graded_areas-0-position": 1,
        "graded_areas-0-added_on": "2024-05-01",
        "findings-TOTAL_FORMS": 0,
        "findings-INITIAL_FORMS": 0,
    }
    response = admin_client.post(reverse("admin:inspections_inspectionreport_add"), data)
    assert response.status_code == 200
    assert "is not a grade of the Five grades (PEEL from 2021/22) scale" in (
        response.content.decode()
    )
    assert not cambridgeshire.reports.filter(slug="new-report").exists()
