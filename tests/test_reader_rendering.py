"""What reader pages work out once instead of on every request still comes out right: the
navigation (rendered once per generation and marked page), addresses (newsroom/links.py) and the
date filters that stand in for Django's |date."""

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Section
from newsroom import links

pytestmark = [
    pytest.mark.django_db(transaction=True),  # writes commit, so generations move
    pytest.mark.usefixtures("no_page_cache"),
]


def nav_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return re.search(r'<nav class="sections".*?</nav>', html, re.S).group(0)


def current_links(nav):
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def test_the_navigation_marks_the_page_it_is_on_and_no_other(client, make_article, section):
    story = make_article()
    Section.objects.create(name="Sport", slug="sport", position=5)
    assert current_links(nav_of(client, "/")) == ["/"]
    assert current_links(nav_of(client, section.get_absolute_url())) == [section.get_absolute_url()]
    assert current_links(nav_of(client, "/corrections/")) == ["/corrections/"]
    story_nav = nav_of(client, story.get_absolute_url())
    assert current_links(story_nav) == []
    assert ">Sport</a>" in story_nav
    # Another page of the same generation is marked afresh, not served another page's mark.
    assert current_links(nav_of(client, "/")) == ["/"]


def test_a_renamed_or_new_section_shows_in_the_navigation_at_once(client, make_article, section):
    story = make_article()
    assert ">News</a>" in nav_of(client, story.get_absolute_url())
    section.name = "Local news"
    section.save()
    Section.objects.create(name="Courts", slug="courts", position=9)
    nav = nav_of(client, story.get_absolute_url())
    assert ">Local news</a>" in nav
    assert ">Courts</a>" in nav
    assert ">News</a>" not in nav


def test_addresses_follow_the_urlconf_and_script_prefix(settings):
    assert links.reverse("articles:detail", slug="a-story") == reverse(
        "articles:detail", kwargs={"slug": "a-story"}
    )
    with override_settings(FORCE_SCRIPT_NAME="/paper/"):
        from django.urls import set_script_prefix

        set_script_prefix("/paper/")
        try:
            assert links.reverse("articles:home") == "/paper/"
        finally:
            set_script_prefix("/")
    assert links.reverse("articles:home") == "/"


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2022, 6, 21, 4, 0, tzinfo=dt.UTC),  # 5:00am BST
        dt.datetime(2022, 1, 5, 23, 30, 15, 120, tzinfo=dt.UTC),  # GMT, with microseconds
        dt.datetime(2022, 10, 30, 0, 59, tzinfo=dt.UTC),  # the last BST minute
        dt.datetime(2022, 10, 30, 1, 0, tzinfo=dt.UTC),  # the first GMT one
        dt.datetime(2023, 3, 26, 1, 0, tzinfo=dt.UTC),  # the first BST one
    ],
)
def test_the_date_filters_say_what_djangos_date_filter_says(value):
    ours = Template("{% load site %}{{ v|iso }}|{{ v|day }}|{{ d|iso }}|{{ d|day }}")
    django = Template(
        "{{ v|date:'c' }}|{{ v|date:'j F Y' }}|{{ d|date:'Y-m-d' }}|{{ d|date:'j F Y' }}"
    )
    context = Context({"v": value, "d": timezone.localdate(value)})
    assert ours.render(context) == django.render(context)
    assert Template("{% load site %}{{ v|day_and_time }}").render(context) == (
        Template("{{ v|date:'j F Y' }}, {% load site %}{{ v|clock }}").render(context)
    )


def test_the_date_filters_print_nothing_for_no_date():
    context = Context({"v": None})
    assert Template("{% load site %}[{{ v|iso }}][{{ v|day }}]").render(context) == "[][]"
