"""Lists of stories on reader pages (articles/_story_list.html), worked out row by row in Python,
and a story's byline.

A list page shows up to 45 stories; spelt out in the template, each row cost a few dozen
variable lookups, two date filters and a reverse() for each link, which made the template most
of the home page's cost at 100,000 stories. Here a row is a dict of plain strings that the
template prints (and escapes) as it did the model's fields. Nothing here touches the database:
the stories come from ``Article.objects.teasers()``, with their sections and ``listed_bylines``.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list

from newsroom.templatetags.site import day, iso

from ..models import BylineRole

register = template.Library()


def names(bylines):
    """The authors' names as a list's byline gives them: A; A and B; A, B and C."""
    return get_text_list([byline.author.name for byline in bylines], "and")


@register.filter
def byline(bylines):
    """A story's byline as its page and the home page's lead print it: "By A, B and C", each
    name a link to the author's page, a role other than reporting in brackets; nothing without
    bylines. Both template engines use it (newsroom/jinja.py)."""
    authors = [
        format_html(
            '<a href="{}">{}</a>{}',
            line.author.get_absolute_url(),
            line.author.name,
            "" if line.role == BylineRole.REPORTER else f" ({line.get_role_display().lower()})",
        )
        for line in bylines
    ]
    if not authors:
        return ""
    joined = mark_safe(get_text_list(authors, "and"))  # noqa: S308 (each escaped above)
    return format_html('<p class="byline">By {}</p>', joined)


@register.filter
def teaser_rows(stories):
    """One row for each story: its address, headline, standfirst, time (as the ``datetime``
    attribute and as a day), section and authors."""
    return [
        {
            "url": story.get_absolute_url(),
            "headline": story.headline,
            "standfirst": story.standfirst,
            "datetime": iso(story.published_at),
            "day": day(story.published_at),
            "section": story.section.name,
            "section_url": story.section.get_absolute_url(),
            "authors": names(story.listed_bylines),
        }
        for story in stories
    ]
