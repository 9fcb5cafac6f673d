"""The corrections desk's door: the correction form and list."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from reversion.admin import VersionAdmin

from .. import publishing
from ..models import (
    Correction,
)
from ..models.corrections import EARLIER_TIME_REFUSED


class CorrectionForm(forms.ModelForm):
    """A correction as the desk adds it, or as an Administrator amends it."""

    class Meta:
        model = Correction
        fields = ["article", "kind", "text", "internal_note", "placement", "published_at"]

    def clean_published_at(self):
        published_at = self.cleaned_data["published_at"]
        if self.instance.pk is None:
            return published_at
        stored = Correction.objects.get(pk=self.instance.pk).published_at
        if published_at == stored.replace(microsecond=0):
            return stored  # the form shows whole seconds: the stored time, unchanged
        if published_at < stored:
            raise forms.ValidationError(EARLIER_TIME_REFUSED)
        return published_at


@admin.register(Correction)
class CorrectionAdmin(VersionAdmin):
    """The corrections desk's door: it adds corrections here, to any story, and the story's
    own page links here with the story filled in. Saved corrections are read-only except to
    holders of ``amend_correction`` (Administrators), whose changes go through
    ``Correction.amend()``/``remove()`` and stay in the history."""

    form = CorrectionForm
    list_display = ["__str__", "kind", "placement", "section", "published_at", "added_by"]
    list_filter = ["kind", "article__section", "published_at"]
    search_fields = ["text", "article__headline"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["article"]
    list_select_related = ["article__section", "created_by"]

    def get_fields(self, request, obj=None):
        fields = ["article", "kind", "text", "internal_note", "placement"]
        return fields if obj is None else [*fields, "published_at", "added_by", "revision"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if self.has_change_permission(request, obj):
            return ["article", "added_by", "revision"]
        return self.get_fields(request, obj)

    @admin.display(description="Section", ordering="article__section")
    def section(self, correction):
        return correction.article.section

    @admin.display(description="Added by", ordering="created_by")
    def added_by(self, correction):
        return correction.added_by or "—"

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("articles.amend_correction")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("articles.amend_correction")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, each with its own confirmation
        return actions

    def save_model(self, request, obj, form, change):
        if change:
            # Only what the Administrator changed is written: the form's other values are
            # what it showed, and its split date and time drop a stored time's microseconds.
            stored = Correction.objects.get(pk=obj.pk)
            stored.amend(
                by=request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        else:
            publishing.append_correction(correction=obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        if "article" in request.GET and "_addanother" not in request.POST:
            # Opened from the story's page: back to it, where the new entry is listed.
            self.message_user(
                request, f"{obj.get_kind_display()} added to “{obj.article}”.", messages.SUCCESS
            )
            return redirect("admin:articles_article_change", obj.article_id)
        return super().response_add(request, obj, post_url_continue)

    def delete_model(self, request, obj):
        obj.remove(by=request.user)

    def delete_queryset(self, request, queryset):
        for correction in queryset:
            correction.remove(by=request.user)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied  # a correction changes only through amend(), never a revert

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied
