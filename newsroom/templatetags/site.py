"""Formatting for reader pages. Nothing here touches the database."""

import datetime
import functools
import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from newsroom import links, site

register = template.Library()

# As django.utils.html.json_script: text an editor types (say "</script>") cannot end the block.
JSON_ESCAPES = {">": "\\u003E", "<": "\\u003C", "&": "\\u0026"}


@register.simple_tag
def publisher_name():
    return settings.PUBLISHER_NAME


register.filter("absolute", site.absolute)


@register.simple_tag
def asset(path):
    """As ``{% static %}``, from a memo: a static file's address (its hashed name from the
    manifest) cannot change while the process runs."""
    return _asset(path)


@functools.lru_cache(maxsize=256)
def _asset(path):
    return static(path)


@register.simple_tag
def fixed(template_name):
    """A partial that depends on nothing but settings (the site's chrome: stylesheets, masthead,
    footer), rendered with no context once a process and language, as it is the same on every
    page."""
    return _fixed(template_name, translation.get_language())


@functools.lru_cache(maxsize=64)
def _fixed(template_name, language):
    return mark_safe(render_to_string(template_name))  # noqa: S308 (a template's own escaping)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    # As tests change settings: what a memo holds may depend on them.
    _asset.cache_clear()
    _fixed.cache_clear()


@register.simple_tag
def link(viewname, *args):
    """As ``{% url %}`` (no ``as``), from a memo (newsroom/links.py): the navigation and footer
    ask for the same addresses on every page."""
    return links.reverse(viewname, *args)


@register.filter
def clock(value):
    """UK clock time as a newsroom writes it, with its zone: 5:00am BST, 12:24pm GMT."""
    return _clock(timezone.localtime(value))


def _clock(local):
    hour = local.hour
    return f"{hour % 12 or 12}:{local.minute:02}{'am' if hour < 12 else 'pm'} {local:%Z}"


@register.filter
def day(value):
    """UK date as a newsroom writes it: 21 June 2022 (a time, in UK time; a date as it is)."""
    if not isinstance(value, datetime.datetime):
        return _day(value) if value else ""
    return _day(timezone.localtime(value))


def _day(local):
    # As dateformat's "j F Y", without formatting machinery run for each date on a page.
    return f"{local.day} {_month_names()[local.month]} {local.year}"


def _month_names():
    language = translation.get_language()
    if (names := _MONTH_NAMES.get(language)) is None:
        names = _MONTH_NAMES[language] = {number: str(name) for number, name in MONTHS.items()}
    return names


_MONTH_NAMES = {}


@register.filter
def day_and_time(value):
    """21 June 2022, 5:00am BST (UK time)."""
    local = timezone.localtime(value)
    return f"{_day(local)}, {_clock(local)}"


@register.filter
def iso(value):
    """As ``|date:'c'`` (ISO 8601 in the site's time zone), for ``<time datetime>``; a story
    page prints a dozen."""
    if not value:
        return ""
    return timezone.template_localtime(value).isoformat()


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
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for character, escaped in JSON_ESCAPES.items():  # str.translate is slower for a long text
        text = text.replace(character, escaped)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
