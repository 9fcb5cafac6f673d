"""A public story and everything its page shows, from SQL compiled once per process.

The reader's story page is the site's busiest uncached page (staff, the first reader after a
write, the archive's long tail). Its queries are the ones ``with_story_page_data`` in views.py
makes, written as ``PreparedQuery`` shapes (newsroom/prepared.py) so that building and compiling
them is not paid on every request; tests/test_story_data.py checks that both give the same page.
"""

from django.utils import timezone

from newsroom import prepared
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
RELATED_FIELDS = ("slug", "headline", "published_at")  # what the list shows (the slug: its link)


def _newest(stories):
    return stories.order_by("-published_at", "-pk").only(*RELATED_FIELDS)[:RELATED_COUNT]


# Related stories are the newest public stories of the story's section or sharing one of its
# tags. Asked as one query (section OR tag), PostgreSQL walks the whole archive newest first when
# the section is small and the tags rare or none (330 ms at 100,000 stories); asked apart, each
# half is an index lookup: the newest of a section (article_section_published_idx), the newest of
# given tags (their links, then the stories), in one query (prepared.union_all), merged here.
RELATED_IN_SECTION = PreparedQuery(
    lambda story, section, now: _newest(_public(now).filter(section=section).exclude(pk=story)),
    story=INT,
    section=INT,
    now=DATETIME,
)
_related_by_tags = {}  # the number of tags: its PreparedQuery (the SQL has one value per tag)


def _related_by(tag_count):
    if (query := _related_by_tags.get(tag_count)) is None:
        tags = [f"tag{n}" for n in range(tag_count)]

        def build(story, now, **values):
            linked = Article.tags.through.objects.filter(tag__in=[values[t] for t in tags])
            return _newest(_public(now).filter(pk__in=linked.values("article")).exclude(pk=story))

        query = _related_by_tags[tag_count] = PreparedQuery(
            build, story=INT, now=DATETIME, **dict.fromkeys(tags, INT)
        )
    return query


def public_story(slug):
    """The public story at this address with its bylines, tags, visible corrections, requests
    for comment and sources attached as if prefetched, and the ids of its reports, in two
    queries (the story, then the rest together: prepared.fetch_together); None if there is
    none."""
    now = timezone.now()
    found = STORY.run(slug=slug, now=now)
    if not found:
        return None
    article = found[0]
    story = article.pk
    bylines, tags, corrections, comment_requests, sources, article.linked_report_ids = (
        prepared.fetch_together(
            [
                (BYLINES, {"story": story}),
                (TAGS, {"story": story}),
                (CORRECTIONS, {"story": story, "now": now}),
                (COMMENT_REQUESTS, {"story": story}),
                (SOURCES, {"story": story}),
                (REPORT_IDS, {"story": story}),
            ]
        )
    )
    attach(article, "bylines", bylines)
    attach(article, "tags", tags)
    attach(article, "corrections", corrections)
    attach(article, "comment_requests", comment_requests)
    attach(article, "sources", sources)
    return article


def report_ids(article):
    """The ids of the story's reports: read with the story by public_story(), else now."""
    if (ids := getattr(article, "linked_report_ids", None)) is not None:
        return ids
    return REPORT_IDS.run(story=article.pk)


def related_stories(article):
    """The newest public stories of the story's section or sharing one of its tags (its tags
    attached, as public_story() gives it), at most RELATED_COUNT, newest first."""
    now = timezone.now()
    parts = [(RELATED_IN_SECTION, {"story": article.pk, "section": article.section_id, "now": now})]
    if tags := [tag.pk for tag in article.tags.all()]:
        values = {f"tag{n}": pk for n, pk in enumerate(tags)}
        parts.append((_related_by(len(tags)), {"story": article.pk, "now": now, **values}))
    found = prepared.union_all(parts)
    newest = sorted({story.pk: story for story in found}.values(), key=_newest_first)
    return newest[:RELATED_COUNT]


def _newest_first(story):
    return (-story.published_at.timestamp(), -story.pk)
