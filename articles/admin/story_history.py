"""A story's history at the desk: the list of versions, compare any two, restore one.

History is django-reversion's ``VersionAdmin`` (the revision is made around every admin save,
with the user and a note). Comparing and restoring are written here rather than taken from
django-reversion-compare: a short difflib view (``articles.history``) knows the story's own
fields, renders in our CSP-safe templates, and keeps one dependency fewer. Reversion's own
"revert" form is turned off, because a reverted copy would carry an old version stamp past the
lost-update check; ``publishing.restore`` does the same job as a new, deliberate revision.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import history, publishing
from ..forms import can_publish
from ..models import ReviewLinkVisit


class StoryHistoryMixin:
    """History, compare and restore views for ArticleAdmin."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<path:object_id>/restore/<int:version_id>/",
                self.admin_site.admin_view(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        story = self.get_object(request, unquote(object_id))
        versions = history.versions_of(story) if story else []
        # Each opening of a private review link is part of the story's record.
        visits = (
            ReviewLinkVisit.objects.filter(link__article=story).select_related("link")
            if story
            else []
        )
        return super().history_view(request, object_id, {"versions": versions, "visits": visits})

    def revision_view(self, request, object_id, version_id, extra_context=None):
        compare = reverse("admin:articles_article_compare", args=[object_id])
        return redirect(f"{compare}?a={version_id}&b=live")

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied  # a deleted story comes back by an Administrator, from a backup

    def compare_view(self, request, object_id):
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404
        if not self.has_view_or_change_permission(request, story):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **history.compare(story, request.GET.get("a"), request.GET.get("b")),
            "opts": self.model._meta,
            "original": story,
            "title": f"Compare versions of “{story}”",
            "can_restore": self._can_restore(request, story),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def _can_restore(self, request, story):
        return can_publish(request.user) and self.has_change_permission(request, story)

    def restore_view(self, request, object_id, version_id):
        return require_POST(self._restore)(request, object_id, version_id)

    def _restore(self, request, object_id, version_id):
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404
        if not self._can_restore(request, story):
            raise PermissionDenied
        version = get_object_or_404(history.versions_of(story), pk=version_id)
        try:
            publishing.restore(
                article=story,
                version=version,
                by=request.user,
                note=request.POST.get("note", "")[:200],
                minor=bool(request.POST.get("minor_edit")),
                update_note=request.POST.get("update_note", "")[:1000],
            )
        except publishing.RestoreRefused as refusal:
            self.message_user(request, f"Not restored. {refusal}", messages.ERROR)
            compare = reverse("admin:articles_article_compare", args=[story.pk])
            return redirect(f"{compare}?a={version.pk}&b=live")
        self.message_user(
            request,
            f"Restored the version of "
            f"{timezone.localtime(version.revision.date_created):%d %B %Y, %H:%M}.",
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", story.pk)
