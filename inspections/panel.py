"""The grades panel and the grade history chart: what they show, and every unit of their SVG.

Templates print what these functions prepare; no width, offset or viewBox is worked out in a
template. Everything here reads a report from InspectionReport.objects.for_panel(), so it costs
no queries. This module imports no model: the models call it.

A story page shows its reports' panels from the cache (see cached_panels()): a panel is the
same for every story that links the report, and reading one back is far cheaper than the
queries and template that make it.
"""

import contextlib
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from newsroom import caching

if TYPE_CHECKING:
    from .models import Grade, GradedArea, InspectionReport

# SVG presentation attributes, so charts keep their colours without CSS; each has at least 4.5:1
# contrast on white. Colour is never the only cue: text and pip markers say the same.
TONE_FILLS = {1: "#00573f", 2: "#2b7a3b", 3: "#7a6000", 4: "#a84300", 5: "#b3261e"}


@dataclass(frozen=True)
class Bar:
    """The panel's distribution bar: one unit of width per percent of the report's areas."""

    width: int = 100
    height: int = 8
    display_height: int = 20  # pixels; the bar stretches to the panel's width
    frame_stroke: float = 0.3
    gap_stroke: float = 0.4  # white lines between grades

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class Swatch:
    """The square beside each grade's count, stroked inside its box."""

    size: int = 12
    inset: float = 0.5  # half the default one-unit stroke

    @property
    def view_box(self):
        return f"0 0 {self.size} {self.size}"

    @property
    def inner(self):
        return self.size - 1  # the stroke's width, half on each side


@dataclass(frozen=True)
class Pips:
    """An area's grade marker: one pip per grade of the scale, filled from the left."""

    pitch: int = 8
    inset: int = 1
    pip_width: int = 6
    pip_height: int = 10
    height: int = 12


@dataclass(frozen=True)
class HistoryGeometry:
    """The organisation page's chart: one row per report, its label left of a stacked bar."""

    left: int = 200  # room for the labels
    bar_width: int = 360
    row_height: int = 32
    bar_top: int = 4  # within a row
    bar_height: int = 20
    label_baseline: int = 19  # within a row
    font_size: int = 13

    @property
    def width(self):
        return self.left + self.bar_width

    @property
    def frame_x(self):
        return self.left - 0.5  # a one-unit stroke on whole pixels


BAR = Bar()
SWATCH = Swatch()
PIPS = Pips()
HISTORY = HistoryGeometry()


def grade_tone(position, size):
    """Place a grade on a fixed five-step tone (1 best, 5 worst) whatever its scale's length.

    Scales are data, so colours cannot key on grade names: a four-grade scale's
    "requires improvement" (3 of 4) gets the same tone as the five-grade one's (4 of 5).
    """
    if size <= 1:
        return 1
    return round((position - 1) * 4 / (size - 1)) + 1


@dataclass(frozen=True)
class GradeCount:
    """One grade of a report's scale with how many areas got it, and its share of the bar."""

    grade: "Grade"
    count: int
    tone: int
    offset: float
    width: float

    @property
    def fill(self):
        return TONE_FILLS[self.tone]


class Pip(NamedTuple):
    x: int
    filled: bool


@dataclass(frozen=True)
class AreaRow:
    """One line of the grades panel's table."""

    area: "GradedArea"
    tone: int
    pips: list
    direction: str
    previous_label: str

    @property
    def fill(self):
        return TONE_FILLS[self.tone]

    @property
    def pips_width(self):
        return PIPS.pitch * len(self.pips)

    @property
    def pips_view_box(self):
        return f"0 0 {self.pips_width} {PIPS.height}"


@dataclass(frozen=True)
class GradesPanel:
    """Everything the grades panel template prints for one report."""

    counts: list
    rows: list
    revisions: list  # GradeRevision, newest first

    @property
    def rows_with_findings(self):
        """The rows whose area has the inspectorate's short finding, each shown as a disclosure."""
        return [row for row in self.rows if row.area.finding]

    # The same for every panel, so class attributes rather than fields.
    bar = BAR
    swatch = SWATCH
    pips = PIPS


