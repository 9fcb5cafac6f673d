"""What search engines crawl: the sitemap index and its sections, the news sitemap, robots.txt."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from inspections.models import DatePrecision, InspectionReport, Organisation
from newsroom.text import clean_text

from .models import Article, Author, Section, Tag

# Google News reads only stories of the last two days, at most 1,000 per sitemap:
# https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000

# Contrib's template, with full W3C datetimes in <lastmod> instead of dates alone.
SECTION_TEMPLATE = "sitemaps/sitemap.xml"


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
    def items(self):
        return Article.objects.published().only("slug", "published_at", "updated_at")

    def lastmod(self, item):
        return item.modified_for_readers

    def get_latest_lastmod(self):
        # The same rule as Article.modified_for_readers, as one aggregate.
        latest = Max(Coalesce("updated_at", "published_at"))
        return self.items().aggregate(latest=latest)["latest"]


class SectionSitemap(CanonicalSitemap):
    def items(self):
        return Section.objects.annotate(
            last_change=latest_story_at(section=OuterRef("pk"))
        ).order_by("position", "name", "pk")


class AuthorSitemap(CanonicalSitemap):
    """Authors with at least one public story: a byline on a draft alone is not news yet."""

    def items(self):
        return (
            Author.objects.annotate(last_change=latest_story_at(authors=OuterRef("pk")))
            .filter(last_change__isnull=False)
            .order_by("name", "pk")
        )


class TagSitemap(CanonicalSitemap):
    """Tags with at least one public story: a tag used only on an embargoed story could name it."""

    def items(self):
        return (
            Tag.objects.annotate(last_change=latest_story_at(tags=OuterRef("pk")))
            .filter(last_change__isnull=False)
            .order_by("name", "pk")
        )


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
    """Contrib's index (one entry per 50,000 URLs of each section), on SITE_URL's host."""
    response = sitemap_views.index(request, SITEMAPS)
    # Contrib names each section on the Sites framework's domain; the response is lazy, so the
    # locations can be put right before it renders.
    for entry in response.context_data["sitemaps"]:
        entry.location = on_site_url(entry.location)
    return response


def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section, template_name=SECTION_TEMPLATE)


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
