"""Citation marks: a link in a story's text to `#source-N` cites the story's source number N."""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# The body is sanitised on save (articles.models.sanitise_body), which writes a link as exactly
# `<a href="…">` with no class or id, so only those attributes are added here.
CITATION = re.compile(r'<a href="#source-([0-9]+)"')


@register.filter
def citations(body):
    """The story's sanitised HTML with each citation link marked for the reader page: a class
    for its numbered mark, and an id the list of sources links back to (`cite-N`, then
    `cite-N-2`… when N is cited again)."""
    seen = {}

    def mark(match):
        number = match.group(1)
        seen[number] = seen.get(number, 0) + 1
        suffix = f"-{seen[number]}" if seen[number] > 1 else ""
        return (
            f'<a href="#source-{number}" class="citation" id="cite-{number}{suffix}" '
            f'data-source="{number}"'
        )

    return mark_safe(CITATION.sub(mark, body or ""))  # noqa: S308 (sanitised on save)


@register.filter
def cited_numbers(body):
    """The source numbers a story's text cites, for links back from its list of sources."""
    return {int(number) for number in CITATION.findall(body or "")}
