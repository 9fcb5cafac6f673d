"""Every figure traceable: the sources of reports and stories, and the citations to them."""

from datetime import date

import extruct
import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import IntegrityError
from django.template import Context, Template
from django.template.loader import render_to_string
from lxml import html as lxml_html

from articles.models import StorySource, sanitise_body
from inspections.models import InspectionReport, ReportSource, SourceKind
from inspections.source_models import report_pages

SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    cache.clear()


def add_report_sources(report):
    """The inspectorate's page for the report, its PDF and its press release (undated)."""
    ReportSource.objects.create(
        report=report,
        kind=SourceKind.PDF,
        title="PEEL 2021/22 report (PDF)",
        url="https://hmicfrs.example.org/peel.pdf",
        published_on=date(2022, 6, 21),
        position=2,
    )
    ReportSource.objects.create(
        report=report,
        kind=SourceKind.REPORT_PAGE,
        title="PEEL 2021/22: Cambridgeshire",
        url="https://hmicfrs.example.org/peel-cambridgeshire/",
        published_on=date(2022, 6, 21),
        position=1,
    )
    ReportSource.objects.create(
        report=report,
        kind=SourceKind.PRESS_RELEASE,
        title="Force told to improve",
        url="https://hmicfrs.example.org/news/",
        position=3,
    )


@pytest.fixture
def sourced_story(make_article, make_report):
    story = make_article(
        slug="sourced",
        body=(
            '<p>Crime fell by <a href="#source-1">12%</a>, and <a href="#source-2">arrests</a> '
            'rose; <a href="#source-1">the figures</a> are new. '
            '<a href="https://example.org/">A plain link</a>.</p>'
        ),
    )
    StorySource.objects.create(
        article=story,
        position=1,
        title="Crime in England and Wales",
        url="https://ons.example.org/crime",
        publisher="Office for National Statistics",
        published_on=date(2022, 4, 28),
    )
    StorySource.objects.create(
        article=story,
        position=2,
        title="Arrests, year to March",
        url="https://homeoffice.example.org/arrests",
    )
    report = make_report(url="https://hmicfrs.example.org/fallback/")
    add_report_sources(report)
    story.reports.add(report)
    return story


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


# The rules


def test_a_report_has_one_report_page_among_its_sources(make_report):
    report = make_report()
    add_report_sources(report)
    with pytest.raises(IntegrityError):
        ReportSource.objects.create(
            report=report, kind=SourceKind.REPORT_PAGE, title="Again", url="https://x.example/"
        )


def test_a_report_source_has_a_known_kind(make_report):
    with pytest.raises(IntegrityError):
        ReportSource.objects.create(
            report=make_report(), kind="rumour", title="Heard it", url="https://x.example/"
        )


def test_a_report_source_date_may_be_unknown(make_report):
    report = make_report()
    add_report_sources(report)
    assert [source.published_on for source in report.sources.all()] == [
        date(2022, 6, 21),
        date(2022, 6, 21),
        None,
    ]


def test_each_story_source_has_its_own_number_from_one(sourced_story):
    with pytest.raises(IntegrityError):
        StorySource.objects.create(
            article=sourced_story, position=0, title="Zero", url="https://x.example/"
        )


def test_two_story_sources_cannot_share_a_number(sourced_story):
    with pytest.raises(IntegrityError):
        StorySource.objects.create(
            article=sourced_story, position=2, title="Twice", url="https://x.example/"
        )


def test_the_sanitiser_keeps_a_citation_link():
    body = '<p>Crime fell <a href="#source-3">12%</a>.</p>'
    assert sanitise_body(body) == body


def test_a_story_keeps_its_citation_links_when_saved(sourced_story):
    sourced_story.refresh_from_db()
    assert sourced_story.body.count('href="#source-') == 3


# Citation marks


def cite(body):
    return Template("{% load citations %}{{ body|citations }}").render(Context({"body": body}))


def test_citation_links_become_numbered_marks_with_unique_ids():
    marked = cite('<a href="#source-2">a</a> <a href="#source-2">b</a> <a href="#source-10">c</a>')
    assert marked == (
        '<a href="#source-2" class="citation" id="cite-2" data-source="2">a</a> '
        '<a href="#source-2" class="citation" id="cite-2-2" data-source="2">b</a> '
        '<a href="#source-10" class="citation" id="cite-10" data-source="10">c</a>'
    )


@pytest.mark.parametrize(
    "link",
    [
        '<a href="https://example.org/#source-1">x</a>',
        '<a href="#source-1b">x</a>',
        '<a href="#sources">x</a>',
    ],
)
def test_other_links_are_left_alone(link):
    assert cite(link) == link


# The story page


def test_story_page_marks_citations_in_the_text(client, sourced_story):
    page = page_of(client, sourced_story.get_absolute_url())
    marks = page.xpath("//div[@class='story-body']//a[@class='citation']")
    assert [(a.get("href"), a.get("id")) for a in marks] == [
        ("#source-1", "cite-1"),
        ("#source-2", "cite-2"),
        ("#source-1", "cite-1-2"),
    ]
    assert (
        page.xpath("//div[@class='story-body']//a[@href='https://example.org/']")[0].get("class")
        is None
    )


