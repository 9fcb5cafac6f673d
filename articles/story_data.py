"""A public story and everything its page shows, from SQL compiled once per process.

The reader's story page is the site's busiest uncached page (staff, the first reader after a
write, the archive's long tail). Its queries are the ones ``with_story_page_data`` in views.py
makes, written as ``PreparedQuery`` shapes (newsroom/prepared.py) so that building and compiling
them is not paid on every request; tests/test_story_data.py checks that both give the same page.
"""

from django.db.models import Q
from django.utils import timezone

from newsroom.prepared import DATETIME, INT, TEXT, PreparedQuery, attach

from .models import Article, Byline, CommentRequest, Correction, Status, StorySource, Tag


def _public(now):
    # Article.objects.published(), with its time as a placeholder.
    return Article.objects.filter(status=Status.PUBLISHED, published_at__lte=now)


STORY = PreparedQuery(
    lambda slug, now: _public(now).select_related("section").filter(slug=slug),
    slug=TEXT,
    now=DATETIME,
)
BYLINES = PreparedQuery(
    lambda story: Byline.objects.select_related("author").filter(article=story),
    story=INT,
)
TAGS = PreparedQuery(lambda story: Tag.objects.filter(articles=story), story=INT)
CORRECTIONS = PreparedQuery(
    lambda story, now: Correction.objects.with_last_amendment().filter(
        article=story, published_at__lte=now
    ),
    story=INT,
    now=DATETIME,
)
COMMENT_REQUESTS = PreparedQuery(
    lambda story: CommentRequest.objects.for_story().filter(article=story), story=INT
)
SOURCES = PreparedQuery(lambda story: StorySource.objects.filter(article=story), story=INT)
REPORT_IDS = PreparedQuery(
    lambda story: Article.reports.through.objects.filter(article=story).values_list(
        "inspectionreport", flat=True
    ),
    story=INT,
)
RELATED_COUNT = 4
RELATED = PreparedQuery(
    # Public stories of the same section or sharing a tag, newest first; what the list shows
    # (the address is the slug), not each story's body and settings.
    lambda story, section, now: (
        _public(now)
        .filter(Q(section=section) | Q(tags__in=Tag.objects.filter(articles=story).values("pk")))
        .exclude(pk=story)
        .distinct()
        .only("slug", "headline", "published_at")[:RELATED_COUNT]
    ),
    story=INT,
    section=INT,
    now=DATETIME,
)


def public_story(slug):
    """The public story at this address with its bylines, tags, visible corrections, requests
    for comment and sources attached as if prefetched; None if there is none."""
    now = timezone.now()
    found = STORY.run(slug=slug, now=now)
    if not found:
        return None
    article = found[0]
    attach(article, "bylines", BYLINES.run(story=article.pk))
    attach(article, "tags", TAGS.run(story=article.pk))
    attach(article, "corrections", CORRECTIONS.run(story=article.pk, now=now))
    attach(article, "comment_requests", COMMENT_REQUESTS.run(story=article.pk))
    attach(article, "sources", SOURCES.run(story=article.pk))
    return article


def report_ids(article):
    return REPORT_IDS.run(story=article.pk)


def related_stories(article):
    return RELATED.run(story=article.pk, section=article.section_id, now=timezone.now())
