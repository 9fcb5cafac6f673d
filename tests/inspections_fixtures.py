"""Fixtures for inspection data: the seed report (FACTS.md) and the one report factory.

A plugin of tests/conftest.py, so every test module can use them.
"""

from datetime import date, timedelta

import pytest
from django.utils.text import slugify

from inspections.models import (
    Finding,
    FindingKind,
    Framework,
    GradedArea,
    GradeScale,
    InspectionReport,
    Inspectorate,
    Organisation,
    OrganisationKind,
)

# The PEEL 2021/22 areas in report order, with Cambridgeshire Constabulary's grades.
PEEL_2021_AREAS = [
    ("Recording data about crime", "good"),
    ("Treatment of the public", "adequate"),
    ("Preventing crime and anti-social behaviour", "adequate"),
    ("Responding to the public", "requires-improvement"),
    ("Investigating crime", "requires-improvement"),
    ("Protecting vulnerable people", "good"),
    ("Managing offenders and suspects", "adequate"),
    ("Developing a positive workplace", "good"),
    ("Good use of resources", "good"),
]
PEEL_2018_AREAS = [("Effectiveness", "good"), ("Efficiency", "good"), ("Legitimacy", "good")]


@pytest.fixture
def five_grades(db):
    return GradeScale.objects.get(name="Five grades (PEEL from 2021/22)")


@pytest.fixture
def four_grades(db):
    return GradeScale.objects.get(name="Four grades")


@pytest.fixture
def hmicfrs(db):
    return Inspectorate.objects.create(
        name="HM Inspectorate of Constabulary and Fire & Rescue Services",
        short_name="HMICFRS",
        slug="hmicfrs",
        website="https://hmicfrs.justiceinspectorates.gov.uk/",
    )


@pytest.fixture
def peel_2021(hmicfrs, five_grades):
    return Framework.objects.create(
        inspectorate=hmicfrs, name="PEEL 2021/22", slug="peel-2021-22", scale=five_grades
    )


@pytest.fixture
def peel_2018(hmicfrs, four_grades):
    return Framework.objects.create(
        inspectorate=hmicfrs, name="PEEL 2018/19", slug="peel-2018-19", scale=four_grades
    )


@pytest.fixture
def cambridgeshire(db):
    return Organisation.objects.create(
        name="Cambridgeshire Constabulary",
        slug="cambridgeshire-constabulary",
        kind=OrganisationKind.POLICE_FORCE,
        area="Cambridgeshire and Peterborough",
    )


def add_areas(report, areas):
    grades = {grade.slug: grade for grade in report.framework.scale.grades.all()}
    for position, (name, slug) in enumerate(areas, start=1):
        GradedArea.objects.create(report=report, name=name, grade=grades[slug], position=position)


@pytest.fixture
def previous_peel_report(cambridgeshire, peel_2018):
    report = InspectionReport.objects.create(
        organisation=cambridgeshire,
        framework=peel_2018,
        title="PEEL 2018/19: Cambridgeshire Constabulary",
        slug="peel-2018-19-cambridgeshire",
        published_on=date(2019, 9, 27),
    )
    add_areas(report, PEEL_2018_AREAS)
    return report


@pytest.fixture
def peel_report(cambridgeshire, peel_2021, previous_peel_report):
    """The seed report: PEEL 2021/22 on Cambridgeshire Constabulary, 21 June 2022."""
    report = InspectionReport.objects.create(
        organisation=cambridgeshire,
        framework=peel_2021,
        title="PEEL 2021/22: An inspection of Cambridgeshire Constabulary",
        slug="peel-2021-22-cambridgeshire",
        published_on=date(2022, 6, 21),
        lead_inspector_name="Roy Wilsher",
        lead_inspector_title="HM Inspector of Constabulary",
        url="https://hmicfrs.justiceinspectorates.gov.uk/publication-html/peel-2021-22-cambridgeshire/",
        summary="Four areas good, three adequate, two requiring improvement.",
        previous_report=previous_peel_report,
    )
    add_areas(report, PEEL_2021_AREAS)
    Finding.objects.create(
        report=report,
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        text="The force should answer non-emergency calls more quickly.",
    )
    Finding.objects.create(
        report=report,
        kind=FindingKind.KEY_FIGURE,
        text="An estimated 4,500 crimes a year were not recorded.",
    )
    return report


@pytest.fixture
def make_report(cambridgeshire, peel_2021):
    """Make a PEEL 2021/22 report with `areas` graded areas, cycling through the grades.

    Of Cambridgeshire Constabulary unless `organisation` is given (an Organisation, or the name
    of a police force, made if need be). Each report is published a day after the last made,
    so an earlier one can be a later one's `previous_report`.
    """

    def make(areas=9, *, organisation=cambridgeshire, framework=peel_2021, **overrides):
        if isinstance(organisation, str):
            organisation, _ = Organisation.objects.get_or_create(
                slug=slugify(organisation),
                defaults={"name": organisation, "kind": OrganisationKind.POLICE_FORCE},
            )
        number = InspectionReport.objects.count() + 1
        fields = {
            "organisation": organisation,
            "framework": framework,
            "title": f"{framework.name}: {organisation.name}",
            "slug": f"inspection-report-{number}",
            "published_on": date(2023, 1, 1) + timedelta(days=number),
        }
        report = InspectionReport.objects.create(**fields | overrides)
        grades = list(framework.scale.grades.all())
        GradedArea.objects.bulk_create(
            GradedArea(
                report=report,
                name=f"Area {position}",
                grade=grades[position % len(grades)],
                position=position,
            )
            for position in range(1, areas + 1)
        )
        return report

    return make
