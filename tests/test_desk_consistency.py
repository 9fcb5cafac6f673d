"""The article admin warns, before publishing, when a story's stated grade counts contradict
the data of the report it covers. Advisory: a draft saves; publishing needs an acknowledgement
(tests/test_prepublish_checks.py)."""

import lxml.html

from articles.models import Status

WRONG = "<p>The force received three ‘good’ grades and two ‘adequate’ grades.</p>"
RIGHT = "<p>The force received four ‘good’ grades and three ‘adequate’ grades.</p>"


def messages_of(response):
    """The grade-count warnings in the page's pre-publish panel (others, such as a request for
    comment not yet made, are tested where they belong)."""
    tree = lxml.html.fromstring(response.content.decode())
    return [
        item.text_content()
        for item in tree.find_class("prepublish-warning")
        if item.text_content().startswith("Check the grades")
    ]


def test_a_story_that_miscounts_the_grades_gets_a_warning_naming_both_figures(
    make_article, peel_report, role_client
):
    article = make_article(body=WRONG, status=Status.IN_REVIEW, published_at=None)
    article.reports.add(peel_report)
    response = role_client("Editor").get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    warnings = messages_of(response)
    assert "Check the grades: The story says 3 ‘good’ grades; the report has 4" in warnings[0]
    assert "The story says 2 ‘adequate’ grades; the report has 3" in warnings[1]
    assert len(warnings) == 2
    assert "The story says 3 ‘good’ grades; the report has 4." in response.content.decode()


def test_a_story_that_agrees_with_its_report_gets_no_warning(
    make_article, peel_report, role_client
):
    article = make_article(body=RIGHT, status=Status.IN_REVIEW, published_at=None)
    article.reports.add(peel_report)
    response = role_client("Editor").get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert 'id="article_form"' in response.content.decode()  # the change form, not a refusal
    assert messages_of(response) == []


def test_the_warning_is_advisory(make_article, peel_report):
    article = make_article(body=WRONG)
    article.reports.add(peel_report)
    assert len(article.grade_count_warnings()) == 2
    assert article.is_published()
