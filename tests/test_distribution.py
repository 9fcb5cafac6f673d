"""Sitemaps, the Google News sitemap and robots.txt: what search engines are told to crawl."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles import sitemaps
from articles.models import Article, Section, Status, Tag
from inspections.models import Framework, GradeScale, InspectionReport, Inspectorate, Organisation

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).resolve().parent / "schemas"
URLSET_XSD = ROOT / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
SITE_URL = "https://news.example.org"


def schema(path):
    if not URLSET_XSD.exists():
        reason = "node_modules/sitemap (the sitemaps.org schema) is missing: make browser-deps"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true, so schema checks may not skip: {reason}")
        pytest.skip(reason)
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(xsd_path, content):
    xsd = schema(xsd_path)
    document = etree.fromstring(content)
    assert xsd.validate(document), "\n".join(str(error) for error in xsd.error_log)
    return document


def locations(document):
    return document.xpath("//sm:loc/text()", namespaces=NS)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def report(db):
    inspectorate = Inspectorate.objects.create(
        name="His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        short_name="HMICFRS",
        slug="hmicfrs",
    )
    framework = Framework.objects.create(
        inspectorate=inspectorate,
        name="PEEL 2023–25",
        slug="peel-2023-25",
        scale=GradeScale.objects.get(name="Five grades (PEEL from 2021/22)"),
    )
    organisation = Organisation.objects.create(
        name="Cambridgeshire Constabulary", slug="cambridgeshire", kind="police_force"
    )
    return InspectionReport.objects.create(
        organisation=organisation,
        framework=framework,
        title="PEEL 2023–25: Cambridgeshire Constabulary",
        slug="peel-2023-25-cambridgeshire",
        published_on=date(2025, 3, 4),
    )


@pytest.fixture
def newsroom(make_article, report):
    """One public story with a tag and a report, and stories that must never be listed."""
    live = make_article(headline="Force told to improve", slug="force-told-to-improve")
    live.tags.add(Tag.objects.create(name="Policing", slug="policing"))
    live.reports.add(report)
    secret_tag = Tag.objects.create(name="Embargoed inquiry", slug="embargoed-inquiry")
    hidden = [
        make_article(slug="a-draft", status=Status.DRAFT, published_at=None),
        make_article(slug="in-review", status=Status.IN_REVIEW, published_at=None),
        make_article(slug="pulled", status=Status.UNPUBLISHED),
        make_article(slug="scheduled", published_at=timezone.now() + timedelta(hours=3)),
    ]
    for article in hidden:
        article.tags.add(secret_tag)
    return live


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return response.content


def all_sitemap_locations(client):
    index = etree.fromstring(get_xml(client, reverse("sitemap")))
    found = []
    for section_url in locations(index):
        path = section_url.removeprefix(SITE_URL)
        found += locations(etree.fromstring(get_xml(client, path)))
    return found


def test_sitemap_index_is_valid_and_names_every_section_on_the_site_url(client, newsroom):
    index = assert_valid(SCHEMAS / "siteindex.xsd", get_xml(client, reverse("sitemap")))

    assert locations(index) == [
        f"{SITE_URL}/sitemap-{section}.xml" for section in sitemaps.SITEMAPS
    ]


@pytest.mark.parametrize("name", list(sitemaps.SITEMAPS))
def test_each_sitemap_section_is_valid_against_the_sitemaps_org_schema(client, newsroom, name):
    url = reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": name})
    document = assert_valid(URLSET_XSD, get_xml(client, url))

    assert locations(document)
    assert all(loc.startswith(f"{SITE_URL}/") for loc in locations(document))


def test_sitemaps_list_pages_stories_sections_authors_tags_reports_and_organisations(
    client, newsroom, report, author, section
):
    found = all_sitemap_locations(client)

    for obj in [newsroom, section, author, Tag.objects.get(slug="policing"), report]:
        assert SITE_URL + obj.get_absolute_url() in found
    assert SITE_URL + report.organisation.get_absolute_url() in found
    assert f"{SITE_URL}/" in found
    assert SITE_URL + reverse("articles:corrections") in found
    assert len(found) == len(set(found))


def test_story_lastmod_is_the_time_readers_last_saw_a_change(client, newsroom):
    updated = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    Article.objects.filter(pk=newsroom.pk).update(updated_at=updated)

    document = etree.fromstring(get_xml(client, "/sitemap-stories.xml"))

    (lastmod,) = document.xpath("//sm:url/sm:lastmod/text()", namespaces=NS)
    assert lastmod == timezone.localtime(updated).isoformat()


def test_drafts_scheduled_and_unpublished_stories_and_their_tags_are_never_listed(client, newsroom):
    found = all_sitemap_locations(client) + locations(
        etree.fromstring(get_xml(client, reverse("news_sitemap")))
    )

    for slug in ["a-draft", "in-review", "pulled", "scheduled"]:
        assert not [loc for loc in found if slug in loc]
    assert not [loc for loc in found if "embargoed-inquiry" in loc]


def test_a_scheduled_story_appears_once_its_time_has_come(client, make_article):
    publish_at = timezone.now() + timedelta(hours=3)
    make_article(slug="scheduled", published_at=publish_at)
    url = f"{SITE_URL}/news/scheduled/"

    assert url not in locations(etree.fromstring(get_xml(client, "/sitemap-stories.xml")))
    with time_machine.travel(publish_at + timedelta(minutes=1)):
        assert url in locations(etree.fromstring(get_xml(client, "/sitemap-stories.xml")))
        assert url in locations(etree.fromstring(get_xml(client, reverse("news_sitemap"))))


def test_sitemap_index_paginates_a_section_past_its_limit(client, make_article, monkeypatch):
    for _ in range(5):
        make_article()
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)

    index = etree.fromstring(get_xml(client, reverse("sitemap")))
    stories = [loc for loc in locations(index) if "sitemap-stories" in loc]

    assert stories == [
        f"{SITE_URL}/sitemap-stories.xml",
        f"{SITE_URL}/sitemap-stories.xml?p=2",
        f"{SITE_URL}/sitemap-stories.xml?p=3",
    ]
    third = etree.fromstring(get_xml(client, "/sitemap-stories.xml?p=3"))
    assert len(locations(third)) == 1
    assert client.get("/sitemap-stories.xml?p=4").status_code == 404


def test_an_unknown_sitemap_section_is_not_found(client, db):
    assert client.get("/sitemap-drafts.xml").status_code == 404


def test_news_sitemap_is_valid_with_publication_name_language_date_and_title(
    client, make_article, settings
):
    settings.PUBLISHER_NAME = "The Fenland Courier"
    published_at = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    make_article(headline="Fish & chips <shop> ‘closed’", slug="chips", published_at=published_at)

    content = get_xml(client, reverse("news_sitemap"))
    document = assert_valid(SCHEMAS / "news-sitemap.xsd", content)

    assert locations(document) == [f"{SITE_URL}/news/chips/"]
    (news,) = document.xpath("//sm:url/news:news", namespaces=NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "The Fenland Courier"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    publication_date = news.findtext("news:publication_date", namespaces=NS)
    assert publication_date == timezone.localtime(published_at).isoformat()
    assert news.findtext("news:title", namespaces=NS) == "Fish & chips <shop> ‘closed’"
    assert b"Fish &amp; chips &lt;shop&gt;" in content


def test_news_sitemap_has_only_public_stories_of_the_last_two_days(client, newsroom, make_article):
    now = timezone.now()
    make_article(slug="yesterday", published_at=now - timedelta(days=1))
    make_article(slug="just-in-window", published_at=now - timedelta(days=2) + timedelta(minutes=5))
    make_article(slug="three-days-old", published_at=now - timedelta(days=3))

    document = etree.fromstring(get_xml(client, reverse("news_sitemap")))

    assert locations(document) == [
        f"{SITE_URL}/news/force-told-to-improve/",
        f"{SITE_URL}/news/yesterday/",
        f"{SITE_URL}/news/just-in-window/",
    ]


def test_news_sitemap_stops_at_a_thousand_stories_newest_first(client, section):
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            headline=f"Story {n}",
            slug=f"story-{n}",
            section=section,
            status=Status.PUBLISHED,
            published_at=now - timedelta(minutes=n + 1),
        )
        for n in range(1005)
    )

    document = etree.fromstring(get_xml(client, reverse("news_sitemap")))

    found = locations(document)
    assert len(found) == sitemaps.NEWS_LIMIT == 1000
    assert found[0] == f"{SITE_URL}/news/story-0/"
    assert found[-1] == f"{SITE_URL}/news/story-999/"


def test_robots_txt_points_at_both_sitemaps_and_keeps_crawlers_out_of_admin_and_search(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines
    assert f"Sitemap: {SITE_URL}/news-sitemap.xml" in lines


def make_public_stories(section, tags, count, start):
    now = timezone.now()
    stories = Article.objects.bulk_create(
        Article(
            headline=f"Story {n}",
            slug=f"bulk-{n}",
            section=section,
            status=Status.PUBLISHED,
            published_at=now - timedelta(minutes=n + 1),
        )
        for n in range(start, start + count)
    )
    for story in stories:
        story.tags.set(tags)


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap.xml",
        *(f"/sitemap-{name}.xml" for name in sitemaps.SITEMAPS),
        "/news-sitemap.xml",
        "/robots.txt",
    ],
)
def test_sitemap_queries_do_not_grow_with_the_number_of_stories(client, newsroom, section, url):
    tags = [Tag.objects.create(name=f"Tag {n}", slug=f"tag-{n}") for n in range(3)]
    extra_section = Section.objects.create(name="Crime", slug="crime")

    def queries_for_request():
        cache.clear()  # measure the view, not the page cache
        client.get(url)  # warm the Sites framework's cache
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    make_public_stories(section, tags, 3, start=0)
    few = queries_for_request()
    make_public_stories(extra_section, tags, 40, start=100)
    many = queries_for_request()

    assert many == few
