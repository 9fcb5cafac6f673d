"""The desk's story pages: the list, the change form, its inlines and actions.

Roles are enforced here and in ``forms.py``, on the server: ``has_*_permission`` per story,
the form's allowed fields and statuses, and permissions on the actions. Every write goes
through ``articles.publishing``.
"""

import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, models, transaction
from django.forms.forms import NON_FIELD_ERRORS
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from js_asset import Media
from reversion import set_comment
from reversion.admin import VersionAdmin

from newsroom.site import absolute

from .. import desk_views, merging, publishing, search
from ..forms import SEARCH_LIMITS, ArticleAdminForm, BylineForm, BylineFormSet, can_publish
from ..models import (
    Article,
    Author,
    Byline,
    BylineRole,
    Correction,
    Status,
    StoryAttention,
    StorySource,
    sanitise_body,
)
from .prepublish import PrepublishMixin
from .replies import CommentRequestInline
from .story_history import StoryHistoryMixin
from .widgets import KnownChoicesAdminMixin, label_chosen_from_loaded, label_formset_chosen


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


def own_author(user):
    """The signed-in journalist's Author, if their account has one (Author.user)."""
    return Author.objects.filter(user=user).first() if user.is_authenticated else None


class BylineInline(KnownChoicesAdminMixin, admin.TabularInline):
    """Shown under the headline (change_form.html), ordered with up/down buttons
    (desk-polish.js) or by typing positions; BylineFormSet numbers them on save."""

    model = Byline
    form = BylineForm
    formset = BylineFormSet
    extra = 0
    min_num = 0
    fields = ["position", "author", "role"]
    autocomplete_fields = ["author"]
    ordering = ["position", "pk"]

    def get_queryset(self, request):
        # Each row's name and its author's option come from this one query.
        return super().get_queryset(request).select_related("author")

    def get_extra(self, request, obj=None, **kwargs):
        # A new story offers its author's own byline, filled in (ArticleAdmin.get_formset_kwargs).
        return 1 if obj is None and own_author(request.user) else 0

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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")  # each row's name

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
    """The story list counted from PostgreSQL's estimates once they are large: an exact count
    reads every matching row (a quarter of a second for the whole list at 100,000 stories, most
    of a second for a search that matches half of them). The unfiltered list takes the table's
    statistics (pg_class.reltuples, as of the last ANALYZE); a filtered list or a search takes the
    planner's row estimate for its query. Below ESTIMATE_ABOVE rows the count is exact, so a
    list a person pages to its end is counted exactly."""

    ESTIMATE_ABOVE = 10_000

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if connection.vendor == "postgresql" and query is not None:
            estimate = self._estimate(query)
            if estimate > self.ESTIMATE_ABOVE:
                return estimate
        return super().count

    def _estimate(self, query):
        with connection.cursor() as cursor:
            if not query.where:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
                return row[0] if row else 0
            sql, params = query.sql_with_params()
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])


