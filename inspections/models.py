"""What inspectorates publish: reports, their grades and findings. Knows nothing of stories."""

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import dateformat, timezone

from newsroom.links import reverse
from newsroom.text import CleanCharField, CleanTextField

from . import panel, prose


class OrganisationKind(models.TextChoices):
    POLICE_FORCE = "police_force", "Police force"
    FIRE_SERVICE = "fire_service", "Fire and rescue service"
    SCHOOL = "school", "School"
    HOSPITAL = "hospital", "Hospital trust"
    CARE_HOME = "care_home", "Care home"
    COUNCIL = "council", "Council"
    PRISON = "prison", "Prison"
    OTHER = "other", "Other"


class DatePrecision(models.TextChoices):
    """How much of a report's publication date is known, and so shown to readers."""

    DAY = "day", "The day"
    MONTH = "month", "The month only"
    YEAR = "year", "The year only"
    NOT_KNOWN = "not_known", "Not known: say what is known instead"


class FindingKind(models.TextChoices):
    CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"
    INNOVATIVE_PRACTICE = "innovative_practice", "Innovative practice"
    KEY_FIGURE = "key_figure", "Key figure"

    @property
    def plural(self):
        """The heading for more than one finding of this kind: "Areas for improvement"."""
        return FINDING_KIND_PLURALS[self]


# English plurals are not "add an s" ("Area for improvements"); innovative practice is uncountable.
FINDING_KIND_PLURALS = {
    FindingKind.CAUSE_OF_CONCERN: "Causes of concern",
    FindingKind.AREA_FOR_IMPROVEMENT: "Areas for improvement",
    FindingKind.INNOVATIVE_PRACTICE: "Innovative practice",
    FindingKind.KEY_FIGURE: "Key figures",
}


class Inspectorate(models.Model):
    """A body that inspects and grades others (HMICFRS, Ofsted, CQC)."""

    name = CleanCharField(max_length=200, unique=True)
    short_name = CleanCharField(max_length=30, help_text="As readers know it, e.g. HMICFRS.")
    slug = models.SlugField(unique=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("inspections:inspectorate", slug=self.slug)


class GradeScale(models.Model):
    """An ordered set of grades an inspectorate awards, best first."""

    name = CleanCharField(max_length=100, unique=True)
    description = CleanTextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Grade(models.Model):
    """One step of a grade scale; position 1 is the best grade."""

    scale = models.ForeignKey(GradeScale, on_delete=models.CASCADE, related_name="grades")
    position = models.PositiveSmallIntegerField(help_text="1 is the best grade of the scale.")
    label = CleanCharField(max_length=50)
    slug = models.SlugField(max_length=50)
    definition = CleanCharField(max_length=300, blank=True)

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
    name = CleanCharField(max_length=100, unique=True)
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
    description = CleanTextField(blank=True)

    class Meta:
        ordering = ["inspectorate", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.pk and self.scale_id:
            stranded = GradedArea.objects.filter(report__framework=self).exclude(
                grade__scale_id=self.scale_id
            )
            if stranded.exists():
                raise ValidationError(
                    {
                        "scale": "Reports under this framework already have grades from its "
                        "current scale. Regrade or remove those areas before changing the scale."
                    }
                )


class Organisation(models.Model):
    """An inspected body: a police force, school, hospital, care home or fire service."""

    name = CleanCharField(max_length=200)
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind, default=OrganisationKind.OTHER)
    area = CleanCharField(
        max_length=200, blank=True, help_text="Where it works, as readers say it."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_is_known"
            ),
        ]
        indexes = [models.Index(fields=["name"], name="organisation_name_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:organisation", slug=self.slug)

    def stories(self):
        """Published stories covering any of this organisation's reports, newest first."""
        # Reached through the reverse relation Article.reports: this app never imports articles.
        stories = InspectionReport._meta.get_field("articles").related_model._default_manager
        return stories.published().filter(reports__organisation=self).distinct()


class InspectionReportQuerySet(models.QuerySet):
    def public(self):
        """Reports readers may see: every report except those still under embargo."""
        return self.filter(Q(embargo_until__isnull=True) | Q(embargo_until__lte=timezone.now()))

    def for_checks(self):
        """What the desk's pre-publish checks read of a report (its grade counts against the
        story's text, its organisation for the right of reply), in a fixed number of queries:
        not the panel's previous grades and revisions."""
        return self.select_related("organisation", "framework__scale").prefetch_related(
            "framework__scale__grades",
            Prefetch("graded_areas", queryset=GradedArea.objects.only("report", "grade")),
        )

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
        earlier_in_framework = InspectionReport.objects.filter(
            organisation=OuterRef("organisation"),
            framework=OuterRef("framework"),
            published_on__lt=OuterRef("published_on"),
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
                | Exists(comparable),
                has_earlier_in_framework=Exists(earlier_in_framework),
            )
            .prefetch_related(
                "framework__scale__grades",
                Prefetch("graded_areas", queryset=areas),
                "grade_revisions",
            )
        )


