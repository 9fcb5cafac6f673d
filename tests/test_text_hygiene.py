"""Plain text stays plain: no control or bidi override characters are stored, and feeds and
sitemaps are well-formed XML, with text sent as text, whatever the database already holds."""

import feedparser
import lxml.etree
import lxml.html
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.urls import reverse
from django_prose_editor.fields import ProseEditorField

from articles.models import (
    Article,
    Author,
    CorrectionKind,
    Section,
    Status,
    Tag,
)
from articles.publishing import add_correction
from inspections.models import GradedArea

from .corpora import corpus_lines
from .desk_fixtures import change_url, login, post_form

# Word's soft line break, an escape, DEL, a right-to-left override with its pop, and a
# right-to-left isolate with its pop: what a paste or an import can carry into a name.
DIRTY = "Fish\x0b&\x1b chips\x7f \u202eypsorc\u202c \u2067tasty\u2069"
# The line break separated two words, so it leaves a space; everything else goes.
CLEAN = "Fish & chips ypsorc tasty"

# Text readers or staff see that must be among the fields plain_text_fields() finds.
MUST_BE_CLEANED = {
    "Article.headline",
    "Article.standfirst",
    "Article.seo_title",
    "Article.seo_description",
    "Article.hero_caption",
    "Article.hero_alt",
    "Author.name",
    "Section.name",
    "Tag.name",
    "Correction.text",
    "Organisation.name",
    "InspectionReport.title",
    "GradedArea.name",
    "GradedArea.finding",
    "Finding.text",
}

# Text columns that hold no words: a one-time token is compared, never shown.
NOT_WORDS = {"CorrectionUnlock.token", "ReviewLink.token_digest", "KeptUpload.token"}

FEEDS = [
    "/feeds/latest.rss",
    "/feeds/latest.atom",
    "/feeds/section/{section}.rss",
    "/feeds/section/{section}.atom",
    "/feeds/author/{author}.rss",
    "/feeds/author/{author}.atom",
    "/feeds/tag/{tag}.rss",
    "/feeds/tag/{tag}.atom",
    "/feeds/corrections.rss",
    "/feeds/corrections.atom",
]


def plain_text_fields():
    """Every text column of both apps that holds words: not slugs, addresses or choices, and
    not the story body, which is HTML with its own sanitiser."""
    not_words = (models.SlugField, models.URLField, models.EmailField, ProseEditorField)
    return [
        pytest.param(field, id=f"{model.__name__}.{field.name}")
        for label in ["articles", "inspections"]
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, not_words)
        and not field.choices
        and f"{model.__name__}.{field.name}" not in NOT_WORDS
    ]


def stored(instance, *fields):
    """The values in the database, not those on the instance."""
    return tuple(type(instance).objects.values_list(*fields).get(pk=instance.pk))


def raw_update(table, pk, **columns):
    """Write as a script or a row from before the fix would: past every Python hook."""
    assignments = ", ".join(f"{column} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608 (names are ours)
            [*columns.values(), pk],
        )


def reader_sees(detail):
    """What a feed reader shows for an element, and the HTML elements it would build (and run)
    doing so: HTML-typed content is rendered, plain text is shown as it is."""
    if detail.type == "text/plain":
        return detail.value, ()
    root = lxml.html.fragment_fromstring(detail.value, create_parent="div")
    return root.text_content(), tuple(element.tag for element in root.iterdescendants())


def parse_feed(response):
    """Parsed as a non-sanitising reader would: HTML passed through as the feed sends it."""
    assert response.status_code == 200
    lxml.etree.fromstring(response.content)  # well-formed XML, or this raises
    feed = feedparser.parse(response.content, sanitize_html=False, resolve_relative_uris=False)
    assert not feed.bozo, feed.bozo_exception
    return feed


# Writes: every path stores clean text.


@pytest.mark.parametrize("field", plain_text_fields())
def test_every_plain_text_field_cleans_what_is_validated_and_saved(field):
    assert field.to_python(DIRTY) == CLEAN  # what forms check
    assert field.get_prep_value(DIRTY) == CLEAN  # what save(), update() and bulk writes store
    instance = field.model()
    setattr(instance, field.attname, DIRTY)
    assert field.pre_save(instance, add=True) == CLEAN
    assert getattr(instance, field.attname) == CLEAN


