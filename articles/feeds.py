"""RSS and Atom feeds of stories and of corrections, all built on ``published()``.

Their text is plain: headlines, standfirsts, corrections and names. Titles, names and an Atom
subtitle are plain text elements; an RSS <description> and an Atom <summary type="html"> are
HTML to every reader, so plain text goes into them escaped.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from newsroom.site import absolute
from newsroom.templatetags.site import day_and_time
from newsroom.text import clean_text

from .models import Article, Author, Correction, Section, Tag

FEED_LENGTH = 20


def cleaned(value):
    """A feed value with its text cleaned: a string, or a list or tuple of strings."""
    if isinstance(value, list | tuple):
        return type(value)(cleaned(part) for part in value)
    return clean_text(value)


class SiteFeed(Feed):
    """A feed whose addresses all come from settings.SITE_URL, not the sites framework, and
    whose text is cleaned and escaped as its elements need (see the module's docstring)."""

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["feed_url"] = absolute(request.path)
        # Saving cleans text, but rows from before that, or written by raw SQL, may still hold
        # control characters, and one would make the XML writer fail the whole feed.
        feed.feed = {key: cleaned(value) for key, value in feed.feed.items()}
        feed.items = [{key: cleaned(value) for key, value in item.items()} for item in feed.items]
        return feed

    def description(self, obj=None):
        # What the feed is about (each feed's about()), for RSS: readers take it as HTML.
        return escape(self.about(obj))

    def subtitle(self, obj=None):
        # The same for Atom, whose <subtitle> is plain text; each format ignores the other's.
        return self.about(obj)

    def item_link(self, item):
        return absolute(item.get_absolute_url())


class LatestStories(SiteFeed):
    """The latest stories on the site."""

    def title(self, obj=None):
        return f"{settings.PUBLISHER_NAME}: latest stories"

    def link(self, obj=None):
        return absolute(reverse("articles:home"))

    def about(self, obj=None):
        return f"The latest stories from {settings.PUBLISHER_NAME}."

    def stories(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        return self.stories(obj).for_listing()[:FEED_LENGTH]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return escape(item.standfirst)

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

    def about(self, obj=None):
        return f"The latest {obj.name} stories from {settings.PUBLISHER_NAME}."

    def stories(self, obj):
        return obj.articles.published()


class AuthorStories(SectionStories):
    """The latest stories by one author."""

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def about(self, obj=None):
        return f"The latest stories by {obj.name} for {settings.PUBLISHER_NAME}."


class TagStories(SectionStories):
    """The latest stories on one topic."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def about(self, obj=None):
        return f"The latest stories about {obj.name} from {settings.PUBLISHER_NAME}."


class LatestCorrections(SiteFeed):
    """Corrections, clarifications, retractions and editor's notes on public stories."""

    def title(self):
        return f"{settings.PUBLISHER_NAME}: corrections and clarifications"

    def link(self):
        return absolute(reverse("articles:corrections"))

    def about(self, obj=None):
        return f"Corrections and clarifications published by {settings.PUBLISHER_NAME}."

    def items(self):
        return (
            Correction.objects.listed()
            .with_last_amendment()
            .select_related("article")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.article.headline}"

    def item_description(self, item):
        if item.last_amended_at:
            # RSS has no "updated" for an item: the amendment is said in its text.
            amended = day_and_time(item.last_amended_at)
            return escape(f"{item.text}\n\n(Amended on {amended}.)")
        return escape(item.text)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_amended_at or item.published_at


class LatestStoriesAtom(LatestStories):
    feed_type = Atom1Feed


class SectionStoriesAtom(SectionStories):
    feed_type = Atom1Feed


class AuthorStoriesAtom(AuthorStories):
    feed_type = Atom1Feed


class TagStoriesAtom(TagStories):
    feed_type = Atom1Feed


class LatestCorrectionsAtom(LatestCorrections):
    feed_type = Atom1Feed