def test_story_page_lists_its_sources_then_its_reports(client, sourced_story):
    page = page_of(client, sourced_story.get_absolute_url())
    section = page.xpath("//section[@class='sources']")[0]
    assert section.xpath(".//h2")[0].text_content().strip() == "Sources"
    items = section.xpath("ol/li")
    assert [item.get("id") for item in items][:2] == ["source-1", "source-2"]
    first = items[0]
    assert first.xpath(".//a")[0].get("href") == "https://ons.example.org/crime"
    assert "Office for National Statistics" in first.text_content()
    assert first.xpath(".//time")[0].get("datetime") == "2022-04-28"
    assert first.xpath(".//a[@href='#cite-1']")  # back to the text
    report = InspectionReport.objects.get()
    last = items[2]
    hrefs = [a.get("href") for a in last.xpath(".//a")]
    assert hrefs == [report.get_absolute_url(), "https://hmicfrs.example.org/peel-cambridgeshire/"]


def test_an_uncited_source_has_no_link_back(client, sourced_story):
    StorySource.objects.create(
        article=sourced_story, position=5, title="Background", url="https://x.example/"
    )
    page = page_of(client, sourced_story.get_absolute_url())
    item = page.xpath("//*[@id='source-5']")[0]
    assert item.get("value") == "5"
    assert [a.get("href") for a in item.xpath(".//a")] == ["https://x.example/"]


def test_a_story_without_sources_or_reports_has_no_sources_list(client, make_article):
    page = page_of(client, make_article().get_absolute_url())
    assert not page.xpath("//section[@class='sources']")


def test_story_json_ld_cites_its_sources_and_is_based_on_its_reports(client, sourced_story):
    response = client.get(sourced_story.get_absolute_url())
    data = extruct.extract(response.content.decode(), base_url=SITE, syntaxes=["json-ld"])[
        "json-ld"
    ][0]
    assert data["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "Crime in England and Wales",
            "url": "https://ons.example.org/crime",
            "publisher": {"@type": "Organization", "name": "Office for National Statistics"},
            "datePublished": "2022-04-28",
        },
        {
            "@type": "CreativeWork",
            "name": "Arrests, year to March",
            "url": "https://homeoffice.example.org/arrests",
        },
    ]
    assert data["isBasedOn"] == ["https://hmicfrs.example.org/peel-cambridgeshire/"]


# The grades panel


def panel_link(report):
    report = InspectionReport.objects.for_panel().prefetch_related(report_pages()).get(pk=report.pk)
    panel = lxml_html.fromstring(
        render_to_string("inspections/_grades_panel.html", {"report": report})
    )
    links = panel.xpath("//p[@class='grades-panel__read']/a")
    return links[0].get("href") if links else None


def test_panel_links_to_the_report_page_source(make_report):
    report = make_report(url="https://hmicfrs.example.org/fallback/")
    add_report_sources(report)
    assert panel_link(report) == "https://hmicfrs.example.org/peel-cambridgeshire/"


def test_panel_links_to_the_report_link_without_a_report_page(make_report):
    assert panel_link(make_report(url="https://hmicfrs.example.org/fallback/")) == (
        "https://hmicfrs.example.org/fallback/"
    )
    assert panel_link(make_report()) is None


def test_report_page_links_to_its_report_page_source(client, make_report):
    report = make_report()
    add_report_sources(report)
    page = page_of(client, report.get_absolute_url())
    link = page.xpath("//p[@class='grades-panel__read']/a")[0]
    assert link.get("href") == "https://hmicfrs.example.org/peel-cambridgeshire/"


# The desk


@pytest.mark.parametrize(
    ("url", "prefix"),
    [
        ("/admin/articles/article/{story}/change/", "sources-TOTAL_FORMS"),
        ("/admin/inspections/inspectionreport/{report}/change/", "sources-TOTAL_FORMS"),
    ],
)
def test_the_desk_edits_sources_inline(admin_client, sourced_story, url, prefix):
    report = sourced_story.reports.get()
    response = admin_client.get(url.format(story=sourced_story.pk, report=report.pk))
    assert response.status_code == 200
    assert prefix in response.content.decode()


@pytest.mark.parametrize(
    ("role", "codename", "granted"),
    [
        ("Reporter", "add_storysource", True),
        ("Reporter", "change_reportsource", False),
        ("Editor", "delete_storysource", True),
        ("Editor", "change_reportsource", True),
        ("Corrections desk", "view_storysource", True),
        ("Corrections desk", "add_storysource", False),
        ("Administrator", "add_reportsource", True),
    ],
)
def test_roles_may_work_on_sources_as_they_do_on_their_parents(db, role, codename, granted):
    group = Group.objects.get(name=role)
    assert group.permissions.filter(codename=codename).exists() is granted
