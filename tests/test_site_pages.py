"""The reader site's pages: lists, the story page, staff preview, old addresses, search."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.flatpages.models import FlatPage
from django.core.files.base import ContentFile
from django.db import connection
from django.template import Context, engines
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import images
from articles.models import (
    Author,
    Byline,
    BylineRole,
    CorrectionKind,
    Placement,
    Section,
    SlugRedirect,
    Status,
    Tag,
)

from .corpora import corpus_lines


def html(response):
    return response.content.decode()


def ok_html(response):
    """The page, once it is known to be one: "not in the page" holds for any error page too."""
    assert response.status_code == 200, response.status_code
    return html(response)


# Lists


def test_home_shows_the_lead_story_and_latest_stories_by_section(client, make_article):
    crime = Section.objects.create(name="Crime", slug="crime", position=2)
    make_article(headline="Older news story", published_at=timezone.now() - timedelta(days=2))
    make_article(headline="Burglaries fall", section=crime)
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    assert page.count("<h1") == 1
    assert '<h2 class="lead-headline"><a href="/news/story-2/">Burglaries fall</a>' in page
    assert 'id="section-crime"' in page and 'id="section-news"' in page
    assert "Older news story" in page


def test_every_list_page_answers(client, make_article, author, section):
    tag = Tag.objects.create(name="Cambridgeshire Constabulary", slug="cambs-police")
    make_article().tags.add(tag)
    for url in ["/", "/section/news/", "/tag/cambs-police/", "/author/stephen-briggs/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Force told to improve" in html(response), url


@pytest.mark.parametrize("url", ["/section/nope/", "/tag/nope/", "/author/nope/", "/news/nope/"])
def test_unknown_addresses_are_404_in_the_site_style(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in html(response)


def test_lists_hide_drafts_and_scheduled_stories(client, make_article):
    make_article(headline="Live story")
    make_article(headline="Draft story", status=Status.DRAFT)
    make_article(headline="Embargoed story", published_at=timezone.now() + timedelta(hours=2))
    for url in ["/", "/section/news/", "/author/stephen-briggs/", "/feeds/latest.rss"]:
        page = ok_html(client.get(url))
        assert "Live story" in page
        assert "Draft story" not in page and "Embargoed story" not in page


def test_author_page_shows_photo_details_stories_and_correction_count(
    client, make_article, make_correction, author
):
    author.bio = "Covers policing in Peterborough."
    author.save()
    story = make_article()
    make_correction(story)
    make_correction(story, kind=CorrectionKind.CLARIFICATION)
    make_correction(story, kind=CorrectionKind.UPDATE)  # routine updates are not counted
    make_correction(make_article(status=Status.DRAFT))  # nor corrections on unpublished stories
    page = html(client.get("/author/stephen-briggs/"))
    assert "<h1>Stephen Briggs</h1>" in page
    assert "Reporter" in page and "Covers policing in Peterborough." in page
    assert "Corrections on Stephen Briggs’s stories: <strong>2</strong>" in page


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1e3", "999", "99999999999999999999999"])
def test_bad_page_numbers_are_a_plain_404(client, make_article, page):
    make_article()
    for url in ["/", "/section/news/", "/author/stephen-briggs/", "/corrections/"]:
        assert client.get(url, {"page": page}).status_code == 404, url


def test_pagination_links_pages_together(client, make_article):
    for number in range(25):
        make_article(headline=f"Story {number}")
    first = html(client.get("/section/news/"))
    assert 'rel="next" href="?page=2"' in first
    second = client.get("/section/news/", {"page": 2})
    assert second.status_code == 200
    assert 'rel="prev" href="?page=1"' in html(second)
    assert len(second.context["page"]) == 5
    assert '<link rel="canonical" href="http://127.0.0.1:8000/section/news/?page=2">' in html(
        second
    )


# The story page


def test_story_page_shows_headline_standfirst_byline_roles_and_times(
    client, make_article, author, settings
):
    settings.SITE_URL = "https://news.example.org"
    data = Author.objects.create(name="Dana Moss", slug="dana-moss")
    story = make_article(
        published_at=datetime(2022, 6, 21, 4, 0, tzinfo=UTC),  # 5:00am BST
        updated_at=datetime(2022, 6, 21, 11, 24, tzinfo=UTC),
        body="<p>Body text.</p><h2>Subheading</h2>",
    )
    Byline.objects.create(article=story, author=data, role=BylineRole.DATA, position=1)
    page = html(client.get(story.get_absolute_url()))
    assert page.count("<h1") == 1
    assert "<h1>Force told to improve</h1>" in page
    assert '<p class="standfirst">Inspectors found gaps' in page
    assert (
        'By <a href="/author/stephen-briggs/">Stephen Briggs</a> and '
        '<a href="/author/dana-moss/">Dana Moss</a> (data)'
    ) in page
    assert (
        'Published <time datetime="2022-06-21T05:00:00+01:00">21 June 2022, 5:00am BST</time>; '
        'updated <time datetime="2022-06-21T12:24:00+01:00">12:24pm BST</time>'
    ) in page
    assert "<h2>Subheading</h2>" in page
    assert '<link rel="canonical" href="https://news.example.org/news/story-1/">' in page


def test_an_update_on_a_later_day_shows_its_date(client, make_article):
    story = make_article(
        published_at=datetime(2022, 6, 21, 4, 0, tzinfo=UTC),
        updated_at=datetime(2022, 6, 23, 8, 5, tzinfo=UTC),
    )
    page = html(client.get(story.get_absolute_url()))
    assert (
        'updated <time datetime="2022-06-23T09:05:00+01:00">23 June 2022, 9:05am BST</time>' in page
    )


def test_winter_times_are_gmt(client, make_article):
    story = make_article(published_at=datetime(2022, 12, 1, 17, 30, tzinfo=UTC))
    page = html(client.get(story.get_absolute_url()))
    assert '<time datetime="2022-12-01T17:30:00+00:00">1 December 2022, 5:30pm GMT</time>' in page


def test_story_page_shows_corrections_in_their_placement(client, make_article, make_correction):
    story = make_article(body="<p>THE BODY</p>")
    top = make_correction(story, kind=CorrectionKind.RETRACTION, text="We withdraw this claim.")
    foot = make_correction(story, text="The meeting was on Tuesday.")
    moved = make_correction(story, text="Moved to the top.", placement=Placement.TOP)
    future = make_correction(story, published_at=timezone.now() + timedelta(days=1), text="Later")
    page = ok_html(client.get(story.get_absolute_url()))
    body = page.index("THE BODY")
    assert page.index(f'id="correction-{top.pk}"') < body
    assert page.index(f'id="correction-{moved.pk}"') < body
    assert page.index(f'id="correction-{foot.pk}"') > body
    assert "<strong>Retraction</strong>" in page and "<strong>Correction</strong>" in page
    assert f'id="correction-{future.pk}"' not in page
    assert 'href="/corrections/"' in page


def test_story_page_shows_tags_and_related_published_stories_only(client, make_article):
    other = Section.objects.create(name="Politics", slug="politics")
    tag = Tag.objects.create(name="Policing", slug="policing")
    story = make_article()
    story.tags.add(tag)
    make_article(headline="Same section story")
    make_article(headline="Shared tag story", section=other).tags.add(tag)
    make_article(headline="Unrelated story", section=other)
    make_article(headline="Draft related story", status=Status.DRAFT)
    page = ok_html(client.get(story.get_absolute_url()))
    assert '<a href="/tag/policing/">Policing</a>' in page
    related = page[page.index('id="related-heading"') :]
    assert "Same section story" in related and "Shared tag story" in related
    assert "Unrelated story" not in related and "Draft related story" not in related


def test_story_page_includes_a_grades_panel_for_each_report(client, make_article, make_report):
    story = make_article()
    story.reports.add(make_report(), make_report(organisation="Norfolk Constabulary"))
    page = html(client.get(story.get_absolute_url()))
    assert "Cambridgeshire Constabulary" in page and "Norfolk Constabulary" in page
    assert "Area 9" in page


def test_story_page_needs_no_script_for_any_content(client, make_article, make_report):
    story = make_article()
    story.reports.add(make_report())
    page = html(client.get(story.get_absolute_url()))
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script type="application/ld+json">']
    assert " style=" not in page and "<style" not in page
    assert not re.search(r"\son[a-z]+=", page)
    assert 'rel="stylesheet" href="/static/css/site.css"' in page


# Committed writes: the page cache moves on commit, as in production.
@pytest.mark.django_db(transaction=True)
def test_hero_image_has_a_responsive_srcset_caption_credit_and_alt(
    client, make_article, settings, tmp_path
):
    buffer = io.BytesIO()
    Image.new("RGB", (1800, 1000), "#345").save(buffer, "JPEG")
    story = make_article(
        hero_alt="Police headquarters in Huntingdon",
        hero_caption="The force headquarters.",
        hero_credit="Jo Bloggs",
    )
    story.hero_image.save("hq.jpg", ContentFile(buffer.getvalue()))
    assert images.wait_for_renditions()  # made after the commit, on a background thread
    page = html(client.get(story.get_absolute_url()))
    img = re.search(r'<figure class="hero">\s*<img ([^>]+)>', page).group(1)
    assert re.search(r'srcset="\S+\.webp 480w, \S+\.webp 960w, \S+\.webp 1600w"', img)
    assert 'alt="Police headquarters in Huntingdon"' in img
    assert "The force headquarters." in page and "Picture: Jo Bloggs" in page
    story.hero_is_decorative = True
    story.save()
    page = html(client.get(story.get_absolute_url()))
    assert 'alt=""' in re.search(r'<figure class="hero">\s*<img ([^>]+)>', page).group(1)


# Staff preview


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT},
        {"status": Status.IN_REVIEW},
        {"status": Status.UNPUBLISHED},
        {"published_at": timezone.now() + timedelta(days=3)},
    ],
)
def test_staff_preview_unpublished_stories_with_a_banner_and_never_cached(
    client, role_client, make_article, fields
):
    story = make_article(**fields)
    assert client.get(story.get_absolute_url()).status_code == 404
    staff = role_client("Editor")
    response = staff.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "Not published." in html(response)
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in html(response)


def test_staff_see_published_stories_without_a_banner(role_client, make_article):
    response = role_client("Editor").get(make_article(headline="A live story").get_absolute_url())
    page = ok_html(response)
    assert "<h1>A live story</h1>" in page
    assert "Not published." not in page


def test_a_scheduled_story_goes_live_at_its_publish_time(client, make_article):
    at = timezone.now() + timedelta(hours=6)
    story = make_article(published_at=at)
    with time_machine.travel(at - timedelta(minutes=1)):
        assert client.get(story.get_absolute_url()).status_code == 404
        assert "Force told to improve" not in ok_html(client.get("/"))
    with time_machine.travel(at + timedelta(minutes=1)):
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        assert "Not published." not in html(response)
        assert "Force told to improve" in html(client.get("/"))


def test_scheduled_story_preview_says_when_it_goes_live(role_client, make_article):
    story = make_article(published_at=datetime(2030, 1, 2, 7, 0, tzinfo=UTC))
    page = html(role_client("Editor").get(story.get_absolute_url()))
    assert "Scheduled for 2 January 2030, 7:00am GMT." in page


# Old addresses


def test_an_old_slug_redirects_permanently_to_the_story(client, make_article):
    story = make_article(slug="new-slug")
    SlugRedirect.objects.create(old_slug="old-slug", article=story)
    response = client.get("/news/old-slug/")
    assert response.status_code == 301
    assert response["Location"] == "/news/new-slug/"


def test_an_old_slug_of_an_unpublished_story_is_404_except_for_staff(
    client, role_client, make_article
):
    story = make_article(slug="new-slug", status=Status.DRAFT)
    SlugRedirect.objects.create(old_slug="old-slug", article=story)
    assert client.get("/news/old-slug/").status_code == 404
    assert role_client("Editor").get("/news/old-slug/").status_code == 301


# Search


@pytest.mark.parametrize("query", ["", "   ", "\x00", "a" * 201])
def test_empty_or_too_long_searches_get_a_plain_page(client, db, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    if len(query) > 200:
        assert "That search is too long" in html(response)


def test_search_finds_only_public_stories_ranked_and_paginated(client, make_article):
    make_article(
        headline="Inspectors criticise response times",
        standfirst="",
        published_at=timezone.now() - timedelta(days=2),
    )
    make_article(headline="Council budget", standfirst="", body="<p>Inspectors also visited.</p>")
    make_article(headline="Inspectors draft story", status=Status.DRAFT)
    make_article(headline="Inspectors embargo", published_at=timezone.now() + timedelta(hours=1))
    response = client.get("/search/", {"q": "inspectors"})
    assert response.status_code == 200
    headlines = [article.headline for article in response.context["page"]]
    if connection.vendor == "postgresql":  # ranked: a headline match beats a newer body match
        assert headlines[0] == "Inspectors criticise response times"
    assert set(headlines) == {"Inspectors criticise response times", "Council budget"}
    assert "2 results for “inspectors”" in html(response)


def test_search_results_paginate_and_keep_the_query(client, make_article):
    for number in range(22):
        make_article(headline=f"Police story {number}")
    response = client.get("/search/", {"q": "police & thieves"})
    page = html(client.get("/search/", {"q": "police"}))
    assert response.status_code == 200
    assert 'href="?q=police&amp;page=2"' in page
    assert client.get("/search/", {"q": "police", "page": 2}).status_code == 200
    assert client.get("/search/", {"q": "police", "page": 3}).status_code == 404


def test_hostile_searches_give_a_plain_page_with_the_query_escaped(client, make_article):
    make_article()
    payloads = corpus_lines("xss", "xss_payloads_quick.txt")
    payloads += ["' OR 1=1 --", '"; DROP TABLE articles_article; --', "!!:* & | <-> ()", "%_%"]
    assert len(payloads) > 10
    for payload in payloads:
        response = client.get("/search/", {"q": payload})
        assert response.status_code == 200, payload
        page = html(response)
        assert "<script>alert" not in page.lower(), payload
        assert re.findall(r"<script[^>]*>", page) == [], payload


# Editable pages, 404 and 500


def test_the_corrections_policy_is_an_editable_flatpage(client, corrections_policy):
    response = client.get("/about/corrections-policy/")
    assert response.status_code == 200
    assert "<h1>Corrections policy</h1>" in html(response)
    assert "We correct significant mistakes promptly." in html(response)
    assert client.get("/about/nothing-here/").status_code == 404


def test_flatpage_html_is_sanitised_like_story_bodies(client, corrections_policy):
    FlatPage.objects.filter(pk=corrections_policy.pk).update(
        content='<p onclick="alert(1)">Policy <a href="javascript:alert(1)">link</a></p>'
        "<script>alert(2)</script><h2>Kept</h2>"
    )
    page = ok_html(client.get("/about/corrections-policy/"))
    assert "onclick" not in page
    assert "javascript:" not in page
    assert "alert(2)" not in page
    assert "<h2>Kept</h2>" in page


def test_a_flatpage_for_staff_only_asks_for_a_login(client, corrections_policy):
    FlatPage.objects.filter(pk=corrections_policy.pk).update(registration_required=True)
    assert client.get("/about/corrections-policy/").status_code == 302


def test_footer_links_to_the_corrections_policy_and_page(client, db):
    page = html(client.get("/"))
    assert 'href="/about/corrections-policy/"' in page and 'href="/corrections/"' in page
    assert '<a class="skip-link" href="#content">' in page and '<main id="content"' in page
    assert '<html lang="en-GB">' in page


def test_navigation_lists_the_sections_in_order(client, db):
    Section.objects.create(name="Politics", slug="politics", position=2)
    Section.objects.create(name="Crime", slug="crime", position=1)
    page = html(client.get("/"))
    assert page.index('href="/section/crime/"') < page.index('href="/section/politics/"')


def test_the_500_page_renders_without_a_request_or_queries(django_assert_num_queries, db):
    template = engines["django"].engine.get_template("500.html")
    with django_assert_num_queries(0):
        page = template.render(Context({}))
    assert "Something went wrong" in page and 'href="/static/css/site.css"' in page


def test_a_server_error_shows_the_500_page(client, db, monkeypatch):
    from articles import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "counted_page", broken)
    client.raise_request_exception = False
    response = client.get(reverse("articles:home"))
    assert response.status_code == 500
    assert "Something went wrong" in html(response)


# Committed writes: the page cache moves on commit, as in production.
@pytest.mark.django_db(transaction=True)
def test_an_editors_pinned_story_leads_the_home_page(client, make_article):
    pinned = make_article(headline="The inspection story", is_lead=True)
    make_article(headline="A newer story", published_at=timezone.now() - timedelta(minutes=5))
    page = html(client.get(reverse("articles:home")))
    lead = page.index('class="lead-story"')
    assert page.index("The inspection story") > lead
    assert page.index("The inspection story") < page.index("A newer story")
    assert page.count("The inspection story") == page.count("A newer story")
    pinned.status = "unpublished"
    pinned.save()
    page = html(client.get(reverse("articles:home")))
    assert page.index("A newer story") > page.index('class="lead-story"')
    assert "The inspection story" not in page


def test_inspections_pages_share_the_site_navigation_and_canonical_address(
    client, make_report, section
):
    report = make_report()
    page = html(client.get(report.get_absolute_url()))
    assert f'href="{section.get_absolute_url()}"' in page
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{report.get_absolute_url()}">' in page
