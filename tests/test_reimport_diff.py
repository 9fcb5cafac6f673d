"""Re-importing a report's grades (issue 10, item 6): the import shows what changes, names each
live story whose panel changes (and whose text would then contradict it), writes nothing until
confirmed, and the confirmed import puts those stories in the desk's "needs attention" list."""

import lxml.html
import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Status, StoryAttention
from inspections.importing import import_graded_areas, plan_import
from inspections.models import GradedArea

from .desk_fixtures import change_url, form_data, login

TEXT = "<p>The force received four 'good' grades and three 'adequate' grades.</p>"


def grades_csv(report, **changes):
    """The report's areas as a CSV, with some areas' grades changed: {area: grade slug}."""
    rows = [
        (area.name, changes.get(area.name, area.grade.slug))
        for area in report.graded_areas.select_related("grade")
    ]
    return "area,grade\n" + "".join(f"{name},{grade}\n" for name, grade in rows)


def import_url(report):
    return reverse("admin:inspections_inspectionreport_import_grades", args=[report.pk])


def upload(text):
    return SimpleUploadedFile("grades.csv", text.encode("utf-8"), content_type="text/csv")


def page_text(response):
    assert response.status_code == 200, response.status_code
    return " ".join(lxml.html.fromstring(response.content.decode()).text_content().split())


@pytest.fixture
def live_story(story, peel_report):
    article = story(body=TEXT)
    article.reports.add(peel_report)
    return article


# What the import will change


def test_an_identical_file_changes_nothing_and_says_so(peel_report):
    text = grades_csv(peel_report)
    plan = plan_import(report=peel_report, file=text)
    assert (plan.added, plan.regraded, plan.removed) == ([], [], [])
    assert len(plan.unchanged) == 9
    assert not plan.changes_grades
    result = import_graded_areas(report=peel_report, file=text)
    assert str(result) == "0 areas added, 0 regraded, 0 removed, 9 unchanged."


def test_a_regrade_is_shown_from_and_to(peel_report):
    text = grades_csv(peel_report, **{"Recording data about crime": "outstanding"})
    text += "Serving the public online,good\n"
    text = text.replace("Good use of resources,good\n", "")
    plan = plan_import(report=peel_report, file=text)
    assert plan.regraded == [("Recording data about crime", "Good", "Outstanding")]
    assert plan.added == [("Serving the public online", "Good")]
    assert plan.removed == [("Good use of resources", "Good")]
    assert len(plan.unchanged) == 7
    result = import_graded_areas(report=peel_report, file=text)
    assert str(result) == "1 areas added, 1 regraded, 1 removed, 7 unchanged."


# The admin: preview, then confirm


def test_the_preview_names_the_live_story_that_would_contradict_it_and_writes_nothing(
    live_story, peel_report, role_client, make_article
):
    draft = make_article(status=Status.DRAFT, published_at=None, headline="A draft on it")
    draft.reports.add(peel_report)
    client = role_client("Editor")
    text = grades_csv(peel_report, **{"Recording data about crime": "adequate"})
    response = client.post(import_url(peel_report), {"file": upload(text)})
    page = page_text(response)
    assert "Recording data about crime: Good → Adequate" in page
    assert "1 regraded" in page and "8 unchanged" in page
    assert live_story.headline in page
    assert "The story says 4 ‘good’ grades; the report has 3" in page
    assert "A draft on it" not in page  # only live stories are named
    assert b"Confirm import" in response.content
    area = peel_report.graded_areas.get(name="Recording data about crime")
    assert area.grade.slug == "good"  # nothing written yet
    assert not StoryAttention.objects.exists()


def confirm(client, report, preview):
    return client.post(import_url(report), form_data(preview, "confirm-import"))


