"""What search engines crawl: the sitemap index and its sections, the news sitemap, robots.txt.

At archive scale (100,000 stories and more) the stories section is many small pages, read by
keyset from a partial index in publication order (oldest first, so a new story changes only
the last page) and stored rendered under a digest of the page's rows: a page is rendered again
only when one of its own stories changes. The index reads the number of stories from the cache
(under the content generation), never by counting the archive on every request.
"""

import contextlib
import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import http_date

from inspections.models import DatePrecision, InspectionReport, Organisation
from newsroom import caching
from newsroom.text import clean_text

from .models import Article, Author, Byline, Section, Tag

# Google News reads only stories of the last two days, at most 1,000 per sitemap:
# https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000

# Contrib's template, with full W3C datetimes in <lastmod> instead of dates alone.
SECTION_TEMPLATE = "sitemaps/sitemap.xml"
# A rendered page of the stories sitemap is kept this long; its key changes with its content.
PAGE_CACHE_SECONDS = 7 * 24 * 60 * 60


class CanonicalSitemap(Sitemap):
    """A sitemap whose locations are on settings.SITE_URL, with items annotated `last_change`.

    Contrib would build locations from the Sites framework's domain (example.com until someone
    edits it) and the request's scheme; SITE_URL is the one place the public address is set.
    """

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def lastmod(self, item):
        return item.last_change

    def get_latest_lastmod(self):
        # One aggregate query; contrib's default loads every item to find the maximum.
        return self.items().aggregate(latest=Max("last_change"))["latest"]


def latest_story_at(**lookups):
    """When the newest public story matching the lookups went live (a subquery)."""
    stories = Article.objects.published().filter(**lookups).order_by("-published_at")
    return Subquery(stories.values("published_at")[:1])


class PageSitemap(CanonicalSitemap):
    """The front page and the corrections page."""

    lastmod = None

    def items(self):
        return ["articles:home", "articles:corrections"]

    def location(self, item):
        return reverse(item)

    def get_latest_lastmod(self):
        return None


class StorySitemap(CanonicalSitemap):
    """Public stories, oldest first, in pages of 2,000 (Google allows 50,000 URLs a page, but a
    page that size took seconds to build and a worker to 169 MiB; nothing requires it)."""

    limit = 2000

    def items(self):
        return Article.objects.published().order_by("published_at", "pk")

    def lastmod(self, item):
        return item.modified_for_readers

    @property
    def paginator(self):
        paginator = Paginator(self.items(), self.limit)
        paginator.count = story_summary()["count"]  # a cached_property: set, not computed
        return paginator

    def get_latest_lastmod(self):
        return story_summary()["latest"]

    def page_rows(self, page):
        """(slug, published_at, updated_at) of one page's stories: the first story of the page
        from the index alone (no story rows read to skip the earlier pages), then that page by
        keyset. Raises Http404 past the last page."""
        stories = self.items()
        if page > 1:
            offset = (page - 1) * self.limit
            start = until_next_write(
                f"story-sitemap-start:{offset}",
                lambda: list(stories.values_list("published_at", "pk")[offset:][:1]),
            )
            if not start:
                raise Http404("No such sitemap page.")
            (published_at, pk) = start[0]
            stories = stories.filter(
                Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gte=pk),
                published_at__gte=published_at,
            )
        return list(stories.values_list("slug", "published_at", "updated_at")[: self.limit])


def until_next_write(name, compute):
    """compute(), kept in the cache under the content generation (so until the next write that
    readers could see, or the next scheduled publication); computed afresh if the cache is down.
    For figures such as counts that take reading the whole archive: once per write, not once per
    request."""
    try:
        # Lists and sitemaps move with `lists` (every publication, correction or story edit
        # bumps it) as well as with `all`.
        current = caching.generations([caching.LISTS])
        key = f"until-next-write:{name}:{current[caching.EVERYTHING]}:{current[caching.LISTS]}"
        return caching.cache_call("get_or_set", key, compute, PAGE_CACHE_SECONDS)
    except caching.CacheUnavailable:
        return compute()


