"""The reader-facing site: lists of stories, the story page, search and corrections."""

from itertools import chain

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.flatpages.models import FlatPage
from django.core.paginator import InvalidPage, Paginator
from django.db import DatabaseError, connection
from django.db.models import F, Prefetch, Window, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from inspections.models import InspectionReport
from inspections.panel import cached_story_reports, panel_version, story_reports
from inspections.source_models import report_pages
from newsroom import availability
from newsroom.site import PER_PAGE, page_of, site_render

from . import images, jsonld, story_data
from .models import (
    Article,
    Author,
    Byline,
    CommentRequest,
    Correction,
    Placement,
    Section,
    SlugRedirect,
    Tag,
    sanitise_body,
)
from .models.stories import teaser_bylines
from .search import search_page
from .sitemaps import public_story_count, until_next_write
from .templatetags.citations import cited_numbers

SECTION_BLOCK_SIZE = 3  # stories per section on the home page
SEARCH_MAX_LENGTH = 200


def home(request):
    """The front page: the lead, the latest stories and the newest few of each section, with
    the bylines of all of them in one query; a later page is the plain list."""
    stories = Article.objects.published().teasers().prefetch_related(None)
    page = counted_page(request, stories, public_story_count())
    page.object_list = shown = list(page.object_list)
    context = {"page": page, "json_ld": jsonld.publisher_page()}
    if page.number == 1:
        pinned = stories.filter(is_lead=True).first()
        context["lead"] = lead = pinned or (shown[0] if shown else None)
        context["latest"] = [story for story in shown if story != lead]
        context["hero"] = lead and hero_image(lead)
        by_section = latest_by_section(SECTION_BLOCK_SIZE)
        context["by_section"] = by_section.items()
        shown = [*shown, *([pinned] if pinned else []), *chain.from_iterable(by_section.values())]
    prefetch_related_objects(shown, teaser_bylines())
    return site_render(request, "articles/home.html", context)


def counted_page(request, queryset, count, per_page=PER_PAGE):
    """One page of a list whose length is known (kept until the next write), so that a page of
    the archive does not count the archive; not a page: a plain 404."""
    paginator = Paginator(queryset, per_page)
    paginator.count = count  # a cached_property: set, not computed
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404("No such page.") from error


def latest_by_section(size):
    """The newest `size` public stories of each section, in navigation order, in one query
    (their bylines are the caller's: home() fetches them with the rest of the page's).

    On PostgreSQL a LATERAL join reads `size` rows per section from the partial index on public
    stories, however large the archive. Elsewhere (SQLite, for development) a window function
    numbers every public story of each section, which is fine at that size."""
    published = Article.objects.published()
    if connection.vendor == "postgresql":
        newest = (
            published.filter(section_id=RawSQL("newsroom_section.id", ()))
            .order_by("-published_at", "-pk")
            .values_list("pk")[:size]
        )
        # The inner SQL is Django's own compilation of the query above; its values stay
        # parameters, so nothing a reader sends is written into the SQL.
        sql, params = newest.query.get_compiler(connection=connection).as_sql()
        lateral = f"SELECT newest.pk FROM articles_section AS newsroom_section CROSS JOIN LATERAL ({sql}) AS newest"  # noqa: E501, S608
        ids = RawSQL(lateral, params)  # noqa: S611
    else:
        number = Window(RowNumber(), partition_by=F("section"), order_by=F("published_at").desc())
        ids = published.annotate(number=number).filter(number__lte=size).values("pk")
    stories = (
        published.filter(pk__in=ids)
        .teasers()
        .prefetch_related(None)
        .order_by("section__position", "section__name", "-published_at", "-pk")
    )
    by_section = {}
    for article in stories:
        by_section.setdefault(article.section, []).append(article)
    return by_section


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    page = page_of(request, section.articles.published().teasers())
    return site_render(request, "articles/section_detail.html", {"section": section, "page": page})


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = page_of(request, tag.articles.published().teasers())
    return site_render(request, "articles/tag_detail.html", {"tag": tag, "page": page})


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    stories = author.articles.published()
    context = {
        "author": author,
        "page": page_of(request, stories.teasers()),
        "correction_count": Correction.objects.listed().filter(article__authors=author).count(),
    }
    return site_render(request, "articles/author_detail.html", context)


