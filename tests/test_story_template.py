"""The story page's templates are Jinja2's (templates/jinja2/, newsroom/jinja.py) while every
other page's are Django's: the page must still escape everything a person typed, wear the same
chrome as the rest of the site, and fail loudly on a name its templates get wrong."""

import re

import pytest
from django.template import engines
from django.utils import timezone
from django.utils.html import escape as django_escape
from jinja2 import UndefinedError

from articles.models import (
    Author,
    Byline,
    CommentRequest,
    CorrectionKind,
    Placement,
    ReplyStatus,
    StorySource,
    Tag,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

HOSTILE = "<script>alert(1)</script>\"'&"
# As Jinja2 escapes it, and as Django's filters (linebreaks) do.
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&amp;", django_escape(HOSTILE))


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_field_a_person_types_is_escaped_on_the_story_page(
    client, make_article, make_correction, section
):
    section.name = f"News {HOSTILE}"
    section.save()
    article = make_article(
        headline=f"Headline {HOSTILE}",
        standfirst=f"Standfirst {HOSTILE}",
        seo_title=f"Title {HOSTILE}",
        seo_description=f"Description {HOSTILE}",
        body=f'<p>Cited <a href="#source-1">here</a>.</p><p>{HOSTILE.replace("<", "&lt;")}</p>',
    )
    writer = Author.objects.create(name=f"Writer {HOSTILE}", slug="writer")
    Byline.objects.create(article=article, author=writer, position=1, role="photography")
    tag = Tag.objects.create(name=f"Tag {HOSTILE}", slug="tag")
    article.tags.add(tag)
    make_correction(article, text=f"Correction {HOSTILE}")
    make_correction(article, kind=CorrectionKind.UPDATE, placement=Placement.TOP, text=HOSTILE)
    StorySource.objects.create(
        article=article,
        title=f"Source {HOSTILE}",
        publisher=f"Publisher {HOSTILE}",
        url="https://example.org/?a=1&b=2",
        position=1,
    )
    CommentRequest.objects.create(
        article=article,
        person_name=f"Person {HOSTILE}",
        status=ReplyStatus.DECLINED,
        asked_at=timezone.now(),
    )

    html = page(client, article.get_absolute_url())

    assert "<script>alert" not in html
    for text in ["Headline", "Standfirst", "Title", "Description", "Writer", "Tag", "News"]:
        assert any(f"{text} {escaped}" in html for escaped in ESCAPED), text
    for text in ["Correction", "Source", "Publisher", "Person"]:
        assert any(f"{text} {escaped}" in html for escaped in ESCAPED), text
    assert 'href="https://example.org/?a=1&amp;b=2"' in html
    assert "</a> (photography)</p>" in html  # the second byline, its role after the name


def chrome(html):
    """A page minus what is its own: its <title>, description and <meta> block, and <main>."""
    body = re.sub(r"<main .*?</main>", "", html.split("<body>", 1)[1], flags=re.S)
    head = html.split("</head>", 1)[0]
    links = re.findall(r'<link rel="(?:stylesheet|icon|manifest|search|preload)[^>]*>', head)
    return links, body


def test_the_story_page_wears_the_same_chrome_as_the_django_pages(client, make_article, author):
    article = make_article()  # neither page is in the navigation, so neither is marked there
    story_links, story_body = chrome(page(client, article.get_absolute_url()))
    list_links, list_body = chrome(page(client, author.get_absolute_url()))
    assert story_links, "no stylesheet links found"
    assert story_links == list_links
    assert story_body == list_body
    assert '<nav class="sections"' in story_body
    assert 'class="site-footer"' in story_body


def test_a_name_the_story_templates_get_wrong_is_an_error_not_an_empty_string():
    jinja = engines["jinja2"]
    with pytest.raises(UndefinedError):
        jinja.from_string("<p>{{ article.headlin }}</p>").render({"article": object()})
    assert jinja.from_string("{{ x }}").render({"x": "<b>"}) == "&lt;b&gt;"
