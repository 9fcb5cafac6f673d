"""Staff accounts and roles: for Administrators only."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from ..models import (
    is_administrator,
)


def administrator(request):
    """is_administrator, asked once a request: every desk page's list of sections asks each
    permission below, a query each for anyone but a superuser."""
    if not hasattr(request, "is_administrator"):
        request.is_administrator = is_administrator(request.user)
    return request.is_administrator


class AdministratorsOnly:
    """Users, groups and permissions: no role but Administrator may see or change them."""

    def has_module_permission(self, request):
        return administrator(request)

    def has_view_permission(self, request, obj=None):
        return administrator(request)

    def has_add_permission(self, request, *args):
        return administrator(request)

    def has_change_permission(self, request, obj=None):
        return administrator(request)

    def has_delete_permission(self, request, obj=None):
        return administrator(request)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class NewsroomUserAdmin(AdministratorsOnly, UserAdmin):
    pass


@admin.register(Group)
class NewsroomGroupAdmin(AdministratorsOnly, GroupAdmin):
    pass
