"""Metadata for search engines and social posts: canonical URLs, Open Graph, JSON-LD."""

import io
import re
from datetime import UTC, datetime

import extruct
import pytest
from django.core.files.base import ContentFile
from PIL import Image

from articles import images
from articles.models import Author, Byline, BylineRole, CorrectionKind, Tag

SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    settings.PUBLISHER_NAME = "The Fenland Courier"


def json_ld(response):
    items = extruct.extract(
        response.content.decode(), base_url=SITE, syntaxes=["json-ld"], uniform=True
    )["json-ld"]
    assert len(items) == 1
    return items[0]


def meta(page, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    return match and match.group(1)


@pytest.fixture
def seed_story(make_article, make_report, make_correction, author):
    author.job_title = "Crime reporter"
    author.save()
    story = make_article(
        headline="Police told to improve",
        standfirst="Victims may not always get the service they deserve.",
        slug="police-told-to-improve",
        published_at=datetime(2022, 6, 21, 4, 0, tzinfo=UTC),
        updated_at=datetime(2022, 6, 21, 11, 24, tzinfo=UTC),
    )
    second = Author.objects.create(name="Amira Khan", slug="amira-khan")
    Byline.objects.create(article=story, author=second, position=1, role=BylineRole.DATA)
    story.tags.add(Tag.objects.create(name="Policing", slug="policing"))
    story.reports.add(make_report(url="https://example.org/peel-report.pdf"))
    make_correction(
        story,
        kind=CorrectionKind.UPDATE,
        text="The chief constable's response was added.",
        published_at=datetime(2022, 6, 21, 11, 24, tzinfo=UTC),
    )
    make_correction(
        story,
        kind=CorrectionKind.CLARIFICATION,
        text="The report covers the year to March 2022.",
        published_at=datetime(2022, 6, 22, 9, 0, tzinfo=UTC),
    )
    return story


def test_story_json_ld_is_a_full_news_article(client, seed_story):
    data = json_ld(client.get(seed_story.get_absolute_url()))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Police told to improve"
    assert data["description"] == "Victims may not always get the service they deserve."
    assert data["datePublished"] == "2022-06-21T05:00:00+01:00"
    assert data["dateModified"] == "2022-06-21T12:24:00+01:00"
    assert data["mainEntityOfPage"] == f"{SITE}/news/police-told-to-improve/"
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Stephen Briggs",
            "url": f"{SITE}/author/stephen-briggs/",
            "jobTitle": "Crime reporter",
        },
        {"@type": "Person", "name": "Amira Khan", "url": f"{SITE}/author/amira-khan/"},
    ]
    publisher = data["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization"
    assert publisher["name"] == "The Fenland Courier"
    assert publisher["logo"]["url"] == f"{SITE}/static/img/logo.png"
    assert publisher["correctionsPolicy"] == f"{SITE}/about/corrections-policy/"
    organisation, report = data["about"]
    assert organisation["name"] == "Cambridgeshire Constabulary"
    assert organisation["url"] == f"{SITE}/inspections/organisations/cambridgeshire-constabulary/"
    assert report["@type"] == "Report"
    assert report["name"] == "PEEL 2021/22: Cambridgeshire Constabulary"
    assert report["url"].startswith(f"{SITE}/inspections/reports/")
    assert report["sameAs"] == "https://example.org/peel-report.pdf"
    assert report["publisher"]["name"].startswith("HM Inspectorate of Constabulary")
    assert data["keywords"] == ["Policing"]


def test_story_json_ld_lists_public_corrections_but_not_routine_updates(client, seed_story):
    data = json_ld(client.get(seed_story.get_absolute_url()))
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The report covers the year to March 2022.",
            "datePublished": "2022-06-22T10:00:00+01:00",
            "url": data["correction"][0]["url"],
        }
    ]
    assert data["correction"][0]["url"].startswith(
        f"{SITE}/news/police-told-to-improve/#correction-"
    )


