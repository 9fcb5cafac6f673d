from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("inspectorates/<slug:slug>/", views.inspectorate_detail, name="inspectorate"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("reports/<slug:slug>/", views.report_detail, name="report"),
]