def public_story_count():
    """How many public stories there are (the sitemap index, the home page's pages)."""
    return until_next_write("public-story-count", Article.objects.published().count)


def story_summary():
    """How many public stories there are and when the newest change readers saw was."""

    def latest():
        public = Article.objects.published()
        moments = [
            public.aggregate(latest=Max("published_at"))["latest"],
            public.filter(updated_at__isnull=False).aggregate(latest=Max("updated_at"))["latest"],
        ]
        moments = [moment for moment in moments if moment is not None]
        return max(moments) if moments else None

    return {"count": public_story_count(), "latest": until_next_write("story-latest", latest)}


class SectionSitemap(CanonicalSitemap):
    def items(self):
        return Section.objects.annotate(
            last_change=latest_story_at(section=OuterRef("pk"))
        ).order_by("position", "name", "pk")

    def get_latest_lastmod(self):
        # Every story has a section: the newest public story, from the index.
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


class AuthorSitemap(CanonicalSitemap):
    """Authors with at least one public story: a byline on a draft alone is not news yet."""

    def items(self):
        public = Article.objects.published().filter(bylines__author=OuterRef("pk"))
        return (
            Author.objects.filter(Exists(public))
            .annotate(last_change=latest_story_at(authors=OuterRef("pk")))
            .order_by("name", "pk")
        )

    def get_latest_lastmod(self):
        return latest_with(Byline.objects.filter(article=OuterRef("pk")))


class TagSitemap(CanonicalSitemap):
    """Tags with at least one public story: a tag used only on an embargoed story could name it."""

    def items(self):
        public = Article.objects.published().filter(tags=OuterRef("pk"))
        return (
            Tag.objects.filter(Exists(public))
            .annotate(last_change=latest_story_at(tags=OuterRef("pk")))
            .order_by("name", "pk")
        )

    def get_latest_lastmod(self):
        return latest_with(Article.tags.through.objects.filter(article=OuterRef("pk")))


def latest_with(rows):
    """When the newest public story with any of the given rows (bylines, tag links) went live:
    the story index read newest first, stopping at the first match."""
    stories = Article.objects.published().filter(Exists(rows)).order_by("-published_at", "-pk")
    return stories.values_list("published_at", flat=True).first()


class ReportSitemap(CanonicalSitemap):
    """Inspection reports are public records once the inspectorate publishes them (after any
    embargo)."""

    def items(self):
        return (
            InspectionReport.objects.public()
            .only("slug", "published_on", "published_precision")
            .order_by("-published_on", "pk")
        )

    def lastmod(self, item):
        # A day that is only a stand-in for an unknown one is not told to search engines either.
        return item.published_on if item.published_precision == DatePrecision.DAY else None

    def get_latest_lastmod(self):
        return latest_report_day()


class OrganisationSitemap(CanonicalSitemap):
    def items(self):
        public = Q(reports__in=InspectionReport.objects.public())
        known = Q(reports__published_precision=DatePrecision.DAY)
        return Organisation.objects.annotate(
            last_change=Max("reports__published_on", filter=public & known)
        ).order_by("name", "pk")

    def get_latest_lastmod(self):
        return latest_report_day()


def latest_report_day():
    """The latest public report's day, among reports whose day is known."""
    reports = InspectionReport.objects.public().filter(published_precision=DatePrecision.DAY)
    return reports.aggregate(latest=Max("published_on"))["latest"]


SITEMAPS = {
    "pages": PageSitemap,
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
    "reports": ReportSitemap,
    "organisations": OrganisationSitemap,
}


def on_site_url(url):
    """The same address on settings.SITE_URL's scheme and host."""
    site = urlsplit(settings.SITE_URL)
    return urlsplit(url)._replace(scheme=site.scheme, netloc=site.netloc).geturl()


