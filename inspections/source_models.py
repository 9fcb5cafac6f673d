"""Where a report's figures come from: the inspectorate's page, the PDF, the press release."""

from django.db import models
from django.db.models import Prefetch, Q

from newsroom.text import CleanCharField


class SourceKind(models.TextChoices):
    REPORT_PAGE = "report_page", "Report page"
    PDF = "pdf", "PDF"
    PRESS_RELEASE = "press_release", "Press release"
    OTHER = "other", "Other"


class ReportSource(models.Model):
    """A published document a report's figures can be traced to."""

    report = models.ForeignKey(
        "inspections.InspectionReport", on_delete=models.CASCADE, related_name="sources"
    )
    kind = models.CharField(max_length=20, choices=SourceKind, default=SourceKind.REPORT_PAGE)
    title = CleanCharField(max_length=250)
    url = models.URLField("address", max_length=500)
    published_on = models.DateField(
        null=True, blank=True, help_text="Leave empty when the inspectorate does not say."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the report's list of sources."
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="report_source_kind_is_known"
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(kind=SourceKind.REPORT_PAGE),
                name="one_report_page_per_report",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


def report_pages(lookup="sources"):
    """Prefetch each report's report-page source as `report.report_pages` (at most one);
    `lookup` reaches reports' sources from elsewhere (a story's: "reports__sources").

    The grades panel and a story's list of sources read it to link "Read the report"; where a
    view did not prefetch it they fall back to `report.url` rather than query per report.
    """
    pages = ReportSource.objects.filter(kind=SourceKind.REPORT_PAGE)
    return Prefetch(lookup, queryset=pages, to_attr="report_pages")


def main_source_url(report):
    """The address readers follow to read a report: its report page, else its own link."""
    pages = getattr(report, "report_pages", None)
    return pages[0].url if pages else report.url
