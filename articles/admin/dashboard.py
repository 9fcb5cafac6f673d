"""The desk's front page: the work waiting, most urgent first, each list with its count.

``desk_work`` gathers it for templates/admin/index.html in a fixed number of queries (two a
list: the count and the first few rows), and only the lists the signed-in person may see.
Stories needing attention are also a list of their own here, where editors mark them done.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone

from ..models import Article, CommentRequest, Correction, Status, StoryAttention

SHOWN = 10
RECENTLY_CORRECTED_DAYS = 14


@dataclass(frozen=True)
class WorkList:
    """One list on the front page: its rows (the first SHOWN), how many there are in all, and
    where to see them all."""

    key: str
    title: str
    rows: list
    count: int
    all_url: str

    @property
    def more(self):
        return self.count > len(self.rows)


def _work_list(key, title, queryset, all_url):
    return WorkList(
        key=key, title=title, rows=list(queryset[:SHOWN]), count=queryset.count(), all_url=all_url
    )


def desk_work(user):
    """The front page's lists, in the order the desk should look at them: {key: WorkList}."""
    stories = reverse("admin:articles_article_changelist")
    lists = {}
    if user.has_perm("articles.view_storyattention"):
        lists["attention"] = _work_list(
            "attention",
            "Needs attention",
            StoryAttention.objects.open().select_related("article", "report"),
            reverse("admin:articles_storyattention_changelist") + "?done=no",
        )
    if user.has_perm("articles.view_article"):
        lists["in_review"] = _work_list(
            "in_review",
            "Stories in review",
            Article.objects.filter(status=Status.IN_REVIEW)
            .select_related("modified_by")
            .order_by("-modified_at", "-pk"),
            f"{stories}?status={Status.IN_REVIEW}",
        )
        lists["scheduled"] = _work_list(
            "scheduled",
            "Scheduled next",
            Article.objects.scheduled().order_by("published_at", "pk"),
            f"{stories}?status=scheduled",
        )
    if user.has_perm("articles.view_correction"):
        since = timezone.now() - timedelta(days=RECENTLY_CORRECTED_DAYS)
        lists["corrected"] = _work_list(
            "corrected",
            f"Corrected in the last {RECENTLY_CORRECTED_DAYS} days",
            Correction.objects.filter(published_at__gte=since)
            .select_related("article")
            .order_by("-published_at", "-pk"),
            reverse("admin:articles_correction_changelist"),
        )
    if user.has_perm("articles.view_commentrequest"):
        lists["requests"] = _work_list(
            "requests",
            "Requests for comment awaiting a reply",
            CommentRequest.objects.open()
            .select_related("article", "organisation")
            .order_by("deadline", "pk"),
            reverse("admin:articles_commentrequest_changelist") + "?open=yes",
        )
    return lists


class DoneFilter(admin.SimpleListFilter):
    title = "done"
    parameter_name = "done"

    def lookups(self, request, model_admin):
        return [("no", "Not yet"), ("yes", "Done")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.open()
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(StoryAttention)
class StoryAttentionAdmin(admin.ModelAdmin):
    """Flagged stories: made by the grade import, done when the story is saved or ticked off."""

    list_display = ["article", "reason", "created_at", "resolved_at", "resolved_by"]
    list_filter = [DoneFilter]
    list_select_related = ["article", "resolved_by"]
    search_fields = ["article__headline", "reason"]
    date_hierarchy = "created_at"
    fields = ["article", "report", "reason", "created_at", "resolved_at", "resolved_by"]
    readonly_fields = fields
    actions = ["mark_done"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Mark selected stories as done", permissions=["change"])
    def mark_done(self, request, queryset):
        done = queryset.resolve(by=request.user)
        self.message_user(request, f"Marked {done} as done.", messages.SUCCESS)
