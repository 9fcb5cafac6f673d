"""Lists of stories on reader pages (articles/_story_list.html), worked out row by row in Python.

A list page shows up to 45 stories; spelt out in the template, each row cost a few dozen
variable lookups and two date filters, which made the template most of the home page's cost at
100,000 stories. Here a row is a dict of plain strings that the template prints (and escapes)
as it did the model's fields. Nothing here touches the database: the stories come from
``Article.objects.teasers()``, with their sections and ``listed_bylines``.
"""

from django import template
from django.utils.timezone import template_localtime

from newsroom.templatetags.site import day

register = template.Library()


def names(bylines):
    """ "A", "A and B", "A, B and C": the authors' names as a list's byline gives them."""
    authors = [byline.author.name for byline in bylines]
    return ", ".join(authors[:-1]) + " and " + authors[-1] if len(authors) > 1 else "".join(authors)


@register.filter
def teaser_rows(stories):
    """One row for each story: its address, headline, standfirst, time (as the ``datetime``
    attribute and as a day), section and authors."""
    days = {}  # a list's stories share a few days: each is written out once
    rows = []
    for story in stories:
        section = story.section
        published_at = template_localtime(story.published_at)  # as the template's filters had it
        on = published_at.date()
        rows.append(
            {
                "url": story.get_absolute_url(),
                "headline": story.headline,
                "standfirst": story.standfirst,
                "datetime": published_at.isoformat(),  # the date filter's "c"
                "day": days[on] if on in days else days.setdefault(on, day(published_at)),
                "section": section.name,
                "section_url": section.get_absolute_url(),
                "authors": names(story.listed_bylines),
            }
        )
    return rows
