"""RSS and Atom feeds of stories and of corrections, all built on ``published()``."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from newsroom.site import absolute

from .models import Article, Author, Correction, Section, Tag

FEED_LENGTH = 20


class SiteFeed(Feed):
    """A feed whose addresses all come from settings.SITE_URL, not the sites framework."""

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["feed_url"] = absolute(request.path)
        return feed

    def item_link(self, item):
        return absolute(item.get_absolute_url())


class LatestStories(SiteFeed):
    """The latest stories on the site."""

    def title(self, obj=None):
        return f"{settings.PUBLISHER_NAME}: latest stories"

    def link(self, obj=None):
        return absolute(reverse("articles:home"))

    def description(self, obj=None):
        return f"The latest stories from {settings.PUBLISHER_NAME}."

    def stories(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        return self.stories(obj).for_listing()[:FEED_LENGTH]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.standfirst

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.modified_for_readers

    def item_author_name(self, item):
        return ", ".join(byline.author.name for byline in item.bylines.all()) or None

    def item_categories(self, item):
        return [item.section.name]


class SectionStories(LatestStories):
    """The latest stories in one section."""

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj=None):
        return f"{settings.PUBLISHER_NAME}: {obj.name}"

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def description(self, obj=None):
        return f"The latest {obj.name} stories from {settings.PUBLISHER_NAME}."

    def stories(self, obj):
        return obj.articles.published()


class AuthorStories(SectionStories):
    """The latest stories by one author."""

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def description(self, obj=None):
        return f"The latest stories by {obj.name} for {settings.PUBLISHER_NAME}."


class TagStories(SectionStories):
    """The latest stories on one topic."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def description(self, obj=None):
        return f"The latest stories about {obj.name} from {settings.PUBLISHER_NAME}."


class LatestCorrections(SiteFeed):
    """Corrections, clarifications, retractions and editor's notes on public stories."""

    def title(self):
        return f"{settings.PUBLISHER_NAME}: corrections and clarifications"

    def link(self):
        return absolute(reverse("articles:corrections"))

    def description(self):
        return f"Corrections and clarifications published by {settings.PUBLISHER_NAME}."

    def items(self):
        return (
            Correction.objects.listed()
            .select_related("article")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.article.headline}"

    def item_description(self, item):
        return item.text

    def item_pubdate(self, item):
        return item.published_at


class LatestStoriesAtom(LatestStories):
    feed_type = Atom1Feed
    subtitle = LatestStories.description


class SectionStoriesAtom(SectionStories):
    feed_type = Atom1Feed
    subtitle = SectionStories.description


class AuthorStoriesAtom(AuthorStories):
    feed_type = Atom1Feed
    subtitle = AuthorStories.description


class TagStoriesAtom(TagStories):
    feed_type = Atom1Feed
    subtitle = TagStories.description


class LatestCorrectionsAtom(LatestCorrections):
    feed_type = Atom1Feed
    subtitle = LatestCorrections.description