def test_headlines_names_captions_corrections_and_findings_are_all_cleaned():
    cleaned = {param.id for param in plain_text_fields()}
    assert MUST_BE_CLEANED - cleaned == set()


def test_a_story_saved_in_code_is_stored_clean(make_article):
    article = make_article(headline=DIRTY, standfirst=DIRTY, hero_alt=DIRTY)
    assert stored(article, "headline", "standfirst", "hero_alt") == (CLEAN, CLEAN, CLEAN)
    assert article.headline == CLEAN  # and the saved instance says what was stored


def test_a_null_character_is_dropped_rather_than_refused_by_the_database(make_article):
    # PostgreSQL refuses NUL in text outright: the save would fail, not just the feeds.
    article = make_article(headline="Force\x00 told to improve")
    assert stored(article, "headline") == ("Force told to improve",)


def test_names_of_sections_authors_and_tags_are_stored_clean(db):
    section = Section.objects.create(name=DIRTY, slug="dirty")
    author = Author.objects.create(name=DIRTY, slug="dirty", job_title=DIRTY, bio=DIRTY)
    tag = Tag.objects.create(name=DIRTY, slug="dirty")
    assert stored(section, "name") == (CLEAN,)
    assert stored(author, "name", "job_title", "bio") == (CLEAN, CLEAN, CLEAN)
    assert stored(tag, "name") == (CLEAN,)


def test_a_correction_added_by_the_desk_in_code_is_stored_clean(story, staff):
    correction = add_correction(
        article=story(),
        kind=CorrectionKind.CORRECTION,
        text=DIRTY,
        by=staff("Corrections desk"),
    )
    assert stored(correction, "text") == (CLEAN,)


def test_bulk_writes_are_stored_clean_too(make_article, make_report):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(headline=DIRTY)
    assert stored(article, "headline") == (CLEAN,)
    report = make_report(areas=0)
    (area,) = GradedArea.objects.bulk_create(
        [GradedArea(report=report, name=DIRTY, grade=report.scale_grades()[0], position=1)]
    )
    area.finding = DIRTY
    GradedArea.objects.bulk_update([area], ["finding"])
    assert stored(area, "name", "finding") == (CLEAN, CLEAN)