def test_story_json_ld_carries_the_hero_image(
    client, make_article, django_capture_on_commit_callbacks
):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), "#456").save(buffer, "JPEG")
    story = make_article(hero_alt="A police car")
    with django_capture_on_commit_callbacks(execute=True):  # renditions are made after commit
        story.hero_image.save("car.jpg", ContentFile(buffer.getvalue()))
    assert images.wait_for_renditions()
    response = client.get(story.get_absolute_url())
    image = json_ld(response)["image"][0]
    assert image.startswith(f"{SITE}/media/") and image.endswith(".webp")
    page = response.content.decode()
    assert meta(page, "property", "og:image") == image
    assert meta(page, "name", "twitter:card") == "summary_large_image"
    assert meta(page, "property", "og:image:alt") == "A police car"


def test_a_headline_cannot_break_out_of_the_json_ld_block(client, make_article):
    headline = '</script><script>alert("x")</script> & <!-- "quotes"'
    story = make_article(headline=headline, standfirst="</SCRIPT>")
    page = client.get(story.get_absolute_url()).content.decode()
    assert page.count("<script") == 1
    assert page.lower().count("</script>") == 1
    data = json_ld(client.get(story.get_absolute_url()))
    assert data["headline"] == headline
    assert data["description"] == "</SCRIPT>"


def test_story_page_has_canonical_title_description_and_social_tags(client, seed_story):
    page = client.get(seed_story.get_absolute_url()).content.decode()
    url = f"{SITE}/news/police-told-to-improve/"
    assert f'<link rel="canonical" href="{url}">' in page
    assert "<title>Police told to improve | The Fenland Courier</title>" in page
    description = "Victims may not always get the service they deserve."
    assert meta(page, "name", "description") == description
    assert meta(page, "property", "og:title") == "Police told to improve"
    assert meta(page, "property", "og:description") == description
    assert meta(page, "property", "og:url") == url
    assert meta(page, "property", "og:type") == "article"
    assert meta(page, "name", "twitter:card") == "summary"
    assert meta(page, "property", "article:published_time") == "2022-06-21T05:00:00+01:00"


def test_seo_title_and_description_win_when_set(client, make_article):
    story = make_article(seo_title="Short title", seo_description="Short description.")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<title>Short title | The Fenland Courier</title>" in page
    assert meta(page, "name", "description") == "Short description."
    assert json_ld(client.get(story.get_absolute_url()))["description"] == "Short description."


def test_home_page_names_the_publisher_and_its_corrections_policy(client, make_article):
    make_article()
    response = client.get("/")
    data = json_ld(response)
    assert data["@type"] == "NewsMediaOrganization"
    assert data["correctionsPolicy"] == f"{SITE}/about/corrections-policy/"
    assert data["logo"]["url"] == f"{SITE}/static/img/logo.png"
    assert f'<link rel="canonical" href="{SITE}/">' in response.content.decode()


@pytest.mark.parametrize(
    ("url", "feeds"),
    [
        ("/", ["/feeds/latest.rss", "/feeds/latest.atom"]),
        ("/section/news/", ["/feeds/section/news.rss", "/feeds/section/news.atom"]),
        ("/author/stephen-briggs/", ["/feeds/author/stephen-briggs.atom"]),
        ("/tag/policing/", ["/feeds/tag/policing.rss", "/feeds/tag/policing.atom"]),
        ("/corrections/", ["/feeds/corrections.rss", "/feeds/corrections.atom"]),
    ],
)
def test_pages_advertise_their_feeds(client, make_article, url, feeds):
    make_article().tags.add(Tag.objects.create(name="Policing", slug="policing"))
    page = client.get(url).content.decode()
    for feed in feeds:
        assert re.search(
            rf'<link rel="alternate" type="application/\w+\+xml"[^>]+href="{feed}"', page
        )