def sitemap_index(request):
    """Contrib's index (one entry per page of each section), on SITE_URL's host."""

    def index():
        response = sitemap_views.index(request, SITEMAPS)
        # Contrib names each section on the Sites framework's domain; the response is lazy, so
        # the locations can be put right before it renders.
        for entry in response.context_data["sitemaps"]:
            entry.location = on_site_url(entry.location)
        return stored(response.render())

    return restored(until_next_write("sitemap-index", index))


def sitemap_section(request, section):
    if section == "stories":
        return story_sitemap(request)
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")

    def page():
        response = sitemap_views.sitemap(
            request, SITEMAPS, section=section, template_name=SECTION_TEMPLATE
        )
        return stored(response.render())

    # The other sections are small (sections, authors, tags, reports, organisations) but some
    # take a subquery per row: kept until the next write.
    return restored(until_next_write(f"sitemap-{section}:{request.GET.get('p', '1')}", page))


def stored(response):
    """What is kept of a rendered sitemap response: its body and the headers that matter."""
    headers = {name: response[name] for name in ("Last-Modified",) if name in response}
    return {"content": response.content, "headers": headers}


def restored(kept):
    response = HttpResponse(kept["content"], content_type="application/xml")
    for name, value in kept["headers"].items():
        response.headers[name] = value
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"  # as contrib's views say
    return response


def story_sitemap(request):
    """One page of the stories sitemap, rendered only when its rows have changed."""
    try:
        page = int(request.GET.get("p", 1))
    except ValueError:
        raise Http404("No such sitemap page.") from None
    if page < 1:
        raise Http404("No such sitemap page.")
    sitemap = StorySitemap()
    rows = sitemap.page_rows(page)
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    key = f"sitemap:stories:{sitemap.limit}:{page}:{digest}"
    try:
        content = caching.cache_call("get", key)
    except caching.CacheUnavailable:
        content = None
    if content is None:
        content = render_story_page(sitemap, rows)
        with contextlib.suppress(caching.CacheUnavailable):
            caching.cache_call("set", key, content, PAGE_CACHE_SECONDS)
    response = HttpResponse(content, content_type="application/xml")
    if rows:
        latest = max(updated or published for _, published, updated in rows)
        response.headers["Last-Modified"] = http_date(latest.timestamp())
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"  # as contrib's views say
    return response


def render_story_page(sitemap, rows):
    """The page's XML, written directly: the same markup as SECTION_TEMPLATE, without a template
    render per URL (2,000 of them). One reverse() for the page, not one per story: every story's
    address has the same shape."""
    site = f"{sitemap.get_protocol()}://{sitemap.get_domain()}"
    pattern = reverse("articles:detail", kwargs={"slug": "slug-placeholder"})
    urls = "".join(
        f"<url><loc>{escape(site + pattern.replace('slug-placeholder', slug))}</loc>"
        f"<lastmod>{timezone.localtime(updated or published).isoformat()}</lastmod></url>"
        for slug, published, updated in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    )


def news_sitemap(request):
    """The Google News sitemap: public stories of the last two days, newest first."""
    since = timezone.now() - NEWS_WINDOW
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .order_by("-published_at", "-pk")
        .only("headline", "slug", "published_at")[:NEWS_LIMIT]
    )
    # Saving cleans headlines, but a row from before that, or written by raw SQL, may still hold
    # a control character, which would leave the sitemap not XML.
    stories = [
        {
            "location": article.get_absolute_url(),
            "published_at": article.published_at,
            "title": clean_text(article.headline),
        }
        for article in articles
    ]
    context = {
        "stories": stories,
        "site_url": settings.SITE_URL,
        "publisher_name": settings.PUBLISHER_NAME,
        "language": settings.PUBLISHER_LANGUAGE,
    }
    return render(request, "sitemaps/news.xml", context, content_type="application/xml")


def robots_txt(request):
    context = {"site_url": settings.SITE_URL}
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