def grades_panel(report):
    """The grades panel of a report from for_panel()."""
    return GradesPanel(
        counts=grade_counts(report),
        rows=area_rows(report),
        revisions=list(report.grade_revisions.all()),
    )


def grade_counts(report):
    """How many areas got each grade of the scale, zeros included, best grade first."""
    areas = list(report.graded_areas.all())
    grades = report.scale_grades()
    total = len(areas)
    counts = []
    offset = 0.0
    for grade in grades:
        count = sum(1 for area in areas if area.grade_id == grade.pk)
        width = BAR.width * count / total if total else 0.0
        counts.append(
            GradeCount(
                grade=grade,
                count=count,
                tone=grade_tone(grade.position, len(grades)),
                offset=round(offset, 3),
                width=round(width, 3),
            )
        )
        offset += width
    return counts


def area_rows(report):
    """Every graded area in order, with its grade marker and movement since last time.

    Movement is given only when the previous report's grades are comparable; it matches
    areas by name, ignoring case.
    """
    size = len(report.scale_grades())
    comparable = report.is_comparable_with_previous()
    previous = report.previous_grades() if comparable else {}
    rows = []
    for area in report.graded_areas.all():
        before = previous.get(area.name.lower())
        if before is None:
            direction = ""
        elif area.grade.position < before[0]:
            direction = "up"
        elif area.grade.position > before[0]:
            direction = "down"
        else:
            direction = "same"
        filled = size - area.grade.position + 1
        rows.append(
            AreaRow(
                area=area,
                tone=grade_tone(area.grade.position, size),
                pips=[Pip(PIPS.pitch * i + PIPS.inset, i < filled) for i in range(size)],
                direction=direction,
                previous_label=before[1] if before else "",
            )
        )
    return rows


def panel_data(report):
    """The panel as plain data, for the CSV and JSON downloads."""
    framework = report.framework
    return {
        "title": report.title,
        "organisation": report.organisation.name,
        "inspectorate": framework.inspectorate.name,
        "framework": framework.name,
        "published_on": report.published_iso,  # "2024-03" when only the month is known
        "published": report.published_label,
        "lead_inspector": {
            "name": report.lead_inspector_name,
            "title": report.lead_inspector_title,
        },
        "url": report.url,
        "scale": framework.scale.name,
        "grade_counts": [
            {"grade": item.grade.label, "count": item.count} for item in grade_counts(report)
        ],
        "summary": report.summary_sentence(),
        "comparable_with_previous": report.is_comparable_with_previous(),
        "comparison_note": report.comparison_note(),
        "areas": [
            {
                "position": row.area.position,
                "area": row.area.name,
                "grade": row.area.grade.label,
                "finding": row.area.finding,
                "added_on": row.area.added_on.isoformat(),
                "previous_grade": row.previous_label,
                "movement": row.direction,
            }
            for row in area_rows(report)
        ],
    }


class Segment(NamedTuple):
    x: float
    width: float
    fill: str
    label: str
    count: int


@dataclass(frozen=True)
class HistoryRow:
    """One report in an organisation's grade history chart."""

    report: "InspectionReport"
    y: int
    segments: list

    @property
    def label_y(self):
        return self.y + HISTORY.label_baseline

    @property
    def bar_y(self):
        return self.y + HISTORY.bar_top


@dataclass(frozen=True)
class HistoryChart:
    """An organisation's grade history chart."""

    rows: list
    geometry = HISTORY  # the same for every chart, so a class attribute

    @property
    def height(self):
        return self.geometry.row_height * len(self.rows)

    @property
    def view_box(self):
        return f"0 0 {self.geometry.width} {self.height}"


def grade_history(reports):
    """An organisation's grade history chart: one stacked bar per report, in order.

    Each segment is (x, width, fill, label, count) in the chart's units; reports must come
    from for_panel() so this costs no queries.
    """
    rows = []
    for index, report in enumerate(reports):
        segments = [
            Segment(
                round(HISTORY.left + item.offset * HISTORY.bar_width / BAR.width, 2),
                round(item.width * HISTORY.bar_width / BAR.width, 2),
                item.fill,
                item.grade.label,
                item.count,
            )
            for item in grade_counts(report)
            if item.count
        ]
        rows.append(HistoryRow(report=report, y=index * HISTORY.row_height, segments=segments))
    return HistoryChart(rows=rows)


