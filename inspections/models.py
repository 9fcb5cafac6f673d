"""What inspectorates publish: reports, their grades and findings. Knows nothing of stories."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone


class OrganisationKind(models.TextChoices):
    POLICE_FORCE = "police_force", "Police force"
    FIRE_SERVICE = "fire_service", "Fire and rescue service"
    SCHOOL = "school", "School"
    HOSPITAL = "hospital", "Hospital trust"
    CARE_HOME = "care_home", "Care home"
    COUNCIL = "council", "Council"
    PRISON = "prison", "Prison"
    OTHER = "other", "Other"


class FindingKind(models.TextChoices):
    CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"
    INNOVATIVE_PRACTICE = "innovative_practice", "Innovative practice"
    KEY_FIGURE = "key_figure", "Key figure"


class Inspectorate(models.Model):
    """A body that inspects and grades others (HMICFRS, Ofsted, CQC)."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=30, help_text="As readers know it, e.g. HMICFRS.")
    slug = models.SlugField(unique=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("inspections:inspectorate", kwargs={"slug": self.slug})


class GradeScale(models.Model):
    """An ordered set of grades an inspectorate awards, best first."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Grade(models.Model):
    """One step of a grade scale; position 1 is the best grade."""

    scale = models.ForeignKey(GradeScale, on_delete=models.CASCADE, related_name="grades")
    position = models.PositiveSmallIntegerField(help_text="1 is the best grade of the scale.")
    label = models.CharField(max_length=50)
    slug = models.SlugField(max_length=50)
    definition = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "position"], name="grade_position_unique"),
            models.UniqueConstraint(fields=["scale", "slug"], name="grade_slug_unique"),
        ]

    def __str__(self):
        return self.label


class Framework(models.Model):
    """An inspection programme and cycle, e.g. PEEL 2021/22, with the scale it grades on."""

    inspectorate = models.ForeignKey(
        Inspectorate, on_delete=models.PROTECT, related_name="frameworks"
    )
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    scale = models.ForeignKey(GradeScale, on_delete=models.PROTECT, related_name="frameworks")
    comparable_with = models.ManyToManyField(
        "self",
        blank=True,
        help_text=(
            "Other frameworks whose grades the inspectorate says can be compared with this one's. "
            "Leave empty when it says they cannot (PEEL 2021/22 and earlier cycles)."
        ),
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["inspectorate", "name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """An inspected body: a police force, school, hospital, care home or fire service."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind, default=OrganisationKind.OTHER)
    area = models.CharField(
        max_length=200, blank=True, help_text="Where it works, as readers say it."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_is_known"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:organisation", kwargs={"slug": self.slug})


class InspectionReportQuerySet(models.QuerySet):
    def for_panel(self):
        """Everything the grades panel shows, in a fixed number of queries however many areas."""
        previous_area = GradedArea.objects.filter(
            report=OuterRef("report__previous_report"), name__iexact=OuterRef("name")
        )
        areas = GradedArea.objects.select_related("grade").annotate(
            previous_grade_position=Subquery(previous_area.values("grade__position")[:1]),
            previous_grade_label=Subquery(previous_area.values("grade__label")[:1]),
        )
        comparable = Framework.comparable_with.through.objects.filter(
            from_framework=OuterRef("framework"),
            to_framework=OuterRef("previous_report__framework"),
        )
        return (
            self.select_related(
                "organisation",
                "framework__inspectorate",
                "framework__scale",
                "previous_report__framework",
            )
            .annotate(
                previous_is_comparable=Q(framework=models.F("previous_report__framework"))
                | Exists(comparable)
            )
            .prefetch_related("framework__scale__grades", Prefetch("graded_areas", queryset=areas))
        )


class InspectionReport(models.Model):
    """One published inspection of one organisation under one framework."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reports")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="reports")
    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=250, unique=True)
    published_on = models.DateField()
    lead_inspector_name = models.CharField(max_length=200, blank=True)
    lead_inspector_title = models.CharField(
        max_length=200, blank=True, help_text="e.g. HM Inspector of Constabulary."
    )
    url = models.URLField("link to the full report", max_length=500, blank=True)
    summary = models.TextField(blank=True)
    previous_report = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_reports",
        help_text="The organisation's previous inspection, for movement since then.",
    )

    objects = InspectionReportQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "organisation__name"]
        constraints = [
            # Reports are unique per organisation per framework per day; a same-day
            # re-inspection would widen this, not drop it.
            models.UniqueConstraint(
                fields=["organisation", "framework", "published_on"],
                name="one_report_per_organisation_framework_day",
            ),
            models.CheckConstraint(
                condition=~Q(previous_report=models.F("pk")), name="report_not_its_own_previous"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspections:report", kwargs={"slug": self.slug})

    def clean(self):
        previous = self.previous_report
        if previous and self.organisation_id and previous.organisation_id != self.organisation_id:
            raise ValidationError(
                {"previous_report": "The previous report must be of the same organisation."}
            )
        if previous and self.published_on and previous.published_on >= self.published_on:
            raise ValidationError(
                {"previous_report": "The previous report must be published before this one."}
            )


class GradedArea(models.Model):
    """One area of a report with the grade the inspectorate gave it."""

    report = models.ForeignKey(
        InspectionReport, on_delete=models.CASCADE, related_name="graded_areas"
    )
    name = models.CharField("area", max_length=200)
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="graded_areas")
    position = models.PositiveSmallIntegerField(help_text="Order in the report, from 1.")
    finding = models.TextField(
        blank=True, help_text="The inspectorate's short finding for this area."
    )
    added_on = models.DateField(
        default=timezone.localdate, help_text="When this judgment was added to the report."
    )

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "name"], name="one_grade_per_area_per_report"
            ),
            models.UniqueConstraint(
                fields=["report", "position"], name="graded_area_position_unique_per_report"
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.grade}"

    def clean(self):
        if self.report_id and self.grade_id:
            scale = self.report.framework.scale
            if self.grade.scale_id != scale.pk:
                raise ValidationError(
                    {
                        "grade": f"“{self.grade}” is not a grade of the {scale} scale, "
                        "which this report uses."
                    }
                )


class Finding(models.Model):
    """A cause of concern, area for improvement, innovative practice or key figure in a report."""

    report = models.ForeignKey(InspectionReport, on_delete=models.CASCADE, related_name="findings")
    area = models.ForeignKey(
        GradedArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    kind = models.CharField(max_length=30, choices=FindingKind)
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "kind", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FindingKind.values), name="finding_kind_is_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"