def with_story_page_data(articles, *, reports_cached=False):
    """Everything a story page shows, in a fixed number of queries (the story page and the
    private review copy both read a story this way). With `reports_cached` the story's reports
    come from the cache (inspections.panel.cached_story_reports), so they are left out."""
    reports = (
        []
        if reports_cached
        else [
            Prefetch("reports", queryset=InspectionReport.objects.for_panel()),
            report_pages("reports__sources"),
        ]
    )
    return articles.select_related("section").prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("author")),
        "tags",
        Prefetch("corrections", queryset=Correction.objects.visible().with_last_amendment()),
        Prefetch("comment_requests", queryset=CommentRequest.objects.for_story()),
        "sources",
        *reports,
    )


# The story page's templates are Jinja2's (templates/jinja2/; newsroom/jinja.py says why).
STORY_TEMPLATE_ENGINE = "jinja2"
STORY_TEMPLATE = "articles/article_detail.html"


def story_page_context(article, *, reports=None):
    """The template context of a story fetched by with_story_page_data(); `reports` are its
    reports as inspections.panel.story_reports() gives them, made here when not given."""
    corrections = article.corrections.all()
    # The earlier wordings cost a query only on the rare story with an amended entry.
    prefetch_related_objects([c for c in corrections if c.last_amended_at], "amendments")
    article.latest_entry = corrections[len(corrections) - 1] if corrections else None
    if reports is None:
        reports = story_reports(article.reports.all())
    hero = hero_image(article)
    return {
        "article": article,
        "public": article.is_published(),
        "description": article.seo_description or article.standfirst,
        "bylines": article.bylines.all(),
        "tags": article.tags.all(),
        "comment_requests": article.comment_requests.all(),
        "sources": article.sources.all(),
        "cited": cited_numbers(article.body),
        "reports": reports,
        "top_corrections": [c for c in corrections if c.placement == Placement.TOP],
        "footnote_corrections": [c for c in corrections if c.placement != Placement.TOP],
        "related": [],
        "hero": hero,
        "json_ld": jsonld.news_article(article, hero, reports),
    }


def moved_story(request, slug, *, staff):
    """A permanent redirect to the story that had this address before it moved, or a 404."""
    objects = Article.objects
    articles = objects.previewable_by(request.user) if staff else objects.published()
    moved = SlugRedirect.objects.filter(old_slug=slug, article__in=articles).first()
    if moved is None:
        raise Http404("No such story.")
    return redirect(moved.article, permanent=True)


def article_detail(request, slug):
    version = panel_version()  # before the data: see inspections.panel
    cached = cached_story_reports(slug, version)
    staff = request.user.is_authenticated and request.user.is_staff
    if staff:  # drafts too, as Article.previewable_by says
        articles = Article.objects.previewable_by(request.user)
        article = with_story_page_data(articles, reports_cached=cached is not None)
        article = article.filter(slug=slug).first()
    else:  # the same data, from SQL compiled once per process (articles/story_data.py)
        article = story_data.public_story(slug)
    if article is None:
        return moved_story(request, slug, staff=staff)

    if cached is not None:
        # The cache says which reports the story had; the database says which it has now.
        ids = story_data.report_ids(article)
        reports = [cached[pk] for pk in ids if pk in cached]
        if missing := [pk for pk in ids if pk not in cached]:  # linked since they were cached
            reports += (
                InspectionReport.objects.for_panel()
                .filter(pk__in=missing)
                .prefetch_related(report_pages())
            )
    elif staff:
        reports = article.reports.all()
    else:
        reports = InspectionReport.objects.for_panel().filter(articles=article.pk)
        reports = reports.prefetch_related(report_pages())
    reports = story_reports(reports, story=slug, version=version)
    context = story_page_context(article, reports=reports)
    context["related"] = story_data.related_stories(article)
    response = site_render(request, STORY_TEMPLATE, context, using=STORY_TEMPLATE_ENGINE)
    if not context["public"]:
        add_never_cache_headers(response)  # a draft must never sit in a cache
    return response


