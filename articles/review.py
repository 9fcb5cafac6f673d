"""The private review copy: a story's current text for the named holder of a review link."""

from django.http import Http404
from django.utils.cache import add_never_cache_headers, patch_cache_control

from newsroom.site import site_render

from .models import Article, ReviewLink, ReviewLinkVisit
from .models.review import token_digest
from .views import STORY_TEMPLATE_ENGINE, story_page_context, with_story_page_data


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
    article = with_story_page_data(Article.objects.filter(pk=link.article_id)).get()
    if request.method == "GET":
        ReviewLinkVisit.objects.create(link=link)
    context = story_page_context(article) | {"review_link": link}
    response = site_render(
        request, "articles/article_review.html", context, using=STORY_TEMPLATE_ENGINE
    )
    # Neither the page cache nor a browser nor a proxy keeps it; search engines never index it.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leave in a Referer header
    return response
