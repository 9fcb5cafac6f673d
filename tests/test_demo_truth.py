"""The demo tells the truth about real people and reports (issue 11, §5): it says only what the
seed brief (shared/seed/FACTS.md) records, and shows every trust feature on the seed story."""

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles import demo_content
from articles.demo_reports import PEEL_2018_19_PAGE
from articles.models import Article, ReviewLink
from inspections.models import DatePrecision, InspectionReport

LONDON = ZoneInfo("Europe/London")
SEED = demo_content.SEED_STORY.slug
REPORT_2017 = "peel-2017-cambridgeshire-constabulary"
REPORT_2018 = "peel-2018-19-cambridgeshire-constabulary"
REPORT_2021 = "peel-2021-22-cambridgeshire-constabulary"
REPORT_2023 = "peel-2023-25-cambridgeshire-constabulary"

# The day the demo once invented for the 2018/19 report, and the stand-in days that only keep the
# 2017 and 2018/19 reports in order (and 2023–2025's press-release day, whose report is dated by
# its month): none may reach a reader, in any format.
NOT_KNOWN_DAYS = [dt.date(2019, 5, 2), dt.date(2020, 1, 21), dt.date(2018, 3, 22)]


def day_spellings(day):
    return [
        day.isoformat(),
        f"{day.day} {day:%B %Y}",
        f"{day:%B %Y}",
        f"{day:%b %Y}",
    ]


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return {report.slug: report for report in InspectionReport.objects.all()}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def text_of(html):
    """The page's words without tags, spaces collapsed (and none before punctuation)."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return re.sub(r" ([,.;:)])", r"\1", words)


def test_the_2018_19_report_shows_no_invented_day_on_any_page_that_dates_it(client, demo):
    report = demo[REPORT_2018]
    assert report.published_precision == DatePrecision.NOT_KNOWN
    story = Article.objects.get(slug=SEED)
    pages = {
        "report": report.get_absolute_url(),
        "next report": demo[REPORT_2021].get_absolute_url(),  # its "not comparable" note
        "organisation": report.organisation.get_absolute_url(),
        "inspectorate": report.framework.inspectorate.get_absolute_url(),
        "reports": reverse("inspections:report_list"),
        "seed story": story.get_absolute_url(),
        "json": reverse("inspections:report_json", args=[report.slug]),
        "sitemap": "/sitemap-reports.xml",
        "organisations sitemap": "/sitemap-organisations.xml",
    }
    for name, url in pages.items():
        html = page(client, url)
        for day in NOT_KNOWN_DAYS:
            for spelling in day_spellings(day):
                assert spelling not in html, (name, spelling)
    # What is known is said instead.
    assert "PEEL 2018/19, tranche three" in text_of(page(client, pages["report"]))
    assert "PEEL 2018/19, tranche three" in text_of(page(client, pages["organisation"]))
    assert "PEEL 2018/19, tranche three" in text_of(page(client, pages["inspectorate"]))
    assert "the framework of the previous inspection (PEEL 2018/19, tranche three)" in text_of(
        page(client, pages["next report"])
    )
    data = json.loads(page(client, pages["json"]))
    assert data["published_on"] == "" and data["published"] == "PEEL 2018/19, tranche three"


def test_the_2018_19_report_names_its_inspector_tranche_and_address(client, demo):
    report = demo[REPORT_2018]
    assert report.lead_inspector_name == "Zoë Billingham"
    assert report.url == PEEL_2018_19_PAGE
    assert report.sources.get().url == PEEL_2018_19_PAGE
    html = text_of(page(client, report.get_absolute_url()))
    assert "Where this comes from PEEL 2018/19: the inspectorate's page" in html.replace(
        "&#x27;", "'"
    )
    assert "Zoë Billingham, HM Inspector of Constabulary" in html
    assert "Roy Wilsher" not in html


def test_the_organisation_page_shows_movement_since_2017_and_the_break_in_2021_22(client, demo):
    organisation = demo[REPORT_2018].organisation
    html = text_of(page(client, organisation.get_absolute_url()))
    rows = [
        "PEEL 2017 PEEL 2017: Cambridgeshire Constabulary PEEL 2017 "
        "0 outstanding, 2 good, 1 requires improvement, 0 inadequate",
        "PEEL 2018/19, tranche three PEEL 2018/19: Cambridgeshire Constabulary PEEL 2018/19 "
        "0 outstanding, 3 good, 0 requires improvement, 0 inadequate",
        "21 June 2022 PEEL 2021/22: Cambridgeshire Constabulary "
        "PEEL 2021/22 (not comparable with the one before)",
        "March 2024 PEEL 2023–2025: Cambridgeshire Constabulary "
        "PEEL 2023–2025 (not comparable with the one before)",
    ]
    positions = [html.index(row) for row in rows]
    assert positions == sorted(positions)  # oldest first
    # 2017 to 2018/19 is comparable (no break), and effectiveness moved up.
    assert "PEEL 2018/19 (not comparable" not in html
    report = text_of(page(client, demo[REPORT_2018].get_absolute_url()))
    assert "Effectiveness, where the report grades it Good ▲ Up from requires improvement" in (
        report
    )
    assert "Efficiency, where the report grades it Good = Same (good)" in report
    following = text_of(page(client, demo[REPORT_2021].get_absolute_url()))
    assert "Not comparable:" in following and "Up from" not in following


def test_the_2023_25_report_gives_its_counts_and_only_its_month(client, demo):
    report = demo[REPORT_2023]
    html = text_of(page(client, report.get_absolute_url()))
    assert (
        "Cambridgeshire Constabulary was graded in 8 areas: 1 outstanding, 2 good, 2 adequate, "
        "1 requires improvement, 2 inadequate." in html
    )
    assert "Police powers and public engagement Outstanding" in html
    assert "Published March 2024" in html
    assert '<time datetime="2024-03">' in page(client, report.get_absolute_url())
    assert "13 March 2024" not in html and "2024-03-13" not in html
    assert "Nine areas inspected and eight graded" in html
    assert "Lead inspector Roy Wilsher" in html
    assert report.previous_report.slug == REPORT_2021
    assert "Not comparable:" in html


def test_the_seed_story_cites_its_sources_and_records_its_requests_for_comment(client, demo):
    story = Article.objects.get(slug=SEED)
    html = page(client, story.get_absolute_url())
    sources = list(story.sources.all())
    assert [source.position for source in sources] == [1, 2]
    assert sources[1].url == PEEL_2018_19_PAGE
    assert re.search(r'<a href="#source-1" class="citation" id="cite-1"', html)
    assert 'id="cite-1-2"' in html and 'id="cite-2"' in html
    assert 'id="source-1"' in html and 'id="source-2"' in html
    words = text_of(html)
    # Who was asked is on record; when is not, so no day is given for it.
    assert (
        "We asked Cambridgeshire Constabulary for comment; its response is summarised below."
        in (words)
    )
    assert "Darryl Preston had not replied by the time of publication." in words
    assert "for comment on" not in words
    requests = {request.recipient: request for request in story.comment_requests.all()}
    assert set(requests) == {"Cambridgeshire Constabulary", "Darryl Preston"}
    assert all(
        request.asked_at is None and request.deadline is None for request in requests.values()
    )
    assert requests["Cambridgeshire Constabulary"].received_at is None


def test_the_seed_storys_report_is_embargoed_until_before_the_story_went_live(client, demo):
    story = Article.objects.get(slug=SEED)
    report = demo[REPORT_2021]
    assert story.published_at == dt.datetime(2022, 6, 21, 5, 0, tzinfo=LONDON)
    assert report.embargo_until is not None
    assert report.embargo_until < story.published_at
    assert report.embargo_until.astimezone(LONDON).date() == report.published_on
    assert InspectionReport.objects.public().filter(pk=report.pk).exists()


def test_a_graded_area_links_to_the_part_of_the_report_that_grades_it(client, admin_client, demo):
    report = demo[REPORT_2018]
    assert {area.source_url for area in report.graded_areas.all()} == {PEEL_2018_19_PAGE}
    html = page(client, report.get_absolute_url())
    assert f'<th scope="row"><a href="{PEEL_2018_19_PAGE}">Effectiveness' in html
    # An area without a link is plain text.
    assert '<th scope="row">Recording data about crime</th>' in page(
        client, demo[REPORT_2021].get_absolute_url()
    )
    change = admin_client.get(
        reverse("admin:inspections_inspectionreport_change", args=[report.pk])
    )
    assert change.status_code == 200
    assert 'name="graded_areas-0-source_url"' in change.content.decode()


def test_a_report_date_says_only_as_much_as_is_known(make_report):
    report = make_report(areas=0, published_on=dt.date(2024, 3, 13))
    assert (report.published_label, report.published_iso) == ("13 March 2024", "2024-03-13")
    report.published_precision = DatePrecision.MONTH
    assert (report.published_label, report.published_iso) == ("March 2024", "2024-03")
    assert report.published_short_label == "Mar 2024"
    report.published_precision = DatePrecision.YEAR
    assert (report.published_label, report.published_iso) == ("2024", "2024")
    report.published_precision = DatePrecision.NOT_KNOWN
    report.published_known_as = "PEEL 2023–2025"
    assert (report.published_label, report.published_iso) == ("PEEL 2023–2025", "")
    assert report.published_short_label == ""


def test_an_unknown_date_must_say_what_is_known(make_report):
    report = make_report(areas=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionReport.objects.filter(pk=report.pk).update(
            published_precision=DatePrecision.NOT_KNOWN, published_known_as=""
        )


def test_json_ld_dates_a_report_only_as_precisely_as_is_known(client, demo):
    InspectionReport.objects.filter(slug=REPORT_2021).update(
        published_precision=DatePrecision.MONTH
    )
    html = page(client, Article.objects.get(slug=SEED).get_absolute_url())
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    reports = [
        item
        for block in blocks
        for item in json.loads(block).get("about", [])
        if item.get("@type") == "Report"
    ]
    assert [item["datePublished"] for item in reports] == ["2022-06"]


def test_review_link_openings_are_in_the_storys_history(client, admin_client, demo):
    story = Article.objects.get(slug=SEED)
    link = ReviewLink(
        article=story,
        recipient="Jane Smith (legal)",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    token = link.new_token()
    link.save()
    history = reverse("admin:articles_article_history", args=[story.pk])
    before = admin_client.get(history)
    assert before.status_code == 200
    assert "No private review link to this story has been opened." in before.content.decode()
    assert client.get(reverse("articles:review", args=[token])).status_code == 200
    assert client.get(reverse("articles:review", args=[token])).status_code == 200
    after = admin_client.get(history)
    assert after.status_code == 200
    table = after.content.decode().split('id="review-link-visits"')[1].split("</table>")[0]
    assert table.count("Jane Smith (legal)") == 2
