"""Inspections: database rules, the grades panel's logic and the story-text consistency check."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from inspections.models import Framework, Grade, GradedArea, InspectionReport
from inspections.panel import grade_tone


def panel_report(report):
    return InspectionReport.objects.for_panel().get(pk=report.pk)


# Database rules


def test_a_grade_from_another_scale_is_refused_by_the_database(peel_report, four_grades):
    wrong = four_grades.grades.get(slug="good")
    with pytest.raises(IntegrityError), transaction.atomic():
        GradedArea.objects.create(report=peel_report, name="Extra", grade=wrong, position=10)


def test_regrading_an_area_with_another_scales_grade_is_refused(peel_report, four_grades):
    area = peel_report.graded_areas.first()
    wrong = four_grades.grades.get(slug="good")
    with pytest.raises(IntegrityError), transaction.atomic():
        GradedArea.objects.filter(pk=area.pk).update(grade=wrong)


def test_raw_sql_cannot_insert_a_wrong_scale_grade(peel_report, four_grades):
    wrong = four_grades.grades.get(slug="inadequate")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO inspections_gradedarea (report_id, name, grade_id, position, finding, "
            "added_on) VALUES (%s, %s, %s, %s, '', %s)",
            [peel_report.pk, "Raw", wrong.pk, 20, date(2022, 6, 21)],
        )


def test_moving_a_report_to_a_framework_on_another_scale_is_refused(peel_report, peel_2018):
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionReport.objects.filter(pk=peel_report.pk).update(framework=peel_2018)


def test_changing_the_scale_of_a_framework_in_use_is_refused(peel_report, peel_2021, four_grades):
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.filter(pk=peel_2021.pk).update(scale=four_grades)


def test_moving_a_grade_in_use_to_another_scale_is_refused(peel_report, four_grades):
    grade = peel_report.graded_areas.first().grade
    with pytest.raises(IntegrityError), transaction.atomic():
        Grade.objects.filter(pk=grade.pk).update(scale=four_grades)


def test_a_framework_without_reports_may_change_scale(peel_2021, four_grades):
    peel_2021.scale = four_grades
    peel_2021.save()


def test_the_same_area_twice_in_one_report_is_refused(peel_report):
    good = peel_report.framework.scale.grades.get(slug="good")
    with pytest.raises(IntegrityError), transaction.atomic():
        GradedArea.objects.create(
            report=peel_report, name="Investigating crime", grade=good, position=10
        )


def test_two_areas_in_the_same_position_are_refused(peel_report):
    good = peel_report.framework.scale.grades.get(slug="good")
    with pytest.raises(IntegrityError), transaction.atomic():
        GradedArea.objects.create(report=peel_report, name="New area", grade=good, position=1)


def test_wrong_scale_grade_is_a_plain_validation_error(peel_report, four_grades):
    area = GradedArea(
        report=peel_report, name="Extra", grade=four_grades.grades.get(slug="good"), position=10
    )
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    assert "is not a grade of the Five grades (PEEL from 2021/22) scale" in str(error.value)


def test_changing_a_used_frameworks_scale_is_a_plain_validation_error(peel_report, four_grades):
    framework = peel_report.framework
    framework.scale = four_grades
    with pytest.raises(ValidationError) as error:
        framework.full_clean()
    assert "Regrade or remove those areas" in str(error.value)


def test_moving_a_graded_report_to_another_scale_is_a_plain_validation_error(
    peel_report, peel_2018
):
    peel_report.framework = peel_2018
    with pytest.raises(ValidationError) as error:
        peel_report.full_clean()
    assert "use another scale's grades" in str(error.value)


# The grades panel


def test_counts_cover_every_grade_of_the_scale_in_order_including_zeros(peel_report):
    counts = [(c.grade.label, c.count) for c in panel_report(peel_report).grade_counts()]
    assert counts == [
        ("Outstanding", 0),
        ("Good", 4),
        ("Adequate", 3),
        ("Requires improvement", 2),
        ("Inadequate", 0),
    ]


def test_summary_reads_as_one_phrase(peel_report):
    report = panel_report(peel_report)
    assert report.grade_summary() == (
        "0 outstanding, 4 good, 3 adequate, 2 requires improvement, 0 inadequate"
    )
    assert report.summary_sentence() == (
        "Cambridgeshire Constabulary was graded in 9 areas: "
        "0 outstanding, 4 good, 3 adequate, 2 requires improvement, 0 inadequate."
    )


def test_bar_segments_fill_the_width_in_scale_order(peel_report):
    counts = panel_report(peel_report).grade_counts()
    assert sum(c.width for c in counts) == pytest.approx(100, abs=0.01)
    assert counts[2].offset == pytest.approx(counts[1].offset + counts[1].width, abs=0.01)


def test_panel_methods_make_no_queries_after_for_panel(peel_report, django_assert_num_queries):
    report = panel_report(peel_report)
    with django_assert_num_queries(0):
        report.grade_counts()
        report.summary_sentence()
        report.area_rows()
        report.comparison_note()
        report.stated_count_mismatches("<p>Four ‘good’ grades.</p>")


def test_areas_come_in_report_order(peel_report):
    rows = panel_report(peel_report).area_rows()
    assert [row.area.name for row in rows][:3] == [
        "Recording data about crime",
        "Treatment of the public",
        "Preventing crime and anti-social behaviour",
    ]


def test_not_comparable_frameworks_show_a_sentence_and_no_movement(peel_report):
    report = panel_report(peel_report)
    assert report.is_comparable_with_previous() is False
    assert {row.direction for row in report.area_rows()} == {""}
    assert report.comparison_note() == (
        "Grades from PEEL 2021/22 cannot be compared directly with those of PEEL 2018/19, "
        "the framework of the previous inspection (September 2019), so no movement is shown."
    )


def test_movement_up_down_and_same_for_areas_of_the_same_name(make_report):
    before = make_report(areas=0)
    after = make_report(areas=0, previous_report=before)
    grades = {g.slug: g for g in before.framework.scale.grades.all()}
    for position, (name, old, new) in enumerate(
        [
            ("Investigating crime", "requires-improvement", "good"),
            ("Responding to the public", "good", "inadequate"),
            ("Treatment of the public", "adequate", "adequate"),
            ("A new area", None, "good"),
        ],
        start=1,
    ):
        if old:
            GradedArea.objects.create(
                report=before, name=name.upper(), grade=grades[old], position=position
            )
        GradedArea.objects.create(report=after, name=name, grade=grades[new], position=position)

    report = panel_report(after)
    assert report.is_comparable_with_previous() is True
    assert report.comparison_note() == ""
    assert [(row.direction, row.previous_label) for row in report.area_rows()] == [
        ("up", "Requires improvement"),
        ("down", "Good"),
        ("same", "Adequate"),
        ("", ""),
    ]
    # Without for_panel() the same answer, from queries.
    assert [row.direction for row in after.area_rows()] == ["up", "down", "same", ""]


def test_frameworks_declared_comparable_show_movement(make_report, peel_2021, hmicfrs):
    later = Framework.objects.create(
        inspectorate=hmicfrs, name="PEEL 2023/25", slug="peel-2023-25", scale=peel_2021.scale
    )
    later.comparable_with.add(peel_2021)
    before = make_report(areas=3)
    after = make_report(areas=3, framework=later, previous_report=before)
    assert panel_report(after).is_comparable_with_previous() is True
    assert after.is_comparable_with_previous() is True


def test_a_report_without_a_previous_one_has_no_movement_or_note(make_report):
    report = panel_report(make_report(areas=3))
    assert report.comparison_note() == ""
    assert {row.direction for row in report.area_rows()} == {""}


def test_markers_do_not_rely_on_colour(peel_report):
    rows = panel_report(peel_report).area_rows()
    good, requires_improvement = rows[0], rows[3]
    assert sum(filled for _, filled in good.pips) == 4
    assert sum(filled for _, filled in requires_improvement.pips) == 2


@pytest.mark.parametrize(
    ("position", "size", "tone"), [(1, 5, 1), (4, 5, 4), (3, 4, 4), (2, 4, 2), (4, 4, 5)]
)
def test_four_grade_scales_share_the_five_step_tones(position, size, tone):
    assert grade_tone(position, size) == tone


# The consistency check for story text


@pytest.mark.parametrize(
    "text",
    [
        "<p>The force received four ‘good’ grades and three 'Adequate' grades.</p>",
        "It was rated requires improvement in two areas.",
        "It got 0 outstanding, 4 good, 3 adequate, 2 requires improvement, 0 inadequate.",
        "There were no &lsquo;outstanding&rsquo; grades and no inadequate ratings.",
        "Four of the nine areas were rated good.",
        "It was graded “good” in four of the nine areas.",
        "The chief constable said there was no good reason for the delay.",
        "Two good officers and one adequate response were praised.",
        "<p>It was given four <em>‘good’</em> grades and no outstanding grades.</p>",
        "Two areas were rated “requires improvement”.",
        "In 2022 good progress was made; it was no good at answering calls.",
        "",
        "A story with no claims at all about 4,500 crimes.",
    ],
)
def test_claims_that_agree_or_no_claims_give_no_warnings(peel_report, text):
    assert panel_report(peel_report).stated_count_mismatches(text) == []


@pytest.mark.parametrize(
    ("text", "warnings"),
    [
        (
            "<p>The force got three 'good' grades.</p>",
            ["The story says 3 ‘good’ grades; the report has 4."],
        ),
        (
            "It was rated INADEQUATE in two areas.",
            ["The story says 2 ‘inadequate’ grades; the report has 0."],
        ),
        (
            "Inspectors gave 3 requires improvement and 1 “outstanding” grade.",
            [
                "The story says 3 ‘requires improvement’ grades; the report has 2.",
                "The story says 1 ‘outstanding’ grade; the report has 0.",
            ],
        ),
        (
            "Five&nbsp;good grades, said the chief constable.",
            ["The story says 5 ‘good’ grades; the report has 4."],
        ),
        (
            "Three of the nine areas were graded requires improvement.",
            ["The story says 3 ‘requires improvement’ grades; the report has 2."],
        ),
        (
            "There were no ‘good’ grades.",
            ["The story says 0 ‘good’ grades; the report has 4."],
        ),
        (
            "Twelve &#8216;adequate&#8217; grades, four good grades.",
            ["The story says 12 ‘adequate’ grades; the report has 3."],
        ),
        (
            "It was rated requires-improvement in three areas. Three requires improvement "
            "grades, as we said.",
            ["The story says 3 ‘requires improvement’ grades; the report has 2."],
        ),
    ],
)
def test_claims_that_differ_give_one_warning_each_naming_both_figures(peel_report, text, warnings):
    assert panel_report(peel_report).stated_count_mismatches(text) == warnings


def test_consistency_check_works_without_for_panel(peel_report):
    assert peel_report.stated_count_mismatches("five good grades") == [
        "The story says 5 ‘good’ grades; the report has 4."
    ]