@admin.register(Article)
class ArticleAdmin(KnownChoicesAdminMixin, PrepublishMixin, StoryHistoryMixin, VersionAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "display_status",
        "section",
        "byline",
        "published_at",
        "last_edited",
    ]
    # Published: today, past 7 days, this month, this year. (Not date_hierarchy: its year links
    # take a DISTINCT over every story's date on each page load, slow at 100,000 stories.)
    list_filter = [StatusFilter, ("published_at", admin.DateFieldListFilter), "section", "authors"]
    search_fields = ["headline", "standfirst"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "tags", "reports"]
    readonly_fields = [
        "body_as_read",
        "search_preview",
        "first_published_at",
        "updated_at",
        "created_by",
        "modified_by",
    ]
    inlines = [BylineInline, StorySourceInline, CommentRequestInline, CorrectionInline]
    actions = ["publish_selected", "unpublish_selected"]
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True
    save_on_top = True

    class Media:
        css = {"all": ["admin/newsroom/desk.css", "admin/newsroom/desk-merge.css"]}
        js = ["admin/newsroom/desk-polish.js", "admin/newsroom/desk-merge.js"]

    def get_urls(self):
        return desk_views.urls(self) + super().get_urls()

    def get_fieldsets(self, request, obj=None):
        this_change = ["minor_edit", "update_note", "revision_note"] if obj else ["revision_note"]
        # Those who read a story here without editing it (the corrections desk) read its text
        # as readers do, not as HTML source.
        reads_only = obj is not None and not self.has_change_permission(request, obj)
        return [
            # The bylines come between these two (change_form.html), near the top.
            (None, {"fields": ["headline", "slug", "standfirst"]}),
            (None, {"fields": ["body_as_read" if reads_only else "body"]}),
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
            (
                "Search and social",
                {"fields": ["seo_title", "seo_description", "search_preview"]},
            ),
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
        # Django's, less the list's byline prefetch (for_listing): the form's byline rows are
        # read by their inline, and the pre-publish panel counts those (prepublish.py).
        field = Article._meta.pk if from_field is None else Article._meta.get_field(from_field)
        stories = self.get_queryset(request).prefetch_related(None)
        try:
            story = stories.get(**{field.name: field.to_python(object_id)})
        except (Article.DoesNotExist, ValidationError, ValueError):
            return None
        if request.method == "POST":
            # Lock the row for this request's transaction: the version check in the form and
            # the save that follows cannot interleave with another save (no lost updates).
            story = Article.objects.select_for_update().get(pk=story.pk)
        return story

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        restore = desk_views.restore_data(request, obj)
        return type(
            form.__name__, (form,), {"user": request.user, "request": request, "restore": restore}
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # A new story offers its author's own byline, filled in.
        adding_bylines = obj.pk is None and isinstance(inline, BylineInline)
        if adding_bylines and (author := own_author(request.user)):
            kwargs["initial"] = [{"author": author.pk, "role": BylineRole.REPORTER, "position": 1}]
        if request.method != "POST":
            return kwargs  # the rows' digests are taken from the rows shown (render_change_form)
        # A stale save: the other side's rows where only they changed them (articles.merging).
        return merging.merge_inline(request, obj, inline, prefix, kwargs)

    @admin.display(description="Body")
    def body_as_read(self, article):
        return mark_safe(sanitise_body(article.body))  # noqa: S308 (sanitised just now)

    @admin.display(description="How search and social show it")
    def search_preview(self, article):
        """The story as a search result and a shared card show it; desk-polish.js keeps it
        in step with the form as the editor types."""
        image = article.hero_image if getattr(article.hero_image, "_committed", False) else None
        title = article.seo_title or article.headline
        description = article.seo_description or article.standfirst
        return render_to_string(
            "admin/articles/article/_search_preview.html",
            {
                "title": Truncator(title).chars(SEARCH_LIMITS["seo_title"]),
                "card_title": article.headline,
                "description": Truncator(description).chars(SEARCH_LIMITS["seo_description"]),
                "url": absolute(
                    reverse("articles:detail", kwargs={"slug": article.slug or "web-address"})
                ),
                "image": image.url if image else "",
                "image_alt": "" if article.hero_is_decorative else article.hero_alt,
                "limits": SEARCH_LIMITS,
            },
        )

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
        request.publish_acknowledgement = form.acknowledgement
        publishing.save_story(article=obj, by=request.user)
        StoryAttention.objects.filter(article=obj).resolve(by=request.user)  # seen to
        desk_views.forget_autosave(request, obj, added=not change)
        desk_views.forget_kept_upload(form)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        story = form.instance
        # A reporter's new story carries their byline, whatever the form held.
        reporter = not change and not can_publish(request.user)
        if reporter and not story.bylines.exists() and (author := own_author(request.user)):
            story.bylines.create(author=author, role=BylineRole.REPORTER, position=1)
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
        context["can_add_correction"] = obj is not None and request.user.has_perm(
            "articles.add_correction"
        )
        # The rich-text editor loads its modules through an import map, an inline script: it
        # runs under the site's CSP only with this response's nonce (django-csp adds the nonce
        # to the header only on pages that use it, so reader pages stay 'self'-only).
        context["media"] = Media.from_media(context["media"]).with_nonce(request.csp_nonce)
        context["error_summary"] = self._error_summary(context)
        if request.method == "POST":
            desk_views.keep_upload(request, context["adminform"].form)
        else:
            self._digest_inline_rows(request, context, obj)
        label_chosen_from_loaded(context["adminform"].form)
        for inline in context.get("inline_admin_formsets", []):
            label_formset_chosen(inline.formset)
        context["desk_merge"] = desk_views.change_form_context(
            request, self, context["adminform"].form, obj
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _digest_inline_rows(self, request, context, obj):
        """What merge_inline records on a save, for the page: a digest of the rows each merged
        inline shows, taken from the formset's own query (the form posts them back, and a later
        save compares)."""
        if obj is None:
            return
        digests = getattr(request, "desk_inline_digests", {})
        for inline in context.get("inline_admin_formsets", []):
            formset = inline.formset
            if formset.prefix in merging.INLINES:
                _, rows = merging.inline_rows(type(formset), formset.get_queryset())
                digests[formset.prefix] = merging.digest(rows)
        request.desk_inline_digests = digests

    def _error_summary(self, context):
        """Each field in error, with its message and a link to it, for the top of the form."""
        items = []
        adminform = context.get("adminform")
        forms = [(adminform.form, "")] if adminform else []
        for inline in context.get("inline_admin_formsets", []):
            formset = inline.formset
            plural = str(formset.model._meta.verbose_name_plural).capitalize()
            for message in formset.non_form_errors():
                items.append(
                    {"label": plural, "message": message, "anchor": f"{formset.prefix}-group"}
                )
            forms += [(row, plural) for row in formset.forms]
        for form, group in forms:
            for name, errors in form.errors.items():
                if name == NON_FIELD_ERRORS or name not in form.fields:
                    continue  # shown under the banner above the form already
                label = str(form.fields[name].label or name)
                items.append(
                    {
                        "label": f"{group}: {label}" if group else label,
                        "message": errors[0],
                        "anchor": form[name].id_for_label,
                    }
                )
        return items

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._add_revision_note(request, entry)
        return entry

    def _add_revision_note(self, request, entry):
        note = getattr(request, "revision_note", "")
        if acknowledgement := getattr(request, "publish_acknowledgement", ""):
            note = f"{note} {acknowledgement}".strip()
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
                if warnings := publishing.publish_warnings(article):
                    self.message_user(
                        request,
                        f"“{article}” was not published: {' '.join(warnings)} Publish it from "
                        "its own page, where you can tick “Publish despite these warnings”.",
                        messages.ERROR,
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
