"""Inspections: the reader pages, the grades panel's markup and the downloads."""

import csv
import io
import json
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import html as lxml_html

from inspections.models import InspectionReport, Organisation
from inspections.views import PER_PAGE


@pytest.fixture(autouse=True)
def _empty_page_cache():
    cache.clear()


def render_panel(report):
    return render_to_string("inspections/_grades_panel.html", {"report": report})


@pytest.fixture
def panel(peel_report):
    report = InspectionReport.objects.for_panel().get(pk=peel_report.pk)
    return lxml_html.fromstring(render_panel(report))


def test_panel_names_the_report_and_who_made_it(panel):
    text = panel.text_content()
    for fact in [
        "How Cambridgeshire Constabulary was graded",
        "PEEL 2021/22: An inspection of Cambridgeshire Constabulary",
        "HM Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS)",
        "PEEL 2021/22",
        "21 June 2022",
        "Roy Wilsher, HM Inspector of Constabulary",
    ]:
        assert fact in text
    assert panel.xpath("//h2")[0].text_content() == "How Cambridgeshire Constabulary was graded"
    assert panel.xpath("//a[contains(., 'Read the full report')]/@href") == [
        "https://hmicfrs.justiceinspectorates.gov.uk/publication-html/peel-2021-22-cambridgeshire/"
    ]


def test_panel_table_lists_every_area_in_order_with_row_headers(panel):
    table = panel.xpath("//table")[0]
    assert table.xpath("caption")
    assert table.xpath("thead//th/@scope") == ["col", "col"]
    rows = [
        (row.xpath("th")[0].text_content(), row.xpath("td")[0].text_content().strip())
        for row in table.xpath("tbody/tr")
    ]
    assert rows[0] == ("Recording data about crime", "Good")
    assert rows[3] == ("Responding to the public", "Requires improvement")
    assert len(rows) == 9
    assert set(table.xpath("tbody/tr/th/@scope")) == {"row"}


def test_panel_shows_every_count_including_zeros_and_a_summary(panel):
    counts = [" ".join(li.text_content().split()) for li in panel.xpath("//ul[@aria-label]/li")]
    assert counts == [
        "0 outstanding",
        "4 good",
        "3 adequate",
        "2 requires improvement",
        "0 inadequate",
    ]
    assert "was graded in 9 areas: 0 outstanding, 4 good, 3 adequate" in panel.text_content()


def test_panel_charts_are_hidden_from_screen_readers_beside_their_text(panel):
    svgs = panel.xpath("//svg")
    assert svgs  # the bar and the pips
    for svg in svgs:
        assert svg.get("aria-hidden") == "true"


def view_box_width(svg):
    return float(svg.get("viewbox").split()[2])


def test_panel_bar_fills_its_view_box_and_pips_fit_theirs(panel):
    bar = panel.xpath("//svg[contains(@class, 'grades-panel__bar')]")[0]
    segments = bar.xpath("rect")[1:]
    end = float(segments[-1].get("x")) + float(segments[-1].get("width"))
    assert end == pytest.approx(view_box_width(bar), abs=0.01)
    for pips in panel.xpath("//svg[contains(@class, 'grades-panel__pips')]"):
        assert float(pips.get("width")) == view_box_width(pips)
        last = pips.xpath("rect")[-1]
        assert len(pips.xpath("rect")) == 5
        assert float(last.get("x")) + float(last.get("width")) < view_box_width(pips)


def test_panel_says_the_cycles_cannot_be_compared_and_shows_no_arrows(panel):
    text = panel.text_content()
    assert "cannot be compared directly" in text
    assert "▲" not in text and "▼" not in text
    assert len(panel.xpath("//table/thead/tr/th")) == 2


def test_panel_shows_movement_when_comparable(make_report):
    before = make_report(areas=5)
    after = make_report(areas=0, previous_report=before)
    grades = list(after.framework.scale.grades.all())
    after.graded_areas.create(name="Area 1", grade=grades[0], position=1)  # was Good
    after.graded_areas.create(name="Area 2", grade=grades[4], position=2)  # was Adequate
    html = render_panel(InspectionReport.objects.for_panel().get(pk=after.pk))
    assert "Up from good" in html
    assert "Down from adequate" in html
    assert "Since the previous inspection" in html
    assert "cannot be compared" not in html


def test_panel_has_no_inline_styles_scripts_or_handlers(panel):
    markup = lxml_html.tostring(panel, encoding="unicode")
    assert "<script" not in markup
    assert " style=" not in markup
    assert not re.search(r"\son[a-z]+=", markup)


def test_panel_renders_with_no_queries_after_for_panel(peel_report, django_assert_num_queries):
    report = InspectionReport.objects.for_panel().get(pk=peel_report.pk)
    with django_assert_num_queries(0):
        render_panel(report)