# Once all of a picture's renditions are stored their addresses never change (imagekit names
# them from the picture's name), so a process works them out once per picture, not per request.
# The key holds the story's modified_at too: a story saved with a new picture is looked at again.
_ready_heroes = {}
READY_HEROES_KEPT = 4096


def hero_image(article):
    """The hero's renditions for `srcset`, or the original picture alone while they are being
    made in the background (never here); None when there is no picture or it cannot be read."""
    picture = article.hero_image
    if not picture:
        return None
    key = (picture.name, article.modified_at)
    if (hero := _ready_heroes.get(key)) is not None:
        return hero
    try:
        if not picture.renditions_ready:
            return {
                "src": picture.url,
                "srcset": f"{picture.url} {images.picture_width(picture)}w",
                "large": picture.url,
            }
        hero = {
            "src": article.hero_medium.url,
            "srcset": ", ".join(
                f"{spec.url} {width}w"
                for spec, width in [
                    (article.hero_small, 480),
                    (article.hero_medium, 960),
                    (article.hero_large, 1600),
                ]
            ),
            "large": article.hero_large.url,
        }
    except (OSError, ValueError):  # also a stored file that is not a picture (images.NotAPicture)
        return None
    if len(_ready_heroes) >= READY_HEROES_KEPT:
        _ready_heroes.clear()
    _ready_heroes[key] = hero
    return hero


def search(request):
    """Search of public stories (articles/search.py). A search that would take longer than
    the reader time limit gets a plain 503 page asking for a narrower one, never a 500."""
    query = " ".join(request.GET.get("q", "").replace("\x00", " ").split())
    context = {"query": query, "max_length": SEARCH_MAX_LENGTH}
    status = None
    if len(query) > SEARCH_MAX_LENGTH:
        context["too_long"] = True
    elif query:
        number = request.GET.get("page") or "1"
        if not number.isdigit() or int(number) < 1:
            raise Http404("No such page.")
        try:
            page = search_page(Article.objects.published().teasers(), query, int(number))
        except DatabaseError as error:
            if not availability.ran_out_of_time(error):
                raise
            context["too_broad"], status = True, 503
        else:
            if page is None:
                raise Http404("No such page.")
            context["page"] = page
            context["page_params"] = urlencode({"q": query})
    response = site_render(request, "articles/search.html", context, status=status)
    if status == 503:
        add_never_cache_headers(response)
    return response


def correction_list(request):
    corrections = (
        Correction.objects.listed()
        .select_related("article__section")
        .order_by("-published_at", "-pk")
    )
    section = None
    if slug := request.GET.get("section"):
        section = Section.objects.filter(slug=slug).first()
        if section is None:
            raise Http404("No such section.")
        corrections = corrections.filter(article__section=section)
    count = until_next_write(
        f"corrections-count:{section.pk if section else ''}", corrections.count
    )
    context = {
        "page": counted_page(request, corrections.defer("article__body"), count),
        "section": section,
        "all_sections": Section.objects.all(),
        "page_params": urlencode({"section": section.slug}) if section else "",
    }
    return site_render(request, "articles/correction_list.html", context)


def about_page(request, url):
    """An editable page under /about/ (django.contrib.flatpages), in the site's layout."""
    url = f"/about/{url}"
    page = get_object_or_404(FlatPage, url=url, sites=settings.SITE_ID)
    if page.registration_required and not request.user.is_authenticated:
        return redirect_to_login(request.path)
    # Flat pages are edited in Django's own admin form, so they are sanitised here, with the
    # same allow-list as story bodies, before the template marks them safe.
    page.content = sanitise_body(page.content)
    return site_render(request, "flatpages/default.html", {"flatpage": page})
