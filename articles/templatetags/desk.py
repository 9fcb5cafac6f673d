"""Template tags for the desk's own pages (the admin)."""

from django import template
from django.db.models import F

from ..models import CommentRequest

register = template.Library()

OPEN_REQUESTS_SHOWN = 10


@register.simple_tag(takes_context=True)
def open_comment_requests(context):
    """The requests for comment still awaiting a reply, soonest deadline first, and how many
    there are; None for staff who may not see them."""
    if not context["request"].user.has_perm("articles.view_commentrequest"):
        return None
    waiting = CommentRequest.objects.open().order_by(F("deadline").asc(nulls_last=True), "pk")
    return {
        "shown": waiting.select_related("article", "organisation")[:OPEN_REQUESTS_SHOWN],
        "count": waiting.count(),
    }