class InspectionReport(models.Model):
    """One published inspection of one organisation under one framework."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reports")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="reports")
    title = CleanCharField(max_length=250)
    slug = models.SlugField(max_length=250, unique=True)
    published_on = models.DateField(
        help_text="The day it was published. When only the month or year is known, any day in "
        "it; when neither is, a day that keeps the reports in order. Readers see only what the "
        "precision below says is known."
    )
    published_precision = models.CharField(
        "publication date known to",
        max_length=10,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="Pages show the whole date, the month and year, the year, or the text below.",
    )
    published_known_as = CleanCharField(
        "publication known as",
        max_length=200,
        blank=True,
        help_text="When the date is not known, what is: e.g. “PEEL 2018/19, tranche three”.",
    )
    lead_inspector_name = CleanCharField(max_length=200, blank=True)
    lead_inspector_title = CleanCharField(
        max_length=200, blank=True, help_text="e.g. HM Inspector of Constabulary."
    )
    url = models.URLField("link to the full report", max_length=500, blank=True)
    summary = CleanTextField(blank=True)
    embargo_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "For a report the inspectorate sent ahead of publication: until this time it is "
            "hidden from readers, and stories linked to it cannot be published or scheduled "
            "before it. Leave empty for a public report."
        ),
    )
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
            models.CheckConstraint(
                condition=Q(published_precision__in=DatePrecision.values),
                name="report_date_precision_is_known",
            ),
            # A date that is not known is replaced by what is, never by nothing.
            models.CheckConstraint(
                condition=~Q(published_precision=DatePrecision.NOT_KNOWN)
                | ~Q(published_known_as=""),
                name="report_unknown_date_says_what_is_known",
            ),
        ]
        # The report lists read a page in date order, all reports or one framework's.
        indexes = [
            models.Index(fields=["-published_on"], name="report_published_on_idx"),
            models.Index(fields=["framework", "-published_on"], name="report_framework_date_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspections:report", slug=self.slug)

    # The publication date as far as it is known: every page prints these, never published_on.

    @property
    def published_label(self):
        """What readers are told: "21 June 2022", "March 2024", "2019", or the known-as text."""
        return self._published_format({"day": "j F Y", "month": "F Y", "year": "Y"})

    @property
    def published_month_label(self):
        """No finer than the month, for "since June 2022": "March 2024", "2019", or the text."""
        return self._published_format({"day": "F Y", "month": "F Y", "year": "Y"})

    @property
    def published_short_label(self):
        """The same, short, for charts: "Jun 2022", "Mar 2024", "2019", or empty."""
        if self.published_precision == DatePrecision.NOT_KNOWN:
            return ""
        return self._published_format({"day": "M Y", "month": "M Y", "year": "Y"})

    @property
    def published_iso(self):
        """The date as precise as it is known, for <time datetime> and JSON-LD ("2024-03"),
        or empty when not even the year is."""
        return self._published_format({"day": "Y-m-d", "month": "Y-m", "year": "Y"}, "")

    def _published_format(self, formats, unknown=None):
        if self.published_precision not in formats:
            return self.published_known_as if unknown is None else unknown
        return dateformat.format(self.published_on, formats[self.published_precision])

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
        if self.pk and self.framework_id:
            stranded = self.graded_areas.exclude(grade__scale__frameworks=self.framework_id)
            if stranded.exists():
                raise ValidationError(
                    {
                        "framework": "This report's graded areas use another scale's grades. "
                        "Regrade or remove them before moving the report to this framework."
                    }
                )

    # The grades panel. These methods read only prefetched data when the report comes from
    # InspectionReport.objects.for_panel(), so the panel costs no queries of its own.

    def scale_grades(self):
        """The grades of this report's scale, best first."""
        return list(self.framework.scale.grades.all())

    def grades_panel(self):
        """The grades panel's rows, counts and SVG units, drawn by panel.py."""
        return panel.grades_panel(self)

    def grade_counts(self):
        """How many areas got each grade of the scale, zeros included, best grade first."""
        return panel.grade_counts(self)

    def grade_summary(self):
        """The counts as one phrase: "0 outstanding, 4 good, 3 adequate, ..."."""
        return ", ".join(f"{item.count} {item.grade.label.lower()}" for item in self.grade_counts())

    def summary_sentence(self):
        """One sentence for screen readers: how many areas, and the count of every grade."""
        areas = len(self.graded_areas.all())
        if not areas:
            return f"{self.organisation} has no graded areas recorded for this report yet."
        noun = "area" if areas == 1 else "areas"
        return f"{self.organisation} was graded in {areas} {noun}: {self.grade_summary()}."

    def is_comparable_with_previous(self):
        """True when there is a previous report whose grades may be compared with these."""
        if not self.previous_report_id:
            return False
        if hasattr(self, "previous_is_comparable"):
            return bool(self.previous_is_comparable)
        previous = self.previous_report
        return previous.framework_id == self.framework_id or (
            self.framework.comparable_with.filter(pk=previous.framework_id).exists()
        )

    def comparison_note(self):
        """Why there are no arrows: empty unless a previous report exists and is not comparable."""
        if not self.previous_report_id or self.is_comparable_with_previous():
            return ""
        previous = self.previous_report
        return (
            f"Grades from {self.framework} cannot be compared directly with those of "
            f"{previous.framework}, the framework of the previous inspection "
            f"({previous.published_month_label}), so no movement is shown."
        )

    def first_inspection_note(self):
        """Why there is no movement on a first inspection: empty unless there is no previous
        report and no earlier report of the organisation under this framework either."""
        if self.previous_report_id:
            return ""
        if hasattr(self, "has_earlier_in_framework"):
            earlier = self.has_earlier_in_framework
        else:
            earlier = InspectionReport.objects.filter(
                organisation=self.organisation_id,
                framework=self.framework_id,
                published_on__lt=self.published_on,
            ).exists()
        if earlier:
            return ""  # an earlier report that nobody linked: not a first, just unknown
        return (
            f"This is {self.organisation}’s first inspection under {self.framework}, "
            "so there are no earlier grades to compare with."
        )

    def area_rows(self):
        """Every graded area in order, with its grade marker and movement since last time."""
        return panel.area_rows(self)

    def previous_grades(self):
        """{area name (lower case): (grade position, grade label)} from the previous report."""
        areas = list(self.graded_areas.all())
        if areas and all(hasattr(area, "previous_grade_position") for area in areas):
            return {
                area.name.lower(): (area.previous_grade_position, area.previous_grade_label)
                for area in areas
                if area.previous_grade_position is not None
            }
        return {
            area.name.lower(): (area.grade.position, area.grade.label)
            for area in self.previous_report.graded_areas.select_related("grade")
        }

    def findings_by_kind(self):
        """[(heading, [findings])] in the order of FindingKind, skipping empty kinds; the
        heading is the kind's label, or its plural for more than one finding."""
        findings = list(self.findings.all())
        return [
            (kind.plural if len(group) > 1 else kind.label, group)
            for kind in FindingKind
            if (group := [finding for finding in findings if finding.kind == kind])
        ]

    def has_area_findings(self):
        """True when any graded area has the inspectorate's short finding."""
        return any(area.finding for area in self.graded_areas.all())

    # Grade history.

    def grades_by_area(self):
        """{area id: (area name, grade label)} as saved now, read from the database."""
        areas = GradedArea.objects.filter(report=self).values_list("pk", "name", "grade__label")
        return {pk: (name, label) for pk, name, label in areas}

    # The article admin's consistency check.

    def stated_count_mismatches(self, text: str) -> list[str]:
        """Warnings for each grade count claimed in story text (HTML allowed) that this report
        contradicts, e.g. "The story says 3 ‘good’ grades; the report has 4."."""
        counts = [(item.grade, item.count) for item in self.grade_counts()]
        return prose.stated_count_mismatches(text, counts)


