"""The desk's story pages: the list, the change form, its inlines and actions.

Roles are enforced here and in ``forms.py``, on the server: ``has_*_permission`` per story,
the form's allowed fields and statuses, and permissions on the actions. Every write goes
through ``articles.publishing``.
"""

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connection, models, transaction
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from js_asset import Media
from reversion import set_comment
from reversion.admin import VersionAdmin

from .. import publishing, search
from ..forms import ArticleAdminForm, BylineFormSet, can_publish
from ..models import (
    Article,
    Byline,
    Correction,
    Status,
    StorySource,
    sanitise_body,
)
from .replies import CommentRequestInline
from .story_history import StoryHistoryMixin


def _edits(request, story):
    return story is None or story.is_editable_by(request.user)


class StatusFilter(admin.SimpleListFilter):
    """Workflow status, with "Scheduled" (published, time still ahead) as its own choice."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (Status.DRAFT, "Draft"),
            (Status.IN_REVIEW, "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Published (live)"),
            (Status.UNPUBLISHED, "Unpublished"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "live":
            return queryset.published()
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


class BylineInline(admin.TabularInline):
    model = Byline
    formset = BylineFormSet
    extra = 0
    min_num = 0
    fields = ["position", "author", "role"]
    autocomplete_fields = ["author"]
    ordering = ["position", "pk"]

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and _edits(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _edits(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _edits(request, obj)


class StorySourceInline(admin.TabularInline):
    """The story's numbered sources; its text cites source N with a link to #source-N."""

    model = StorySource
    extra = 0
    fields = ["position", "title", "url", "publisher", "published_on", "accessed_on"]
    ordering = ["position", "pk"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and _edits(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _edits(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _edits(request, obj)


class CorrectionInline(admin.StackedInline):
    """Add-only, for those who edit the story: a saved correction is shown as it was
    published; only an Administrator amends one, from the corrections list. The corrections
    desk, which reads stories but does not edit them, uses the story page's "Add a correction"
    link to the correction form."""

    model = Correction
    extra = 0
    fields = ["kind", "text", "internal_note", "placement", "published_at", "created_by"]
    readonly_fields = ["published_at", "created_by"]
    verbose_name = "correction or update"
    verbose_name_plural = "corrections and updates"

    def has_add_permission(self, request, obj):
        return (
            obj is not None
            and request.user.has_perm("articles.add_correction")
            and obj.is_editable_by(request.user)
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EstimatedCountPaginator(Paginator):
    """The unfiltered story list counted from PostgreSQL's statistics (pg_class.reltuples, as
    of the last ANALYZE) once the table is large: an exact count reads every row, a quarter
    of a second at 100,000 stories. A filtered list, or a small table, is counted exactly."""

    ESTIMATE_ABOVE = 10_000

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if connection.vendor == "postgresql" and query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > self.ESTIMATE_ABOVE:
                return row[0]
        return super().count


@admin.register(Article)
class ArticleAdmin(StoryHistoryMixin, VersionAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "display_status",
        "section",
        "byline",
        "published_at",
        "last_edited",
    ]
    list_filter = [StatusFilter, "section", "authors"]
    search_fields = ["headline", "standfirst"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "tags", "reports"]
    readonly_fields = [
        "body_as_read",
        "first_published_at",
        "updated_at",
        "created_by",
        "modified_by",
    ]
    inlines = [BylineInline, StorySourceInline, CommentRequestInline, CorrectionInline]
    actions = ["publish_selected", "unpublish_selected"]
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    class Media:
        css = {"all": ["admin/newsroom/desk.css"]}

    def get_fieldsets(self, request, obj=None):
        this_change = ["minor_edit", "update_note", "revision_note"] if obj else ["revision_note"]
        # Those who read a story here without editing it (the corrections desk) read its text
        # as readers do, not as HTML source.
        reads_only = obj is not None and not self.has_change_permission(request, obj)
        return [
            (
                None,
                {
                    "fields": [
                        "headline",
                        "slug",
                        "standfirst",
                        "body_as_read" if reads_only else "body",
                    ]
                },
            ),
            ("Filing", {"fields": ["section", "tags", "reports", "is_lead"]}),
            (
                "Hero image",
                {
                    "fields": [
                        "hero_image",
                        "hero_alt",
                        "hero_is_decorative",
                        "hero_caption",
                        "hero_credit",
                    ]
                },
            ),
            ("Search and social", {"fields": ["seo_title", "seo_description"]}),
            ("Workflow", {"fields": ["status", "published_at", "loaded_version"]}),
            ("This change", {"fields": this_change}),
            (
                "Record",
                {
                    "classes": ["collapse"],
                    "fields": ["first_published_at", "updated_at", "created_by", "modified_by"],
                },
            ),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing()

    # The list at 100,000 stories: search on the reader search's index, no second "of N"
    # count, an estimated count for the whole list, and 50 rows a page (rendering the rows
    # costs more than their queries).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        if search_term.strip() and search.uses_index():
            return search.matching(queryset, search_term), False
        return super().get_search_results(request, queryset, search_term)

    def get_object(self, request, object_id, from_field=None):
        story = super().get_object(request, object_id, from_field)
        if story is not None and request.method == "POST":
            # Lock the row for this request's transaction: the version check in the form and
            # the save that follows cannot interleave with another save (no lost updates).
            story = Article.objects.select_for_update().get(pk=story.pk)
        return story

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    @admin.display(description="Body")
    def body_as_read(self, article):
        return mark_safe(sanitise_body(article.body))  # noqa: S308 (sanitised just now)

    @admin.display(description="Status", ordering="status")
    def display_status(self, article):
        return article.display_status

    @admin.display(description="Last edited", ordering="modified_at")
    def last_edited(self, article):
        return article.modified_at

    @admin.display(description="Byline")
    def byline(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all())

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return obj.is_editable_by(request.user)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def save_model(self, request, obj, form, change):
        request.revision_note = form.cleaned_data.get("revision_note", "")
        publishing.save_story(article=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if note := form.cleaned_data.get("update_note", "").strip():
            publishing.record_update_note(article=form.instance, text=note, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        formset.new_objects = [
            publishing.append_correction(correction=draft, by=request.user)
            for draft in formset.save(commit=False)
        ]
        return formset.new_objects

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._add_revision_note(request, entry)
        return entry

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method == "GET":
            self._warn_about_grade_counts(request, obj)
        context["can_add_correction"] = obj is not None and request.user.has_perm(
            "articles.add_correction"
        )
        # The rich-text editor loads its modules through an import map, an inline script: it
        # runs under the site's CSP only with this response's nonce (django-csp adds the nonce
        # to the header only on pages that use it, so reader pages stay 'self'-only).
        context["media"] = Media.from_media(context["media"]).with_nonce(request.csp_nonce)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self._warn_about_grade_counts(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._warn_about_grade_counts(request, obj)
        return super().response_change(request, obj)

    def _warn_about_grade_counts(self, request, article):
        for warning in article.grade_count_warnings():
            self.message_user(request, warning, messages.WARNING)
        if request.method == "GET":
            for warning in publishing.publish_warnings(article):
                self.message_user(request, warning, messages.WARNING)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._add_revision_note(request, entry)
        return entry

    def _add_revision_note(self, request, entry):
        note = getattr(request, "revision_note", "")
        if note:
            set_comment(f"{note} ({entry.get_change_message()})")

    @admin.action(description="Publish selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published = 0
        with transaction.atomic():
            for article in queryset.select_for_update(of=("self",)):
                if problems := publishing.publish_problems(article):
                    reasons = " ".join(message for _, message in problems)
                    self.message_user(
                        request, f"“{article}” was not published. {reasons}", messages.ERROR
                    )
                    continue
                publishing.publish(article=article, by=request.user)
                published += 1
        if published:
            self.message_user(request, f"Published {published} stories.", messages.SUCCESS)

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = 0
        with transaction.atomic():
            for article in queryset.select_for_update(of=("self",)).filter(status=Status.PUBLISHED):
                publishing.unpublish(article=article, by=request.user)
                count += 1
        self.message_user(request, f"Unpublished {count} stories.", messages.SUCCESS)
