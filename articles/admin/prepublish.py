"""The story form's pre-publish check panel: drawn on the page, and refreshed as the editor
works by static/admin/newsroom/prepublish.js, which posts the form's fields to a JSON endpoint.

The endpoint is a POST (the fields may be long), behind the admin's login and CSRF check, and
answers only those who may edit the story (or add one); it writes nothing.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from inspections.models import InspectionReport

from .. import checks
from ..forms import can_publish
from ..models import Article, Byline, CommentRequest

PANEL_TEMPLATE = "admin/articles/article/_prepublish.html"


class PrepublishMixin:
    """For ArticleAdmin: the panel's context on the change form, and its endpoint."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin/newsroom/prepublish.js"], css={"all": ["admin/newsroom/prepublish.css"]}
        )

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.prepublish_view))
        return [
            path("add/prepublish/", view, name="articles_article_prepublish_add"),
            path("<path:object_id>/prepublish/", view, name="articles_article_prepublish"),
            *super().get_urls(),
        ]

    def prepublish_view(self, request, object_id=None):
        story = None
        if object_id is not None:
            story = Article.objects.filter(pk=object_id).first() if object_id.isdigit() else None
            if story is None:
                raise Http404("No such story.")
            if not self.has_change_permission(request, story):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request, story, change=story is not None)(
            request.POST, request.FILES, instance=story or Article()
        )
        result = checks.panel(**checks.as_posted(form, story))
        ack = request.POST.get(checks.ACKNOWLEDGE_FIELD)
        context = {"prepublish": panel_context(result, ack, can_publish(request.user))}
        return JsonResponse(
            {
                **result.as_json(),
                "html": render_to_string(PANEL_TEMPLATE, context | {"results_only": True}),
            }
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        ack = form[checks.ACKNOWLEDGE_FIELD].value() if form.is_bound else False
        url = (
            reverse("admin:articles_article_prepublish", args=[obj.pk])
            if obj is not None
            else reverse("admin:articles_article_prepublish_add")
        )
        # Only those who may publish this story are offered the acknowledgement.
        may_publish = can_publish(request.user) and (
            obj is None or self.has_change_permission(request, obj)
        )
        if form.is_bound or obj is None:
            result = checks.panel_for_form(form)
        else:
            result = checks.panel(obj, **_read_for_page(context, form))
        context["prepublish"] = panel_context(result, ack, may_publish) | {"url": url}
        return super().render_change_form(request, context, add, change, form_url, obj)


def _read_for_page(context, form):
    """What the panel needs of a stored story that the page has read already: the reports the
    form lists, and the bylines and requests for comment its inlines show (each read once)."""
    known = {}
    reports = form.initial.get("reports")
    if isinstance(reports, list) and all(isinstance(r, InspectionReport) for r in reports):
        known["reports"] = reports
    for inline in context.get("inline_admin_formsets", []):
        if inline.formset.model is Byline:
            known["byline_count"] = len(inline.formset.get_queryset())
        if inline.formset.model is CommentRequest:
            known["requests"] = list(inline.formset.get_queryset())
    return known


def panel_context(result, acknowledged, may_publish):
    return {
        "blockers": result.blockers,
        "warnings": result.warnings,
        "acknowledged": bool(acknowledged),
        "may_publish": may_publish,
        "field": checks.ACKNOWLEDGE_FIELD,
    }
