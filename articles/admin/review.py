"""Private review links, made and revoked by editors from the desk."""

from django.contrib import admin, messages
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from newsroom.site import absolute

from ..models import ReviewLink, ReviewLinkVisit

EDITORS = "articles.publish_article"


class ReviewLinkVisitInline(admin.TabularInline):
    model = ReviewLinkVisit
    extra = 0
    fields = ["visited_at"]
    readonly_fields = ["visited_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReviewLink)
class ReviewLinkAdmin(admin.ModelAdmin):
    list_display = ["article", "recipient", "expires_at", "revoked_at", "visit_count", "last_visit"]
    list_filter = ["expires_at", "revoked_at"]
    search_fields = ["recipient", "article__headline"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["article"]
    readonly_fields = ["created_by", "created_at", "revoked_at"]
    inlines = [ReviewLinkVisitInline]
    actions = ["revoke_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            .annotate(visit_count=Count("visits"), last_visit=Max("visits__visited_at"))
        )

    @admin.display(description="Opened", ordering="visit_count")
    def visit_count(self, link):
        return link.visit_count

    @admin.display(description="Last opened", ordering="last_visit")
    def last_visit(self, link):
        return link.last_visit

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["article", "recipient", "expires_at"]
        return ["article", "recipient", "expires_at", "created_by", "created_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        # A link's story and recipient are fixed once made: a new person gets a new link.
        return self.readonly_fields + (["article", "recipient"] if obj else [])

    def save_model(self, request, obj, form, change):
        if not change:
            token = obj.new_token()
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            url = absolute(reverse("articles:review", args=[token]))
            # Only the token's digest is stored: this is the one time the address can be shown.
            self.message_user(
                request,
                f"Review link for {obj.recipient}: {url} — copy it now; it is not shown again.",
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke selected review links", permissions=["change"])
    def revoke_selected(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} review links.", messages.SUCCESS)

    # Editors only: a review link shows a draft to someone outside the newsroom.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(EDITORS)

    def has_add_permission(self, request):
        return request.user.has_perm(EDITORS)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(EDITORS)

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who was shown what is kept; revoke instead
