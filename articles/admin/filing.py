"""Who writes and where stories are filed: authors, sections, tags, old addresses."""

from django.contrib import admin

from ..models import (
    Author,
    Section,
    SlugRedirect,
    Tag,
)
from .accounts import administrator


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "user"]
    search_fields = ["name", "job_title"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    list_select_related = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # Linking a staff account is an Administrator's job: only they may see user accounts.
        return [] if administrator(request) else ["user"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    """Made by the desk when a public story's address changes; read-only here."""

    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__headline"]
    list_select_related = ["article"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return administrator(request)
