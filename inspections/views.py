from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from newsroom.site import page_of, site_render

from . import gradecsv
from .models import InspectionReport, Inspectorate, Organisation
from .panel import grade_history, panel_data
from .source_models import SourceKind

PER_PAGE = 50  # rows of a table: denser than a list of stories


def report_list(request):
    reports = InspectionReport.objects.public().select_related(
        "organisation", "framework__inspectorate"
    )
    page = page_of(request, reports, PER_PAGE)
    return site_render(request, "inspections/report_list.html", {"page": page})


def report_detail(request, slug):
    report = get_object_or_404(
        InspectionReport.objects.public().for_panel().prefetch_related("findings", "sources"),
        slug=slug,
    )
    # The page lists every source; the panel's "Read the report" wants the report page among
    # them, taken from the same prefetch rather than a query of its own.
    report.report_pages = [s for s in report.sources.all() if s.kind == SourceKind.REPORT_PAGE]
    context = {"report": report, "stories": report.articles.published()}
    return render(request, "inspections/report_detail.html", context)


def report_csv(request, slug):
    report = get_object_or_404(InspectionReport.objects.public().for_panel(), slug=slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.slug}-grades.csv"'
    gradecsv.write(response, panel_data(report)["areas"])
    return response


def report_json(request, slug):
    report = get_object_or_404(InspectionReport.objects.public().for_panel(), slug=slug)
    data = panel_data(report) | {"page": request.build_absolute_uri(report.get_absolute_url())}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


def organisation_list(request):
    # The reports are counted for the page's organisations only (a subquery per row of the
    # page), not grouped over every organisation before the page is cut.
    public_reports = (
        InspectionReport.objects.public()
        .filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    organisations = Organisation.objects.annotate(
        report_count=Coalesce(Subquery(public_reports), 0)
    ).order_by("name", "pk")
    page = page_of(request, organisations, PER_PAGE)
    return site_render(request, "inspections/organisation_list.html", {"page": page})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    reports = organisation.reports.public().for_panel().order_by("published_on")
    context = {
        "organisation": organisation,
        "history": grade_history(reports),
        "stories": organisation.stories(),
    }
    return render(request, "inspections/organisation_detail.html", context)


def inspectorate_list(request):
    inspectorates = Inspectorate.objects.annotate(framework_count=Count("frameworks")).order_by(
        "short_name"
    )
    return render(request, "inspections/inspectorate_list.html", {"inspectorates": inspectorates})


def inspectorate_detail(request, slug):
    inspectorate = get_object_or_404(Inspectorate, slug=slug)
    reports = (
        InspectionReport.objects.public()
        .filter(framework__inspectorate=inspectorate)
        .select_related("organisation", "framework")
    )
    context = {
        "inspectorate": inspectorate,
        "frameworks": inspectorate.frameworks.select_related("scale"),
        "page": page_of(request, reports, PER_PAGE),
    }
    return site_render(request, "inspections/inspectorate_detail.html", context)
