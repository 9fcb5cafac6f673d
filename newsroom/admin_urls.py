"""The desk's addresses (Django's admin), imported by newsroom.desk_admin.DeskResolver."""

from django.contrib import admin

urlpatterns = admin.site.get_urls()
