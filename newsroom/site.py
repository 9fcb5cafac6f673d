"""Pieces of the reader site that both apps use: absolute addresses, paging, the navigation.

This module sits in the project package so that ``articles`` and ``inspections`` can both use
it without either importing the other. It knows no model of either app by import: the
navigation's sections are looked up by name, lazily.
"""

from django.apps import apps
from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from . import availability, caching, links

PER_PAGE = 20
NAV_CACHE_SECONDS = 24 * 60 * 60


def reader_pages(urlpatterns):
    """Reader pages answer GET and HEAD only; any other method gets 405 with an Allow header.
    Their queries run under the reader time limit (newsroom.availability)."""
    for pattern in urlpatterns:
        pattern.callback = require_safe(availability.reader_time_limit(pattern.callback))
    return urlpatterns


def absolute(url):
    """An absolute address on the public site, from settings.SITE_URL."""
    url = str(url or "")
    return url if "://" in url else f"{settings.SITE_URL}/{url.lstrip('/')}"


def page_of(request, queryset, per_page=PER_PAGE):
    """One page of a list; a page number that is not a page is a plain 404, never a 500."""
    try:
        return Paginator(queryset, per_page).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404("No such page.") from error


def site_render(request, template, context=None, status=None, using=None):
    """Render a reader page; a later page of a list is its own canonical address."""
    page = (context or {}).get("page")
    base = {}
    if page is not None and page.number > 1:
        base["canonical_url"] = absolute(f"{request.path}?page={page.number}")
    return render(request, template, base | (context or {}), status=status, using=using)


def nav_sections(content_generation=None):
    """The sections in the navigation, cached under the content generation (so an edited
    section shows at once), so that a page view does not pay a query for them. Kept for a day
    whatever PAGE_CACHE_SECONDS says: a new generation makes a new key anyway."""
    section_model = apps.get_model("articles", "Section")

    def sections():
        return [(s.name, s.get_absolute_url()) for s in section_model.objects.all()]

    try:
        key = f"site:nav-sections:{content_generation or caching.generation()}"
    except caching.CacheUnavailable:
        return sections()
    # Each generation is new, never reused, so the process keeps the last one's answer too.
    if (kept := _nav_kept) is not None and kept[0] == key:
        return kept[1]
    try:
        found = caching.cache_call("get_or_set", key, sections, NAV_CACHE_SECONDS)
    except caching.CacheUnavailable:
        return sections()
    _keep_nav(key, found)
    return found


_nav_kept = None  # (key, sections) of the latest generation this process has seen


def _keep_nav(key, found):
    global _nav_kept  # noqa: PLW0603 (one tuple, replaced whole: safe across threads)
    _nav_kept = (key, found)


def header_html(request):
    """The site's header (_header.html): brand, search and the sections' navigation, the
    current page marked. It is the same on every page of a generation but those it marks, so
    each process renders it once per page it marks (and once for all other pages) and keeps it
    until the sections change."""
    global _header_rendered  # noqa: PLW0603 (one tuple, replaced whole: safe across threads)
    sections = nav_sections(getattr(request, "content_generation", None))
    if _header_rendered[0] is not sections:
        _header_rendered = (sections, {})
    rendered = _header_rendered[1]
    here = request.path
    marked = {links.reverse("articles:home"), links.reverse("articles:corrections")}
    current = here if here in marked.union(url for _, url in sections) else ""
    if (html := rendered.get(current)) is None:
        html = rendered[current] = render_to_string(
            "_header.html", {"sections": sections, "current": current}
        )
    return html


_header_rendered = (None, {})  # (the sections, {current page: header}) of the latest


def context(request):
    """What base.html needs on every page: its header and canonical address, worked out only
    if a template uses them. The page cache has already read the generation for this request."""
    return {
        "header": lambda: header_html(request),
        "canonical_url": lambda: absolute(request.path),
    }