class GradedArea(models.Model):
    """One area of a report with the grade the inspectorate gave it."""

    report = models.ForeignKey(
        InspectionReport, on_delete=models.CASCADE, related_name="graded_areas"
    )
    name = CleanCharField("area", max_length=200)
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="graded_areas")
    position = models.PositiveSmallIntegerField(help_text="Order in the report, from 1.")
    finding = CleanTextField(
        blank=True, help_text="The inspectorate's short finding for this area."
    )
    added_on = models.DateField(
        default=timezone.localdate, help_text="When this judgment was added to the report."
    )
    source_url = models.URLField(
        "link to where the report grades it",
        max_length=500,
        blank=True,
        help_text="The part of the inspectorate's report that gives this grade (a page, or a "
        "section's address), so readers can check it.",
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
            models.CheckConstraint(
                condition=Q(position__gte=1), name="graded_area_position_from_one"
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.grade}"

    def clean(self):
        # The admin's add page hands over a report not saved yet, so test the cache, not the id.
        has_report = self.report_id or GradedArea.report.is_cached(self)
        if has_report and self.report.framework_id and self.grade_id:
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
    text = CleanTextField()
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


class GradeRevisionQuerySet(models.QuerySet):
    def record(self, *, report, before):
        """Record how report's grades differ from `before` (a grades_by_area() taken before a
        write); returns the GradeRevision, or None when no grade changed.

        The rule: the first grades a report gets are its publication, not a revision, so
        nothing is recorded while `before` is empty. After that every change of an area's
        grade, every area added and every area removed is told to readers. Areas are matched
        by id, so a renamed area keeps its history; findings and order are not grades.
        """
        if not before:
            return None
        after = report.grades_by_area()
        changes = [
            {"area": after[pk][0], "before": before[pk][1], "after": after[pk][1]}
            for pk in before.keys() & after.keys()
            if before[pk][1] != after[pk][1]
        ]
        changes += [
            {"area": name, "before": label, "after": ""}
            for pk, (name, label) in before.items()
            if pk not in after
        ]
        changes += [
            {"area": name, "before": "", "after": label}
            for pk, (name, label) in after.items()
            if pk not in before
        ]
        if not changes:
            return None
        changes.sort(key=lambda change: change["area"].lower())
        return self.create(report=report, changes=changes)


class GradeRevision(models.Model):
    """A change to a report's grades after they were first published here, told to readers."""

    report = models.ForeignKey(
        InspectionReport, on_delete=models.CASCADE, related_name="grade_revisions"
    )
    revised_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(
        default=list,
        help_text='[{"area": ..., "before": grade label, "after": grade label}]; an empty '
        "before is an area added, an empty after one removed.",
    )

    objects = GradeRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-revised_at", "-pk"]

    def __str__(self):
        return f"Grades of “{self.report}” revised on {self.revised_at:%d %b %Y}"

    def descriptions(self):
        """Each change as readers read it: "Investigating crime: good → adequate"."""
        lines = []
        for change in self.changes:
            area, before, after = change["area"], change["before"].lower(), change["after"].lower()
            if not before:
                lines.append(f"{area}: added, graded {after}")
            elif not after:
                lines.append(f"{area}: removed (was {before})")
            else:
                lines.append(f"{area}: {before} → {after}")
        return lines


# A report's history holds its graded areas and findings as they were at each save.
reversion.register(GradedArea)
reversion.register(Finding)
reversion.register(InspectionReport, follow=["graded_areas", "findings"])


from .source_models import ReportSource, SourceKind  # noqa: E402,F401