def test_confirming_imports_and_puts_the_story_in_needs_attention(
    live_story, peel_report, role_client
):
    client = role_client("Editor")
    text = grades_csv(peel_report, **{"Recording data about crime": "adequate"})
    preview = client.post(import_url(peel_report), {"file": upload(text)})
    response = confirm(client, peel_report, preview)
    assert response.status_code == 302
    area = peel_report.graded_areas.get(name="Recording data about crime")
    assert area.grade.slug == "adequate"
    (item,) = StoryAttention.objects.open()
    assert item.article == live_story
    assert "Recording data about crime: good → adequate" in item.reason
    assert "The story says 4 ‘good’ grades; the report has 3" in item.reason
    index = page_text(client.get(reverse("admin:index")))
    assert "Needs attention (1)" in index
    assert live_story.headline in index


def test_a_file_that_changes_no_grade_flags_no_story(live_story, peel_report, role_client):
    client = role_client("Editor")
    preview = client.post(import_url(peel_report), {"file": upload(grades_csv(peel_report))})
    assert "This file changes nothing" in page_text(preview)
    assert b"Confirm import" not in preview.content
    assert not StoryAttention.objects.exists()


def test_a_tampered_confirmation_is_refused_and_imports_nothing(
    live_story, peel_report, role_client
):
    client = role_client("Editor")
    text = grades_csv(peel_report, **{"Recording data about crime": "adequate"})
    preview = client.post(import_url(peel_report), {"file": upload(text)})
    data = form_data(preview, "confirm-import")
    forged = signing.dumps({"report": peel_report.pk, "csv": "YXJlYSxncmFkZQo="}, salt="other")
    response = client.post(import_url(peel_report), data | {"upload": forged})
    assert "upload again" in page_text(response)
    assert peel_report.graded_areas.get(name="Recording data about crime").grade.slug == "good"


def test_a_preview_made_stale_by_another_change_is_shown_again(
    live_story, peel_report, role_client, five_grades
):
    client = role_client("Editor")
    text = grades_csv(peel_report, **{"Recording data about crime": "adequate"})
    preview = client.post(import_url(peel_report), {"file": upload(text)})
    GradedArea.objects.filter(report=peel_report, name="Investigating crime").update(
        grade=five_grades.grades.get(slug="inadequate")
    )
    response = confirm(client, peel_report, preview)
    page = page_text(response)
    assert "The report’s grades changed since this preview" in page
    assert "Investigating crime: Inadequate → Requires improvement" in page
    assert peel_report.graded_areas.get(name="Recording data about crime").grade.slug == "good"


@pytest.mark.parametrize("role", ["Reporter", "Corrections desk"])
def test_only_those_who_change_reports_may_confirm(peel_report, role_client, role, staff):
    preview = login(staff("Editor")).post(
        import_url(peel_report),
        {"file": upload(grades_csv(peel_report, **{"Recording data about crime": "adequate"}))},
    )
    data = form_data(preview, "confirm-import")
    assert role_client(role).post(import_url(peel_report), data).status_code == 403
    assert peel_report.graded_areas.get(name="Recording data about crime").grade.slug == "good"


# Needs attention: cleared by a save or by "done"


def flag(client, report):
    text = grades_csv(report, **{"Recording data about crime": "adequate"})
    confirm(client, report, client.post(import_url(report), {"file": upload(text)}))


def test_saving_the_story_clears_its_attention(live_story, peel_report, staff):
    client = login(staff("Editor"))
    flag(client, peel_report)
    assert StoryAttention.objects.open().count() == 1
    data = form_data(client.get(change_url(live_story)))
    data |= {
        "body": TEXT.replace("four", "three").replace("three 'adequate'", "four 'adequate'"),
        "update_note": "The inspectorate regraded one area; the counts are corrected.",
    }
    response = client.post(change_url(live_story), data)
    assert response.status_code == 302
    assert StoryAttention.objects.open().count() == 0
    item = StoryAttention.objects.get()
    assert item.resolved_by == staff("Editor")


def test_marking_it_done_clears_it(live_story, peel_report, staff):
    client = login(staff("Editor"))
    flag(client, peel_report)
    item = StoryAttention.objects.get()
    response = client.post(
        reverse("admin:articles_storyattention_changelist"),
        {"action": "mark_done", "_selected_action": [item.pk], "index": 0},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.resolved_at is not None
    index = page_text(client.get(reverse("admin:index")))
    assert "Needs attention (0)" in index
