from django.shortcuts import get_object_or_404, render

from .models import InspectionReport, Inspectorate, Organisation


def inspectorate_detail(request, slug):
    inspectorate = get_object_or_404(Inspectorate, slug=slug)
    return render(request, "inspections/inspectorate_detail.html", {"inspectorate": inspectorate})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(request, "inspections/organisation_detail.html", {"organisation": organisation})


def report_detail(request, slug):
    report = get_object_or_404(InspectionReport.objects.for_panel(), slug=slug)
    return render(request, "inspections/report_detail.html", {"report": report})
