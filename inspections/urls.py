from django.urls import path

from newsroom.site import reader_pages

from . import views

app_name = "inspections"
urlpatterns = reader_pages(
    [
        path("reports/", views.report_list, name="report_list"),
        path("reports/<slug:slug>/", views.report_detail, name="report"),
        path("reports/<slug:slug>/grades.csv", views.report_csv, name="report_csv"),
        path("reports/<slug:slug>/grades.json", views.report_json, name="report_json"),
        path("organisations/", views.organisation_list, name="organisation_list"),
        path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
        path("inspectorates/", views.inspectorate_list, name="inspectorate_list"),
        path("inspectorates/<slug:slug>/", views.inspectorate_detail, name="inspectorate"),
    ]
)