def test_report_page_shows_panel_findings_and_downloads(client, peel_report):
    response = client.get(peel_report.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="grades-panel"') == 1
    assert "<h1>PEEL 2021/22: An inspection of Cambridgeshire Constabulary</h1>" in page
    assert "Area for improvement" in page and "Key figure" in page
    assert reverse("inspections:report_csv", args=[peel_report.slug]) in page
    assert reverse("inspections:report_json", args=[peel_report.slug]) in page


def test_report_page_lists_only_published_stories(client, peel_report, make_article):
    from articles.models import Status

    live = make_article(headline="Force must improve, inspectors say")
    draft = make_article(headline="Draft about the force", status=Status.DRAFT)
    live.reports.add(peel_report)
    draft.reports.add(peel_report)
    page = client.get(peel_report.get_absolute_url()).content.decode()
    assert "Force must improve, inspectors say" in page
    assert "Draft about the force" not in page


def count_queries(client, url):
    # From an empty cache each time, so one page does not reuse what another paid for.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_report_page_query_count_is_the_same_for_9_and_40_areas(client, make_report):
    counts = []
    for areas in (9, 40):
        report = make_report(areas=areas)
        report.previous_report = make_report(areas=areas)
        report.save()
        counts.append(count_queries(client, report.get_absolute_url()))
    # Report with its joins, scale grades, areas, findings, report page (its main source),
    # grade revisions, stories; the rest is the site's.
    assert counts[0] == counts[1] <= 10


def test_organisation_page_query_count_is_the_same_for_2_and_8_reports(
    client, make_report, peel_2021
):
    from inspections.models import Organisation

    counts = []
    for reports in (2, 8):
        organisation = Organisation.objects.create(name=f"Force {reports}", slug=f"f-{reports}")
        for _ in range(reports):
            make_report(areas=12, organisation=organisation)
        counts.append(count_queries(client, organisation.get_absolute_url()))
    # Organisation, reports with joins, scale grades, areas, grade revisions, stories.
    assert counts[0] == counts[1] <= 9


def test_organisation_page_shows_history_table_chart_and_stories(
    client, peel_report, cambridgeshire, make_article
):
    make_article(headline="Police told to answer 101 calls faster").reports.add(peel_report)
    response = client.get(cambridgeshire.get_absolute_url())
    page = lxml_html.fromstring(response.content)
    rows = page.xpath("//table[@class='grade-history__table']/tbody/tr")
    assert [row.xpath("td[2]")[0].text_content() for row in rows] == [
        "PEEL 2018/19",
        "PEEL 2021/22 (not comparable with the one before)",
    ]
    assert rows[1].xpath("td[3]")[0].text_content() == (
        "0 outstanding, 4 good, 3 adequate, 2 requires improvement, 0 inadequate"
    )
    chart = page.xpath("//svg[@role='img']")[0]
    assert chart.get("aria-labelledby") == chart.xpath("title/@id")[0]
    assert "Police told to answer 101 calls faster" in response.content.decode()


def test_history_chart_bars_end_at_the_right_edge_of_their_frame(
    client, peel_report, cambridgeshire
):
    response = client.get(cambridgeshire.get_absolute_url())
    assert response.status_code == 200
    chart = lxml_html.fromstring(response.content).xpath("//svg[@role='img']")[0]
    frames = chart.xpath("rect[@fill='#ffffff']")
    assert len(frames) == 2
    assert float(chart.get("height")) == float(chart.get("viewbox").split()[3])
    for frame in frames:
        right = float(frame.get("x")) + 0.5 + float(frame.get("width"))
        assert right == view_box_width(chart)
        bars = chart.xpath(f"rect[@y='{frame.get('y')}' and @fill!='#ffffff']")
        assert float(bars[0].get("x")) == float(frame.get("x")) + 0.5
        assert float(bars[-1].get("x")) + float(bars[-1].get("width")) == pytest.approx(right)


def test_the_same_story_is_listed_once_for_an_organisation(
    client, peel_report, previous_peel_report, cambridgeshire, make_article
):
    story = make_article(headline="Unique headline about grades")
    story.reports.add(peel_report, previous_peel_report)
    page = client.get(cambridgeshire.get_absolute_url()).content.decode()
    assert page.count("Unique headline about grades") == 1


def test_csv_download_has_every_area_and_can_be_imported_again(client, peel_report):
    response = client.get(reverse("inspections:report_csv", args=[peel_report.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "peel-2021-22-cambridgeshire-grades.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["area"] for row in rows][:2] == [
        "Recording data about crime",
        "Treatment of the public",
    ]
    assert len(rows) == 9
    assert rows[3]["grade"] == "Requires improvement"

    from inspections.importing import import_graded_areas

    result = import_graded_areas(report=peel_report, file=response.content)
    assert (result.created, result.updated, result.removed) == (0, 9, 0)


def test_json_download_has_counts_and_comparability(client, peel_report):
    response = client.get(reverse("inspections:report_json", args=[peel_report.slug]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["lead_inspector"] == {
        "name": "Roy Wilsher",
        "title": "HM Inspector of Constabulary",
    }
    assert data["published_on"] == "2022-06-21"
    assert [c["count"] for c in data["grade_counts"]] == [0, 4, 3, 2, 0]
    assert data["comparable_with_previous"] is False
    assert len(data["areas"]) == 9
    assert data["page"].endswith(peel_report.get_absolute_url())


@pytest.mark.parametrize(
    "name",
    [
        "inspections:report_list",
        "inspections:organisation_list",
        "inspections:inspectorate_list",
    ],
)
def test_index_pages_answer(client, peel_report, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b"Cambridgeshire Constabulary" in response.content or b"HMICFRS" in response.content


def test_inspectorate_page_lists_frameworks_and_reports(client, peel_report, hmicfrs):
    response = client.get(hmicfrs.get_absolute_url())
    assert response.status_code == 200
    assert b"PEEL 2021/22" in response.content and b"Four grades" in response.content


@pytest.mark.parametrize(
    "name",
    [
        "inspections:report",
        "inspections:report_csv",
        "inspections:report_json",
        "inspections:organisation",
        "inspections:inspectorate",
    ],
)
def test_unknown_slugs_are_not_found(client, db, name):
    assert client.get(reverse(name, args=["no-such-thing"])).status_code == 404


def test_report_list_is_paginated(client, make_report):
    for _ in range(55):
        make_report(areas=0)
    first = client.get(reverse("inspections:report_list"))
    assert first.content.decode().count('<th scope="row">') == 50
    assert b'rel="next"' in first.content
    second = client.get(reverse("inspections:report_list") + "?page=2")
    assert second.content.decode().count('<th scope="row">') == 5


def test_csv_download_defuses_spreadsheet_formulas_and_imports_back(client, peel_report):
    from inspections.importing import import_graded_areas

    area = peel_report.graded_areas.get(position=1)
    area.finding = '=HYPERLINK("http://evil.example","click")'
    area.save()
    response = client.get(reverse("inspections:report_csv", args=[peel_report.slug]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["finding"] == "'" + area.finding
    upload = io.StringIO(
        "area,grade,finding\n"
        + "\n".join(
            f'"{row["area"]}","{row["grade"]}","{row["finding"].replace(chr(34), chr(34) * 2)}"'
            for row in rows
        )
    )
    import_graded_areas(report=peel_report, file=upload)
    assert peel_report.graded_areas.get(position=1).finding == area.finding


# Paging: inspection lists page like story lists.

LISTS = ["inspections:report_list", "inspections:organisation_list", "inspections:inspectorate"]


def list_url(name):
    return reverse(name, args=["hmicfrs"] if name == "inspections:inspectorate" else [])


@pytest.fixture
def long_lists(make_report, hmicfrs):
    """One more report and organisation than a page holds."""
    Organisation.objects.bulk_create(
        Organisation(name=f"Force {number:02}", slug=f"force-{number}")
        for number in range(PER_PAGE + 1)
    )
    for _ in range(PER_PAGE + 1):
        make_report(areas=0)


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("number", ["999", "abc", "0"])
def test_a_page_number_that_is_not_a_page_is_not_found(client, hmicfrs, name, number):
    assert client.get(f"{list_url(name)}?page={number}").status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_lists_stay_one_page_long_and_later_pages_have_their_own_address(client, long_lists, name):
    url = list_url(name)
    first, second = client.get(url), client.get(f"{url}?page=2")
    assert (first.status_code, second.status_code) == (200, 200)
    first, second = first.content.decode(), second.content.decode()
    assert first.count('<th scope="row">') == PER_PAGE
    assert 0 < second.count('<th scope="row">') <= PER_PAGE
    assert f'<link rel="canonical" href="{settings.SITE_URL}{url}">' in first
    assert f'<link rel="canonical" href="{settings.SITE_URL}{url}?page=2">' in second
    assert 'rel="next" href="?page=2"' in first
    assert 'rel="prev" href="?page=1"' in second


def test_organisations_are_listed_by_name(client, db):
    # Made, and slugged, in the opposite order to their names.
    Organisation.objects.create(name="Wiltshire Police", slug="a-wiltshire")
    Organisation.objects.create(name="Avon and Somerset Police", slug="b-avon")
    response = client.get(reverse("inspections:organisation_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Avon and Somerset Police") < page.index("Wiltshire Police")
