"""The pre-publish check panel: every reason a story should not go live, as the form stands.

Blockers come from ``publishing.publish_problems`` (the one list of reasons a story cannot go
live) and warnings from ``publishing.warning_items``; this module only reads a story from the
desk's form as it stands (saved or not), so the panel can be drawn before any save: on the
page, and by the JSON endpoint the form's script posts to as the editor types.

Publishing with a warning is allowed, but only with the "Publish despite these warnings" tick,
and the acknowledgement goes into the story's history (the revision's comment: who, when, and
the warnings acknowledged).
"""

import copy
from dataclasses import asdict, dataclass
from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections.models import Organisation

from . import publishing
from .models import Article, ReplyStatus, Status

ACKNOWLEDGE_FIELD = "publish_despite_warnings"
ACKNOWLEDGEMENT_NEEDED = (
    "This story has warnings, listed under “Before this story goes live”. Fix them, or tick "
    "“Publish despite these warnings” to publish it anyway (your choice is kept in the story’s "
    "history), or save it with another status. Nothing was saved; your changes are still in "
    "the form."
)
# Where each check sends the editor: the id of the field, or of the inline group.
ANCHORS = {
    "bylines": "bylines-group",
    "comment_requests": "comment_requests-group",
    "loaded_version": "",
}
TEXT_FIELDS = ["headline", "standfirst", "body", "hero_alt", "seo_title", "status"]


@dataclass(frozen=True)
class Check:
    """One line of the panel."""

    field: str
    message: str

    @property
    def anchor(self):
        return ANCHORS.get(self.field, f"id_{self.field}")


@dataclass(frozen=True)
class Panel:
    """What the panel shows: blockers (the story cannot go live) and warnings (it may, with an
    acknowledgement)."""

    blockers: list
    warnings: list

    def as_json(self):
        return {
            "blockers": [asdict(check) for check in self.blockers],
            "warnings": [asdict(check) for check in self.warnings],
        }


def panel(article, *, byline_count=None, reports=None, loaded_version=None, requests=None):
    """The panel for a story (saved or as a form stands; see publish_problems for the rest)."""
    blockers = publishing.publish_problems(
        article, byline_count=byline_count, reports=reports, loaded_version=loaded_version
    )
    warnings = publishing.warning_items(article, reports=reports, requests=requests)
    return Panel(
        blockers=[Check(field, message) for field, message in blockers],
        warnings=[Check(field, message) for field, message in warnings],
    )


def panel_for_form(form):
    """The panel for the story as the desk's form stands: posted data if bound, else the story
    as stored (or, for a new story, an empty one)."""
    story = form.instance if form.instance.pk else None
    if not form.is_bound:
        if story is None:
            return panel(Article(), byline_count=0, reports=[], requests=[])
        return panel(story)
    return panel(**as_posted(form, story))


def as_posted(form, story):
    """publish_problems' arguments for the story as posted, read field by field: a value the
    form would refuse is left as stored (the form's own errors say why), except text that is
    too long, which the panel reports."""
    data, files = form.data, form.files
    article = copy.copy(story) if story is not None else Article()
    for name in TEXT_FIELDS + ["hero_is_decorative"]:
        value = _posted(form, name, clean=False)
        if value is not _MISSING:
            setattr(article, name, value if value is not None else "")
    published_at = _posted(form, "published_at")
    if published_at is not _MISSING:
        article.published_at = published_at
    if article.status == Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()  # as the form does: publish now
    if files.get(form.add_prefix("hero_image")) or data.get("hero_image_chosen"):
        article.hero_image = "chosen-picture"  # a picture is on its way: it needs its alt text
    elif data.get(form.add_prefix("hero_image") + "-clear"):
        article.hero_image = ""
    reports = _posted(form, "reports")
    loaded = data.get(form.add_prefix("loaded_version"))
    return {
        "article": article,
        "byline_count": _posted_bylines(data),
        "reports": None if reports is _MISSING else list(reports),
        "loaded_version": int(loaded) if str(loaded or "").isdigit() else None,
        "requests": posted_requests(data),
    }


_MISSING = object()


def _posted(form, name, *, clean=True):
    field = form.fields.get(name)
    if field is None or field.disabled:
        return _MISSING
    key = form.add_prefix(name)
    if field.widget.value_omitted_from_data(form.data, form.files, key):
        return _MISSING
    raw = field.widget.value_from_datadict(form.data, form.files, key)
    try:
        return field.clean(raw) if clean else field.to_python(raw)
    except ValidationError:
        return _MISSING


def _posted_bylines(data):
    """How many bylines the posted byline rows give, or None when none were posted."""
    total = data.get("bylines-TOTAL_FORMS")
    if not str(total or "").isdigit():
        return None
    return sum(
        1
        for row in range(int(total))
        if data.get(f"bylines-{row}-author") and not data.get(f"bylines-{row}-DELETE")
    )


def posted_requests(data):
    """The requests for comment as posted in the story's inline rows (for the right-of-reply
    warnings), or None when the form has no such rows (the stored ones then count)."""
    total = data.get("comment_requests-TOTAL_FORMS")
    if not str(total or "").isdigit():
        return None
    rows = []
    for row in range(int(total)):
        prefix = f"comment_requests-{row}-"
        if data.get(prefix + "DELETE"):
            continue
        organisation = data.get(prefix + "organisation", "")
        person = (data.get(prefix + "person_name") or "").strip()
        if not (organisation.isdigit() or person):
            continue  # an empty extra row
        try:
            deadline = forms.SplitDateTimeField(required=False).clean(
                [data.get(prefix + "deadline_0", ""), data.get(prefix + "deadline_1", "")]
            )
        except ValidationError:
            deadline = None
        rows.append(
            SimpleNamespace(
                organisation_id=int(organisation) if organisation.isdigit() else None,
                person_name=person,
                deadline=deadline,
                is_open=data.get(prefix + "status", ReplyStatus.AWAITING) == ReplyStatus.AWAITING,
            )
        )
    names = dict(
        Organisation.objects.filter(
            pk__in=[row.organisation_id for row in rows if row.organisation_id]
        ).values_list("pk", "name")
    )
    for row in rows:
        row.recipient = names.get(row.organisation_id, "") or row.person_name
    return rows


def warnings_to_acknowledge(form, cleaned):
    """The warnings saving this form as Published needs acknowledged: all of them when the
    story goes live (or is scheduled) with this save; on a story already Published, only those
    this save brings in."""
    story = form.instance if form.instance.pk else None
    article = copy.copy(form.instance)
    for name in ["headline", "standfirst", "body", "seo_title"]:
        if name in cleaned:
            setattr(article, name, cleaned[name])
    reports = cleaned.get("reports") if "reports" in cleaned else None
    warnings = publishing.publish_warnings(
        article,
        reports=None if reports is None else list(reports),
        requests=posted_requests(form.data),
    )
    # In clean() the instance still holds the stored values (the form copies its data in later).
    if story is not None and story.status == Status.PUBLISHED:
        before = set(publishing.publish_warnings(story))
        warnings = [warning for warning in warnings if warning not in before]
    return warnings


def acknowledgement_note(warnings, user):
    """The revision comment recording who published despite which warnings, and when."""
    who = (user.get_full_name() or user.get_username()) if user else "Someone"
    when = timezone.localtime()
    listed = " ".join(f"({number}) {text}" for number, text in enumerate(warnings, start=1))
    return (
        f"Published despite warnings, acknowledged by {who} on {when:%d %b %Y at %H:%M}: {listed}"
    )
