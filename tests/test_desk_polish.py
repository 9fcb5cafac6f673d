"""A desk that is pleasant for a long story (issue 10): the server-side half of each item.

What needs a browser (live counts, the editor's buttons, pasting, byline buttons, the prepopulated
slug, the layout and axe) is in tests/test_desk_polish_browser.py.
"""

import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime

import lxml.html
import pytest
import reversion
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.views.defaults import permission_denied

from articles.forms import slug_from
from articles.models import Article, Author, Byline, Status

from .desk_fixtures import change_url, form_data, login, png_bytes

ADD_URL = "/admin/articles/article/add/"


def page(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def add_data(section):
    """The add form as a browser would submit it, with a section chosen."""

    def make(client, **changes):
        data = form_data(client.get(ADD_URL))
        data |= {"headline": "Fire service told to improve", "slug": "fire-service-told"}
        data |= {"section": str(section.pk), "status": Status.DRAFT, "_save": "Save"}
        return {name: value for name, value in (data | changes).items() if value is not None}

    return make


# Headline and standfirst: full width, with their limits in words and for the live counter.


def test_headline_standfirst_and_search_fields_say_their_limits_without_javascript(role_client):
    html = page(role_client("Editor").get(ADD_URL))
    standfirst = html.get_element_by_id("id_standfirst")
    assert standfirst.tag == "textarea"
    limits = {
        name: html.get_element_by_id(f"id_{name}").get("data-search-limit")
        for name in ("headline", "standfirst", "seo_title", "seo_description")
    }
    assert limits == {
        "headline": "70",
        "standfirst": "160",
        "seo_title": "70",
        "seo_description": "160",
    }
    helps = {
        name: html.get_element_by_id(f"id_{name}_helptext").text_content()
        for name in ("headline", "seo_title", "seo_description")
    }
    assert "up to 70" in helps["headline"]
    assert "Up to 70 characters" in helps["seo_title"]
    assert "Up to 160 characters" in helps["seo_description"]


# Save buttons at top and bottom; an error summary that links to each field in error.


def test_the_story_form_has_save_buttons_at_the_top_and_the_bottom(role_client):
    html = page(role_client("Editor").get(ADD_URL))
    assert len(html.xpath("//input[@name='_save']")) == 2


def test_an_error_summary_at_the_top_links_to_each_field_in_error(role_client, add_data):
    client = role_client("Editor")
    response = client.post(ADD_URL, add_data(client, headline="", slug="", seo_title="x" * 71))
    html = page(response)
    summary = html.get_element_by_id("desk-error-summary")
    links = {a.get("href"): a.text_content() for a in summary.xpath(".//a")}
    assert "#id_headline" in links and "Headline" in links["#id_headline"]
    assert "#id_seo_title" in links and "70 characters" in links["#id_seo_title"]
    for anchor in links:
        assert html.get_element_by_id(anchor[1:]) is not None  # each link has a target
    # It comes before the first fieldset.
    source = response.content.decode()
    assert source.index('id="desk-error-summary"') < source.index('class="module aligned')


def test_only_a_form_without_errors_lets_django_focus_its_first_control(role_client, add_data):
    # Django's change_form.js (async) focuses an add form's first control when the page names
    # its model; with errors the summary keeps the focus desk-polish.js gives it.
    client = role_client("Editor")
    fresh = client.get(ADD_URL)
    assert fresh.status_code == 200
    constants = page(fresh).get_element_by_id("django-admin-form-add-constants")
    assert constants.get("data-model-name") == "article"
    refused = client.post(ADD_URL, add_data(client, headline="", slug=""))
    assert refused.status_code == 200
    html = page(refused)
    assert html.get_element_by_id("desk-error-summary") is not None
    assert html.get_element_by_id("django-admin-form-add-constants").get("data-model-name") is None


def test_a_valid_form_shows_no_error_summary(role_client):
    response = role_client("Editor").get(ADD_URL)
    assert response.status_code == 200
    assert b"desk-error-summary" not in response.content


# Bylines: near the top, numbered in order; a reporter's new story carries their byline.


def test_bylines_come_between_the_headline_and_the_body(role_client):
    source = role_client("Editor").get(ADD_URL).content.decode()
    assert source.index("field-standfirst") < source.index('id="bylines-group"')
    assert source.index('id="bylines-group"') < source.index("field-body")
    assert source.count('id="bylines-group"') == 1


def test_new_byline_rows_take_the_next_position_never_all_zero(role_client, story, author):
    article = story(status=Status.DRAFT)
    second = Author.objects.create(name="Amira Khan", slug="amira-khan")
    third = Author.objects.create(name="Owen Marsh", slug="owen-marsh")
    Byline.objects.filter(article=article).update(position=0)  # as rows were saved before
    client = role_client("Editor")
    data = form_data(client.get(change_url(article)))
    data |= {
        "bylines-TOTAL_FORMS": "3",
        "bylines-1-author": str(second.pk),
        "bylines-1-role": "reporter",
        "bylines-1-position": "0",
        "bylines-2-author": str(third.pk),
        "bylines-2-role": "reporter",
        "bylines-2-position": "0",
        "_save": "Save",
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    bylines = list(article.bylines.order_by("position").values_list("author__name", "position"))
    assert bylines == [(author.name, 1), ("Amira Khan", 2), ("Owen Marsh", 3)]


def test_positions_given_by_the_up_down_buttons_are_kept(role_client, story, author):
    article = story(status=Status.DRAFT)
    second = Author.objects.create(name="Amira Khan", slug="amira-khan")
    client = role_client("Editor")
    data = form_data(client.get(change_url(article)))
    data |= {
        "bylines-TOTAL_FORMS": "2",
        "bylines-0-position": "2",
        "bylines-1-author": str(second.pk),
        "bylines-1-role": "reporter",
        "bylines-1-position": "1",
        "_save": "Save",
    }
    assert client.post(change_url(article), data).status_code == 302
    names = list(article.bylines.order_by("position").values_list("author__name", flat=True))
    assert names == ["Amira Khan", author.name]


@pytest.fixture
def reporter_with_author(make_user):
    user = make_user("Reporter", username="amira")
    return user, Author.objects.create(name="Amira Khan", slug="amira-khan", user=user)


def test_a_reporter_creating_a_story_is_offered_their_own_byline(reporter_with_author, add_data):
    user, own = reporter_with_author
    client = login(user)
    html = page(client.get(ADD_URL))
    chosen = html.xpath("//select[@id='id_bylines-0-author']/option[@selected]")
    assert [option.get("value") for option in chosen] == [str(own.pk)]
    response = client.post(ADD_URL, add_data(client))
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="fire-service-told")
    assert list(article.bylines.values_list("author", "position")) == [(own.pk, 1)]


def test_a_reporter_is_bylined_even_when_the_form_sent_no_byline_rows(
    reporter_with_author, add_data
):
    user, own = reporter_with_author
    client = login(user)
    data = add_data(client) | {"bylines-TOTAL_FORMS": "0"}
    data = {name: value for name, value in data.items() if not name.startswith("bylines-0-")}
    assert client.post(ADD_URL, data).status_code == 302
    article = Article.objects.get(slug="fire-service-told")
    assert list(article.bylines.values_list("author", flat=True)) == [own.pk]


def test_an_editor_without_an_author_is_offered_no_byline_row(role_client):
    html = page(role_client("Editor").get(ADD_URL))
    assert html.get_element_by_id("id_bylines-TOTAL_FORMS").get("value") == "0"


# The rich-text editor's configuration (its behaviour is checked in the browser).


def test_the_editor_keeps_spell_check_shows_heading_buttons_and_links_do_not_grow(role_client):
    html = page(role_client("Editor").get(ADD_URL))
    config = json.loads(
        html.get_element_by_id("id_body").get("data-django-prose-editor-configurable")
    )
    extensions = config["extensions"]
    assert "NoSpellCheck" not in extensions  # the browser's spell-check stays on
    assert extensions["Link"]["autolink"] is False  # tiptap: inclusive() is autolink
    groups = extensions["Menu"]["groups"]
    block_type = next(group for group in groups if group["group"].startswith("blockType"))
    assert block_type.get("type") != "dropdown"  # H2 and H3 are buttons
    assert extensions["Heading"] == {"levels": [2, 3]}


# Dates and times: the format and UK time said; the hour the clocks go back can be entered.


def publish_time(client, article, day, time, clock=""):
    data = form_data(client.get(change_url(article)))
    data |= {
        "published_at_0": day,
        "published_at_1": time,
        "published_at_2": clock,
        "status": Status.PUBLISHED,
        "_save": "Save",
        "update_note": "",
        "minor_edit": "on",
    }
    return client.post(change_url(article), data)


def test_the_publish_time_says_its_format_and_that_it_is_uk_time(role_client, story):
    article = story(published_at=datetime(2025, 7, 1, 9, 0, tzinfo=UTC))
    html = page(role_client("Editor").get(change_url(article)))
    helptext = html.get_element_by_id("id_published_at_0_helptext").text_content()
    assert "UK time" in helptext and "DD/MM/YYYY" in helptext and "HH:MM" in helptext
    labels = [label.text_content() for label in html.xpath("//div[@class='desk-datetime']//label")]
    assert labels == ["Date (DD/MM/YYYY)", "Time (HH:MM, UK)", "UK clock"]
    assert html.get_element_by_id("id_published_at_0").get("value") == "01/07/2025"
    assert html.get_element_by_id("id_published_at_1").get("value") == "10:00"
    clock = html.xpath("//select[@id='id_published_at_2']/option[@selected]")
    assert [option.get("value") for option in clock] == ["BST"]


@pytest.mark.parametrize(("clock", "utc_hour"), [("BST", 0), ("GMT", 1)])
def test_a_time_in_the_hour_the_clocks_go_back_is_saved_as_the_editor_chose(
    role_client, story, clock, utc_hour
):
    article = story(status=Status.PUBLISHED, published_at=datetime(2025, 10, 20, 9, tzinfo=UTC))
    response = publish_time(role_client("Editor"), article, "26/10/2025", "01:30", clock)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.published_at == datetime(2025, 10, 26, utc_hour, 30, tzinfo=UTC)


def test_an_ambiguous_time_without_a_choice_asks_for_bst_or_gmt(role_client, story):
    article = story(status=Status.PUBLISHED, published_at=datetime(2025, 10, 20, 9, tzinfo=UTC))
    response = publish_time(role_client("Editor"), article, "26/10/2025", "01:30")
    html = page(response)
    errors = html.xpath(
        "//div[contains(@class, 'field-published_at')]//ul[contains(@class, 'errorlist')]"
    )[0].text_content()
    assert "happens twice" in errors and "BST" in errors and "GMT" in errors
    assert "#id_published_at_0" in [
        a.get("href") for a in html.get_element_by_id("desk-error-summary").xpath(".//a")
    ]


def test_a_time_that_never_happens_is_refused_with_the_reason(role_client, story):
    article = story(status=Status.PUBLISHED, published_at=datetime(2025, 3, 20, 9, tzinfo=UTC))
    response = publish_time(role_client("Editor"), article, "30/03/2025", "01:30", "GMT")
    errors = (
        page(response)
        .xpath("//div[contains(@class, 'field-published_at')]//ul[contains(@class, 'errorlist')]")[
            0
        ]
        .text_content()
    )
    assert "does not exist in UK time" in errors and "clocks go forward" in errors


def test_a_reporter_still_cannot_set_the_publish_time(make_user, story):
    user = make_user("Reporter")
    article = story(status=Status.DRAFT, published_at=None, created_by=user)
    client = login(user)
    data = form_data(client.get(change_url(article)))
    assert "published_at_0" not in data  # disabled: a browser sends nothing
    data |= {"published_at_0": "01/07/2030", "published_at_1": "10:00", "_save": "Save"}
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "only an editor can publish or schedule" in response.content.decode()
    article.refresh_from_db()
    assert article.published_at is None


# The search and social preview.


def test_the_form_previews_the_story_as_search_and_a_shared_card_show_it(role_client, story):
    article = story(
        headline="Police told to speed up 999 answers",
        standfirst="Inspectors gave the force a plain verdict on its control room.",
        seo_title="",
        hero_alt="The force's control room",
    )
    article.hero_image.save("control.png", io.BytesIO(png_bytes()), save=True)
    html = page(role_client("Editor").get(change_url(article)))
    preview = html.get_element_by_id("desk-preview")
    assert preview.get_element_by_id("desk-preview-title").text_content() == article.headline
    assert (
        preview.get_element_by_id("desk-preview-description").text_content() == article.standfirst
    )
    assert preview.get_element_by_id("desk-preview-url").text_content() == (
        f"{settings.SITE_URL}/news/{article.slug}/"
    )
    image = preview.get_element_by_id("desk-preview-image")
    assert image.get("src") == article.hero_image.url and image.get("alt") == article.hero_alt


def test_the_preview_uses_the_seo_fields_and_cuts_them_where_search_does(role_client, story):
    article = story(seo_title="S" * 70, seo_description="D" * 160, standfirst="Not this.")
    preview = page(role_client("Editor").get(change_url(article))).get_element_by_id("desk-preview")
    assert preview.get_element_by_id("desk-preview-title").text_content() == "S" * 70
    assert preview.get_element_by_id("desk-preview-description").text_content() == "D" * 160


# History: text, not escaped HTML; unchanged paragraphs folded; headings and lists kept.


def test_the_compare_view_shows_text_folds_paragraphs_and_keeps_headings_and_lists(
    role_client, story
):
    paragraphs = "".join(f"<p>Paragraph {n} about the inspection.</p>" for n in range(1, 6))
    article = story(
        body=f"<h2>Fire &amp; Rescue</h2>{paragraphs}<ul><li>Good</li><li>Adequate</li></ul>"
    )
    with reversion.create_revision():
        article.body = article.body.replace("Paragraph 5", "Paragraph five")
        article.save()
        reversion.add_to_revision(article)
    response = role_client("Editor").get(
        reverse("admin:articles_article_compare", args=[article.pk])
    )
    html = page(response)
    assert b"&amp;amp;" not in response.content
    body_row = next(
        row for row in html.xpath("//tr[@class='desk-changed']") if row[0].text_content() == "Body"
    )
    text = body_row.text_content()
    assert "## Fire & Rescue" in text  # the subheading, as text
    assert "• Good" in text and "• Adequate" in text
    folds = body_row.xpath(".//details/summary")
    assert [fold.text_content() for fold in folds] == [
        "5 unchanged paragraphs",
        "2 unchanged paragraphs",
    ]
    assert body_row.xpath(".//del")[0].text_content() == "5"
    assert body_row.xpath(".//ins")[0].text_content() == "five"


# The desk's name, words, favicon and forbidden page; slugs; logging.


def test_the_desk_is_named_for_the_publication(role_client):
    html = page(role_client("Editor").get("/admin/"))
    name = f"{settings.PUBLISHER_NAME} desk"
    assert html.get_element_by_id("site-name").text_content().strip() == name
    assert html.findtext(".//title").endswith(name)


def test_the_desk_says_story_where_editors_say_story(role_client):
    client = role_client("Editor")
    html = page(client.get("/admin/articles/article/"))
    assert html.findtext(".//h1") == "Select story to change"
    assert "Add story" in page(client.get(ADD_URL)).findtext(".//h1")
    assert "Stories" in page(client.get("/admin/")).text_content()


def test_desk_and_reader_pages_link_a_favicon(role_client, client, make_article):
    for response in (role_client("Editor").get("/admin/"), client.get("/")):
        icons = page(response).xpath("//link[@rel='icon']")
        assert icons and icons[0].get("href").startswith("/static/")


def test_a_forbidden_desk_page_says_why_and_links_back(make_user, story):
    article = story(status=Status.PUBLISHED)
    response = login(make_user("Reporter")).post(change_url(article), {})
    assert response.status_code == 403
    html = lxml.html.fromstring(response.content)
    text = html.text_content()
    assert "your role on the desk does not include this" in text
    assert "/admin/" in [a.get("href") for a in html.xpath("//a")]


def test_a_forbidden_page_for_a_reader_offers_sign_in(rf, db):
    request = rf.get("/admin/x/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert b"Sign in to the desk" in response.content


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("PEEL 2021/22", "peel-2021-22"),
        ("Fire & Rescue: 2023–25 report", "fire-rescue-2023-25-report"),
        ("Police’s 999 calls", "polices-999-calls"),
    ],
)
def test_slugs_keep_numbers_apart(headline, slug):
    assert slug_from(headline) == slug


def test_an_empty_slug_is_made_from_the_headline_on_the_server(role_client, add_data):
    client = role_client("Editor")
    response = client.post(ADD_URL, add_data(client, headline="PEEL 2021/22 results", slug=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Article.objects.filter(slug="peel-2021-22-results").exists()


def test_server_log_lines_are_written_once():
    code = "import logging; logging.getLogger('django.request').warning('desk-log-marker')"
    env = {**os.environ, "DEBUG": "1"}
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert len(re.findall("desk-log-marker", result.stderr + result.stdout)) == 1
