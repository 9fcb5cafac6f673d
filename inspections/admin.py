import base64

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Prefetch
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.admin import VersionAdmin

from . import gradecsv
from .importing import (
    ImportFailed,
    ImportStale,
    grades_import_planned,
    import_graded_areas,
    plan_import,
)
from .models import (
    Finding,
    Framework,
    Grade,
    GradedArea,
    GradeRevision,
    GradeScale,
    InspectionReport,
    Inspectorate,
    Organisation,
    ReportSource,
)

# Addresses typed without a scheme are taken as https (Django 6's default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class YearFilter(admin.SimpleListFilter):
    title = "year published"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = InspectionReport.objects.dates("published_on", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        return queryset.filter(published_on__year=self.value()) if self.value() else queryset


class ReportChildInline:
    """Limit an inline's choices to the report being edited (its scale's grades, its areas)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = formset.form.base_fields
        if "grade" in fields:
            grades = Grade.objects.select_related("scale")
            if obj is not None:
                grades = grades.filter(scale__frameworks=obj.framework_id)
            fields["grade"].queryset = grades
            if obj is None:
                # A new report has no framework yet: name the scale beside each grade.
                fields["grade"].label_from_instance = lambda grade: f"{grade} ({grade.scale})"
        if "area" in fields:
            fields["area"].queryset = GradedArea.objects.filter(report=obj).select_related("grade")
        return formset


class GradedAreaFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        if "name" in unique_check:
            return "Two rows name the same area: each area is graded once per report."
        if "position" in unique_check:
            return "Two rows have the same position: give each area its own place in the order."
        return super().get_unique_error_message(unique_check)


class GradedAreaInline(ReportChildInline, admin.TabularInline):
    model = GradedArea
    formset = GradedAreaFormSet
    extra = 0
    fields = ["position", "name", "grade", "finding", "source_url", "added_on"]
    ordering = ["position"]


class FindingInline(ReportChildInline, admin.StackedInline):
    model = Finding
    extra = 0
    fields = ["kind", "area", "text", "position"]


class ReportSourceInline(admin.TabularInline):
    model = ReportSource
    extra = 0
    fields = ["position", "kind", "title", "url", "published_on"]
    formfield_overrides = HTTPS_URLS


@admin.register(InspectionReport)
class InspectionReportAdmin(VersionAdmin):
    list_display = [
        "title",
        "organisation",
        "framework",
        "published_on",
        "embargo_until",
        "area_count",
        "grades",
    ]
    list_filter = ["framework__inspectorate", "framework", "organisation", YearFilter]
    list_select_related = ["organisation", "framework"]
    ordering = ["-published_on", "organisation__name"]
    search_fields = ["title", "organisation__name", "framework__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "framework", "previous_report"]
    inlines = [GradedAreaInline, FindingInline, ReportSourceInline]
    formfield_overrides = HTTPS_URLS

    def get_queryset(self, request):
        # Counts come from two prefetches for the whole page, not a query per row.
        return (
            super()
            .get_queryset(request)
            .annotate(area_count=Count("graded_areas"))
            .prefetch_related(
                "framework__scale__grades",
                Prefetch("graded_areas", queryset=GradedArea.objects.only("report", "grade")),
            )
        )

    def save_related(self, request, form, formsets, change):
        # The inlines are saved here, so the grades read first are those readers last saw.
        before = form.instance.grades_by_area() if change else {}
        super().save_related(request, form, formsets, change)
        GradeRevision.objects.record(report=form.instance, before=before)

    @admin.display(description="Areas", ordering="area_count")
    def area_count(self, report):
        return report.area_count

    @admin.display(description="Grades")
    def grades(self, report):
        return report.grade_summary()

    def get_urls(self):
        return [
            path(
                "<path:object_id>/import-grades/",
                self.admin_site.admin_view(self.import_grades_view),
                name="inspections_inspectionreport_import_grades",
            ),
            *super().get_urls(),
        ]

    def import_grades_view(self, request, object_id):
        """Upload a CSV of graded areas that replaces the report's areas: first a preview of
        what changes and which stories it touches, then "Confirm import". Nothing is written
        before the confirmation; the file travels between the two steps in a signed token,
        and is checked again when confirmed."""
        report = self.get_object(request, object_id)
        if report is None:
            raise Http404("No such report.")
        if not self.has_change_permission(request, report):
            raise PermissionDenied
        form = ImportGradesForm(None)
        errors, notice, content = [], "", None
        if request.method == "POST" and "upload" in request.POST:
            content, expected = _unsign_upload(request.POST["upload"], report)
            if content is None:
                errors = [
                    "Nothing was imported: this confirmation has expired or was changed. "
                    "Choose the file and upload again."
                ]
        elif request.method == "POST":
            form = ImportGradesForm(request.POST, request.FILES)
            if form.is_valid():
                content, expected = form.cleaned_data["file"].read(gradecsv.MAX_BYTES + 1), None
        if content is not None:
            try:
                plan = plan_import(report=report, file=content)
                if expected is not None and plan.fingerprint() != expected:
                    raise ImportStale
                if expected is not None and plan.writes:
                    result = import_graded_areas(report=report, file=content, expected=expected)
                    stories = _affected_stories(report, plan)
                    self.message_user(request, _import_message(result, stories), messages.SUCCESS)
                    return redirect(
                        reverse("admin:inspections_inspectionreport_change", args=[report.pk])
                    )
            except ImportFailed as failure:
                errors = failure.errors
            except ImportStale:
                plan = plan_import(report=report, file=content)
                notice = (
                    "The report’s grades changed since this preview (someone else saved "
                    "them), so nothing was imported. Check the changes below again."
                )
            if not errors:
                return self._import_preview(request, report, plan, content, notice)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": report,
            "title": f"Import graded areas for “{report}”",
            "form": form,
            "errors": errors,
            "grades": report.framework.scale.grades.all(),
        }
        return TemplateResponse(
            request, "admin/inspections/inspectionreport/import_grades.html", context
        )

    def _import_preview(self, request, report, plan, content, notice):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": report,
            "title": f"Check the import for “{report}”",
            "plan": plan,
            "stories": _affected_stories(report, plan),
            "notice": notice,
            "upload": _sign_upload(content, report, plan),
        }
        return TemplateResponse(
            request, "admin/inspections/inspectionreport/import_grades_preview.html", context
        )


UPLOAD_SALT = "inspections.import-grades"
UPLOAD_MAX_AGE = 2 * 60 * 60  # a preview left open longer is uploaded again


def _sign_upload(content, report, plan):
    """The uploaded file as a signed token for the confirmation step, with the report and the
    state the preview showed (a change by someone else in between is caught)."""
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    payload = {
        "report": report.pk,
        "csv": base64.b64encode(data).decode("ascii"),
        "fingerprint": plan.fingerprint(),
    }
    return signing.dumps(payload, salt=UPLOAD_SALT, compress=True)


def _unsign_upload(token, report):
    """(file bytes, fingerprint) from a confirmation's token, or (None, None)."""
    try:
        payload = signing.loads(token, salt=UPLOAD_SALT, max_age=UPLOAD_MAX_AGE)
        if payload["report"] != report.pk:
            return None, None
        return base64.b64decode(payload["csv"], validate=True), str(payload["fingerprint"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None, None


def _affected_stories(report, plan):
    """What the apps that use reports say the import means for them (the newsroom's stories,
    through grades_import_planned: this app imports none of them)."""
    answers = grades_import_planned.send(sender=InspectionReport, report=report, plan=plan)
    return [story for _, answer in answers for story in answer or []]


def _import_message(result, stories):
    message = f"Grades imported: {result}"
    if stories:
        titles = "; ".join(f"“{story.title}”" for story in stories)
        message += f" Added to “Needs attention” on the desk: {titles}."
    return message


class ImportGradesForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            f"Columns: area, grade, finding, with a header row. CSV UTF-8, {gradecsv.LIMITS}: "
            "far more than the tens of areas a report grades."
        ),
    )


@admin.register(Inspectorate)
class InspectorateAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "website"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    formfield_overrides = HTTPS_URLS


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 0
    fields = ["position", "label", "slug", "definition"]
    prepopulated_fields = {"slug": ["label"]}


@admin.register(GradeScale)
class GradeScaleAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [GradeInline]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "inspectorate", "scale"]
    list_filter = ["inspectorate", "scale"]
    search_fields = ["name", "inspectorate__short_name", "inspectorate__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["inspectorate", "scale"]
    filter_horizontal = ["comparable_with"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area"]
    list_filter = ["kind"]
    search_fields = ["name", "area"]
    prepopulated_fields = {"slug": ["name"]}