# A story's reports, with their panels rendered.
#
# What a story page shows of a report (its panel's HTML, and the facts its list of sources and
# its JSON-LD give) is cached under the content generation (newsroom.caching), which every
# committed write to an inspections table moves, whichever process makes it: a regrade, an edited
# area, a renamed organisation or grade, a new revision. The next request, in any process, renders
# the panel afresh. The generation is read before the data, so a panel rendered from rows that a
# write was replacing is stored only under a generation that write's commit retires.

PANEL_TEMPLATE = "inspections/_grades_panel.html"
PANEL_CACHE_SECONDS = 24 * 60 * 60  # an unchanged report keeps its entry; a write retires it


def panel_version():
    """The version story reports are cached under now, or None when the cache is down."""
    try:
        return caching.generation()
    except caching.CacheUnavailable:
        return None


@functools.cache
def _code_version():
    """Part of every key: a digest of this module and the panel's template, so that processes of
    a new release never read what an older one stored under the same generation (a deploy
    writes nothing to the database, so it does not move the generation)."""
    template = get_template(PANEL_TEMPLATE).template.source.encode()
    return hashlib.sha256(Path(__file__).read_bytes() + template).hexdigest()[:12]


def _report_key(version, report_pk):
    return f"story-report:{_code_version()}:{version}:{report_pk}"


def _story_key(version, story):
    return f"story-reports:{_code_version()}:{version}:{story}"


def story_report(report):
    """What a story page shows of one report from for_panel(): its panel's HTML, and the
    facts its list of sources and its JSON-LD give (relative addresses)."""
    inspectorate = report.framework.inspectorate
    pages = getattr(report, "report_pages", None)  # inspections.source_models.report_pages()
    return {
        "pk": report.pk,
        "panel": render_to_string(PANEL_TEMPLATE, {"report": report}),
        "title": report.title,
        "url": report.get_absolute_url(),
        "published_on": report.published_on,  # for the order
        "published_iso": report.published_iso,  # as far as it is known ("2024-03")
        "published_label": report.published_label,
        "link": report.url,
        "main_url": pages[0].url if pages else report.url,
        "organisation": report.organisation.name,
        "organisation_url": report.organisation.get_absolute_url(),
        "inspectorate": inspectorate.name,
        "inspectorate_short_name": inspectorate.short_name,
    }


def cached_story_reports(story, version):
    """{report pk: story_report()} for the reports a story (named by `story`, e.g. its slug)
    had when they were last stored under `version`, or None unless every one is cached. With
    it, the view needs only the story's report ids, not for_panel()'s queries."""
    if version is None:
        return None
    try:
        pks = caching.cache_call("get", _story_key(version, story))
        if pks is None:
            return None
        found = caching.cache_call("get_many", [_report_key(version, pk) for pk in pks])
    except caching.CacheUnavailable:
        return None
    if len(found) < len(pks):
        return None
    return {pk: found[_report_key(version, pk)] for pk in pks}


def story_reports(reports, *, story=None, version=None):
    """story_report() of each report, newest first as InspectionReport's ordering says; an item
    of `reports` may already be one (from cached_story_reports()). Those made here are stored
    under `version`, with the list of them for `story`."""
    entries, fresh = [], []
    for report in reports:
        if not isinstance(report, dict):
            report = story_report(report)
            fresh.append(report)
        entries.append(report)
    entries.sort(key=lambda entry: entry["organisation"])
    entries.sort(key=lambda entry: entry["published_on"], reverse=True)
    for entry in entries:
        entry["panel"] = mark_safe(entry["panel"])  # noqa: S308 -- escaped by its template
    if version is not None and story is not None and fresh:
        values = {_report_key(version, entry["pk"]): entry for entry in fresh}
        values[_story_key(version, story)] = [entry["pk"] for entry in entries]
        with contextlib.suppress(caching.CacheUnavailable):
            caching.cache_call("set_many", values, PANEL_CACHE_SECONDS)
    return entries
