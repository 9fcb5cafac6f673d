"""Right of reply at the desk: requests for comment on a story, and a late reply recorded as
the story's update note in one step."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.utils import timezone

from .. import publishing
from ..models import CommentRequest, ReplyStatus
from .widgets import KnownChoicesAdminMixin

RECORD_REPLY = "_record_reply"
LATE_ANSWERS = [ReplyStatus.QUOTED, ReplyStatus.SUMMARISED, ReplyStatus.DECLINED]

REQUEST_FIELDS = [
    "organisation",
    "person_name",
    "person_role",
    "channel",
    "asked_at",
    "deadline",
    "status",
    "received_at",
    "reply",
]


class CommentRequestInline(KnownChoicesAdminMixin, admin.StackedInline):
    """For those who edit the story: whom we asked, when, and what came back."""

    model = CommentRequest
    extra = 0
    fields = REQUEST_FIELDS
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        # Each row's name and its organisation's option come from this one query.
        return super().get_queryset(request).select_related("article", "organisation")

    def _edits(self, request, story):
        return story is None or story.is_editable_by(request.user)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._edits(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._edits(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._edits(request, obj)


class CommentRequestForm(forms.ModelForm):
    update_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only with “Record reply and add update note”, on a published story: what "
        "readers see. Leave empty for a note made from the reply.",
    )
    records_reply = False  # set by the admin when that button was pressed

    class Meta:
        model = CommentRequest
        fields = ["article", *REQUEST_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if not self.records_reply:
            return cleaned
        article = cleaned.get("article")
        if article is not None and not article.is_published():
            self.add_error(None, "An update note is only for a published story; just save.")
        if not cleaned.get("received_at"):
            cleaned["received_at"] = timezone.now()  # recorded as it comes in
        if cleaned.get("status") not in LATE_ANSWERS:
            self.add_error("status", "Choose what came back: quoted, summarised or declined.")
        if cleaned.get("status") in {ReplyStatus.QUOTED, ReplyStatus.SUMMARISED} and not (
            cleaned.get("reply") or cleaned.get("update_note")
        ):
            self.add_error("reply", "Enter the reply, or write the update note yourself.")
        return cleaned


class DeadlineFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("passed", "Passed"), ("day", "Within a day"), ("week", "Within a week")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "passed":
            return queryset.filter(deadline__lte=now)
        if self.value() == "day":
            return queryset.filter(deadline__gt=now, deadline__lte=now + timedelta(days=1))
        if self.value() == "week":
            return queryset.filter(deadline__gt=now, deadline__lte=now + timedelta(days=7))
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = "answer"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "Awaiting a reply"), ("no", "Answered or closed")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.open())
        return queryset


@admin.register(CommentRequest)
class CommentRequestAdmin(admin.ModelAdmin):
    form = CommentRequestForm
    list_display = ["recipient", "article", "channel", "asked_at", "deadline", "status"]
    list_filter = [OpenFilter, DeadlineFilter, "status", "channel"]
    search_fields = ["article__headline", "organisation__name", "person_name"]
    date_hierarchy = "deadline"
    autocomplete_fields = ["article", "organisation"]
    ordering = ["deadline"]
    change_form_template = "admin/articles/commentrequest/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "organisation")

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": ["article", *REQUEST_FIELDS]})]
        if self._may_record_reply(request, obj):
            fieldsets.append(("After publication", {"fields": ["update_note"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        records = RECORD_REPLY in request.POST and self._may_record_reply(request, obj)
        return type(form.__name__, (form,), {"records_reply": records})

    @admin.display(description="Asked", ordering="organisation__name")
    def recipient(self, comment_request):
        return comment_request.recipient

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self._edits_or_adds_notes(request, obj.article)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or obj.article.is_editable_by(request.user)

    def _edits_or_adds_notes(self, request, story):
        """Those who edit the story, and the corrections desk for a reply after publication."""
        return story.is_editable_by(request.user) or (
            story.is_published() and request.user.has_perm("articles.add_correction")
        )

    def _may_record_reply(self, request, obj):
        return (
            obj is not None
            and obj.article.is_published()
            and request.user.has_perm("articles.add_correction")
            and self.has_change_permission(request, obj)
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_record_reply"] = self._may_record_reply(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        # The change view runs in one transaction: the reply and its update note are saved
        # together or not at all.
        super().save_model(request, obj, form, change)
        if form.records_reply:
            note = form.cleaned_data.get("update_note", "").strip() or obj.late_reply_note()
            publishing.record_update_note(article=obj.article, text=note, by=request.user)
