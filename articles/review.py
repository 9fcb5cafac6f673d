"""The private review copy: a story's current text for the named holder of a review link."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.cache import add_never_cache_headers, patch_cache_control

from inspections.models import InspectionReport
from newsroom.site import site_render

from . import jsonld
from .models import Article, Byline, Correction, Placement, ReviewLink, ReviewLinkVisit
from .models.review import token_digest
from .views import hero_image


def review_copy(request, token):
    """A tampered, expired or revoked token is a plain 404, like any address that is not a page."""
    link = (
        ReviewLink.objects.usable()
        .select_related("article")
        .filter(token_digest=token_digest(token))
        .first()
    )
    if link is None:
        raise Http404("No such page.")
    article = (
        Article.objects.filter(pk=link.article_id)
        .select_related("section")
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            "tags",
            Prefetch("corrections", queryset=Correction.objects.visible()),
            Prefetch("reports", queryset=InspectionReport.objects.for_panel()),
        )
        .get()
    )
    if request.method == "GET":
        ReviewLinkVisit.objects.create(link=link)
    corrections = article.corrections.all()
    hero = hero_image(article)
    context = {
        "article": article,
        "review_link": link,
        "bylines": article.bylines.all(),
        "reports": article.reports.all(),
        "top_corrections": [c for c in corrections if c.placement == Placement.TOP],
        "footnote_corrections": [c for c in corrections if c.placement != Placement.TOP],
        "related": [],
        "hero": hero,
        "json_ld": jsonld.news_article(article, hero),
    }
    response = site_render(request, "articles/article_review.html", context)
    # Neither the page cache nor a browser nor a proxy keeps it; search engines never index it.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leave in a Referer header
    return response
