"""Formatting for reader pages. Nothing here touches the database."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from newsroom import links, site

register = template.Library()

# As django.utils.html.json_script: text an editor types (say "</script>") cannot end the block.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def publisher_name():
    return settings.PUBLISHER_NAME


register.filter("absolute", site.absolute)


@register.simple_tag
def link(viewname, *args):
    """As ``{% url %}`` (no ``as``), from a memo (newsroom/links.py): the navigation and footer
    ask for the same addresses on every page."""
    return links.reverse(viewname, *args)


@register.filter
def clock(value):
    """UK clock time as a newsroom writes it, with its zone: 5:00am BST, 12:24pm GMT."""
    value = timezone.localtime(value)
    return f"{value.hour % 12 or 12}:{value:%M}{'am' if value.hour < 12 else 'pm'} {value:%Z}"


@register.filter
def day(value):
    """UK date as a newsroom writes it: 21 June 2022."""
    return dateformat.format(timezone.localtime(value), "j F Y")


@register.filter
def day_and_time(value):
    """21 June 2022, 5:00am BST (UK time)."""
    return f"{day(value)}, {clock(value)}"


@register.filter
def update_time(updated, published):
    """An update on the day of publication shows only its time; a later one its date too."""
    if published and timezone.localdate(updated) == timezone.localdate(published):
        return clock(updated)
    return day_and_time(updated)


@register.filter
def gist(text, words=12):
    """A dateline's short form of an entry: its first paragraph, at most `words` words, without
    the closing full stop ("The council's response added")."""
    first = (text or "").strip().split("\n", 1)[0].strip()
    short = Truncator(first).words(words, truncate="…")
    return short.removesuffix(".") if short == first else short


@register.filter
def json_ld(data):
    """A schema.org JSON-LD block, escaped so that no text inside can close the script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