def test_a_story_saved_through_the_admin_is_stored_clean(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    response = post_form(
        login(staff("Editor")), change_url(article), headline=DIRTY, hero_caption=DIRTY
    )
    assert response.status_code == 302
    assert stored(article, "headline", "hero_caption") == (CLEAN, CLEAN)


def test_a_correction_added_through_the_admin_is_stored_clean(story, staff):
    article = story()
    response = login(staff("Corrections desk")).post(
        reverse("admin:articles_correction_add"),
        {"article": article.pk, "kind": "correction", "text": DIRTY, "placement": ""},
    )
    assert response.status_code == 302
    assert article.corrections.get().text == CLEAN


def test_a_name_differing_only_by_a_hidden_character_is_refused_as_a_duplicate(db, staff):
    Tag.objects.create(name="Policing", slug="policing")
    response = login(staff("Editor")).post(
        reverse("admin:articles_tag_add"), {"name": "Policing\u202c", "slug": "policing-2"}
    )
    assert response.status_code == 200
    assert "Tag with this Name already exists." in response.content.decode()
    assert list(Tag.objects.values_list("name", flat=True)) == ["Policing"]


def test_imported_grades_are_stored_clean(peel_report, tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text(f"area,grade,finding\n\u202eTreatment\x0b,Good,{DIRTY}\n", encoding="utf-8")
    call_command("import_grades", peel_report.slug, str(path))
    assert list(peel_report.graded_areas.values_list("name", "finding")) == [("Treatment", CLEAN)]


def test_the_story_body_loses_bidi_overrides_and_control_characters(make_article):
    article = make_article(body="<p>Ali said \u202e&#x202E;3 &#11;; no\x0b</p>")
    assert stored(article, "body") == ("<p>Ali said 3 ; no</p>",)


def test_directional_marks_are_kept_for_names_in_right_to_left_scripts(db):
    # A left-to-right mark keeps "(2)" after an Arabic name where it was typed.
    name = "مدرسة النور\u200e (2)"
    tag = Tag.objects.create(name=name, slug="al-noor")
    assert stored(tag, "name") == (name,)


# Reads: feeds and sitemaps are XML whatever the database holds.


@pytest.fixture
def poisoned(make_article, make_correction):
    """A story, its section, author, tag and a correction, with control characters written
    past the ORM, as rows from before the fix (or a script) left them."""
    section = Section.objects.create(name="Crime", slug="crime")
    author = Author.objects.create(name="Ann Other", slug="ann-other")
    tag = Tag.objects.create(name="Policing", slug="policing")
    article = make_article(section=section, bylines=[author])
    article.tags.add(tag)
    correction = make_correction(article)
    raw_update("articles_section", section.pk, name="Cri\x0eme\ufffe")
    raw_update("articles_author", author.pk, name="Ann\x1b Other")
    raw_update("articles_tag", tag.pk, name="Polic\x08ing")
    raw_update(
        "articles_article",
        article.pk,
        headline="Force\x0btold to improve\x01",
        standfirst="Inspectors\x0bfound gaps\x1f.",
    )
    with correction._override():  # the sanctioned way past the append-only trigger
        raw_update("articles_correction", correction.pk, text="We got\x0bit wrong\x7f.")
    return {"section": section.slug, "author": author.slug, "tag": tag.slug}


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_are_xml_whatever_the_database_holds(client, poisoned, url):
    feed = parse_feed(client.get(url.format(**poisoned)))
    (entry,) = feed.entries
    if "corrections" in url:
        assert entry.title == "Correction: Force told to improve"
        assert entry.summary == "We got it wrong."
    else:
        assert entry.title == "Force told to improve"
        assert entry.summary == "Inspectors found gaps."
        assert entry.author == "Ann Other"
        assert [category.term for category in entry.tags] == ["Crime"]


def test_the_news_sitemap_is_xml_whatever_the_database_holds(client, poisoned):
    response = client.get("/news-sitemap.xml")
    assert response.status_code == 200
    root = lxml.etree.fromstring(response.content)
    namespace = {"news": "http://www.google.com/schemas/sitemap-news/0.9"}
    assert root.xpath("//news:title/text()", namespaces=namespace) == ["Force told to improve"]


# Feeds send plain text as text: a standfirst is never HTML a reader would run.


@pytest.fixture
def xss_payloads():
    """Payloads from the corpus that are markup, and short enough for any name column."""
    payloads = [line for line in corpus_lines("xss", "xss_payloads_quick.txt") if "<" in line]
    return [payload for payload in payloads if len(payload) <= 100][:12]


@pytest.fixture
def hostile(make_article, make_correction, xss_payloads):
    """A section, author and tag named with a payload, each story's standfirst one, and a
    correction of each payload."""
    first = xss_payloads[0]
    section = Section.objects.create(name=first, slug="hostile")
    author = Author.objects.create(name=first, slug="hostile")
    tag = Tag.objects.create(name=first, slug="hostile")
    for number, payload in enumerate(xss_payloads):
        article = make_article(
            headline=payload,
            standfirst=payload,
            section=section,
            bylines=[author],
            slug=f"hostile-{number}",
        )
        article.tags.add(tag)
        make_correction(article, text=payload)
    return {"section": section.slug, "author": author.slug, "tag": tag.slug}


def test_the_payloads_are_markup(xss_payloads):
    assert len(xss_payloads) >= 10
    assert all("<" in payload for payload in xss_payloads)


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_send_plain_text_as_text_never_as_html(client, hostile, xss_payloads, url):
    feed = parse_feed(client.get(url.format(**hostile)))
    assert len(feed.entries) == len(xss_payloads)
    summaries = {reader_sees(entry.summary_detail) for entry in feed.entries}
    assert summaries == {(payload, ()) for payload in xss_payloads}
    text, elements = reader_sees(feed.feed.subtitle_detail)
    assert elements == ()
    if "/feeds/latest" not in url and "corrections" not in url:
        assert xss_payloads[0] in text  # the section, author or tag named as it is


@pytest.mark.parametrize("url", FEEDS)
def test_feed_titles_are_plain_text_elements(client, hostile, xss_payloads, url):
    response = client.get(url.format(**hostile))
    assert response.status_code == 200
    root = lxml.etree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    titles = root.findall(f"{atom}entry/{atom}title") or root.findall("channel/item/title")
    for title in titles:
        assert title.get("type") in {None, "text"}
    prefix = "Correction: " if "corrections" in url else ""
    assert {title.text for title in titles} == {prefix + payload for payload in xss_payloads}
