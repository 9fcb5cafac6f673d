from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles import sitemaps
from newsroom import availability
from newsroom.desk_admin import desk_include
from newsroom.site import reader_pages

# The desk is named for the publication it makes.
admin.site.site_header = f"{settings.PUBLISHER_NAME} desk"
admin.site.site_title = f"{settings.PUBLISHER_NAME} desk"
admin.site.index_title = "The desk"

urlpatterns = [
    # Two-factor sign-in, after the password at /admin/login/ (newsroom/staff_auth.py).
    # Both load the desk (every admin module) on first use only: see newsroom/desk_admin.py.
    desk_include("admin/two-factor/", "newsroom.staff_auth", "two_factor"),
    desk_include("admin/", "newsroom.admin_urls", "admin"),
    path("healthz", availability.healthz, name="healthz"),
    *reader_pages(
        [
            path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
            path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
            # contrib's index reverses this name for each section's address.
            path(
                "sitemap-<slug:section>.xml",
                sitemaps.sitemap_section,
                name="django.contrib.sitemaps.views.sitemap",
            ),
            path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
        ]
    ),
    path("inspections/", include("inspections.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "newsroom.availability.server_error"
