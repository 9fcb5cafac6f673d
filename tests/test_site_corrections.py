"""The public side of corrections: the corrections page and the feeds."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone
from lxml import html as lxml_html

from articles.models import CorrectionKind, Section, Status


def test_corrections_page_lists_public_corrections_newest_first(
    client, make_article, make_correction
):
    story = make_article(headline="Council budget story")
    older = make_correction(
        story, text="Wrong year.", published_at=timezone.now() - timedelta(days=2)
    )
    newer = make_correction(story, kind=CorrectionKind.CLARIFICATION, text="Which council.")
    make_correction(story, kind=CorrectionKind.UPDATE, text="Routine update.")
    make_correction(make_article(status=Status.DRAFT), text="On a draft.")
    make_correction(story, text="Not yet.", published_at=timezone.now() + timedelta(hours=1))
    response = client.get("/corrections/")
    assert response.status_code == 200
    assert list(response.context["page"]) == [newer, older]
    page = response.content.decode()
    assert page.index("Which council.") < page.index("Wrong year.")
    assert f'href="/news/{story.slug}/#correction-{newer.pk}">Council budget story</a>' in page
    assert "<strong>Clarification</strong>" in page
    for hidden in ["Routine update.", "On a draft.", "Not yet."]:
        assert hidden not in page


def test_corrections_page_filters_by_section(client, make_article, make_correction):
    crime = Section.objects.create(name="Crime", slug="crime")
    make_correction(make_article(), text="News correction.")
    make_correction(make_article(section=crime), text="Crime correction.")
    response = client.get("/corrections/", {"section": "crime"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Crime correction." in page and "News correction." not in page
    assert '<option value="crime" selected>' in page
    assert client.get("/corrections/", {"section": "nope"}).status_code == 404


def test_corrections_page_paginates_and_keeps_the_filter(client, make_article, make_correction):
    story = make_article()
    for number in range(21):
        make_correction(story, text=f"Correction {number}.")
    first = client.get("/corrections/", {"section": "news"}).content.decode()
    assert 'href="?section=news&amp;page=2"' in first
    assert len(client.get("/corrections/", {"page": 2}).context["page"]) == 1


def test_corrections_page_links_to_the_policy(client, db):
    response = client.get("/corrections/")
    assert response.status_code == 200
    # In the page's own text: the footer of every page links the policy too.
    main = lxml_html.fromstring(response.content).xpath("//main")
    assert main[0].xpath(".//a[@href='/about/corrections-policy/']")


@pytest.mark.parametrize("url", ["/feeds/corrections.rss", "/feeds/corrections.atom"])
def test_corrections_feeds_list_every_public_correction(
    client, make_article, make_correction, settings, url
):
    settings.SITE_URL = "https://news.example.org"
    story = make_article(headline="Council budget story")
    corrections = [
        make_correction(story, kind=kind, text=f"{kind} text")
        for kind in [
            CorrectionKind.CORRECTION,
            CorrectionKind.CLARIFICATION,
            CorrectionKind.EDITORS_NOTE,
            CorrectionKind.RETRACTION,
        ]
    ]
    make_correction(story, kind=CorrectionKind.UPDATE, text="update text")
    make_correction(make_article(status=Status.DRAFT), text="draft text")
    feed = feedparser.parse(client.get(url).content)
    assert not feed.bozo, feed.bozo_exception
    links = {entry.link for entry in feed.entries}
    assert links == {
        f"https://news.example.org/news/{story.slug}/#correction-{c.pk}" for c in corrections
    }
    assert "Clarification: Council budget story" in {entry.title for entry in feed.entries}
    assert feed.feed.link == "https://news.example.org/corrections/"


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/latest.rss",
        "/feeds/latest.atom",
        "/feeds/section/news.rss",
        "/feeds/section/news.atom",
        "/feeds/author/stephen-briggs.rss",
        "/feeds/author/stephen-briggs.atom",
        "/feeds/tag/policing.rss",
        "/feeds/tag/policing.atom",
    ],
)
def test_story_feeds_parse_and_list_only_public_stories(client, make_article, settings, url):
    from articles.models import Tag

    settings.SITE_URL = "https://news.example.org"
    tag = Tag.objects.create(name="Policing", slug="policing")
    make_article(headline="Live story", slug="live").tags.add(tag)
    make_article(headline="Draft story", status=Status.DRAFT).tags.add(tag)
    make_article(headline="Scheduled", published_at=timezone.now() + timedelta(days=1)).tags.add(
        tag
    )
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == ["Live story"]
    entry = feed.entries[0]
    assert entry.link == "https://news.example.org/news/live/"
    assert entry.author == "Stephen Briggs"
    assert feed.feed.link.startswith("https://news.example.org/")


@pytest.mark.parametrize(
    "url", ["/feeds/section/nope.rss", "/feeds/author/nope.atom", "/feeds/tag/nope.rss"]
)
def test_feeds_of_unknown_things_are_404(client, db, url):
    assert client.get(url).status_code == 404
