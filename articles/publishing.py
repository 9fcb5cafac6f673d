"""Every write to a story, and the one list of reasons a story cannot go live.

The admin's save, its actions, the history's restore, commands and the demo all call these
functions; none of them holds a copy of their rules:

- a save raises the story's version (the lost-update check compares it) and records who made it;
- a story going live for the first time gets ``first_published_at``, its publish time;
- a story that was ever public keeps its old address as a redirect when its slug changes;
- corrections and update notes are appended, never edited, and move the "Updated" stamp.

Each function is keyword-only and atomic.
"""

from datetime import timedelta

import reversion
from django.db import transaction
from django.utils import timezone

from inspections.models import Grade, InspectionReport
from inspections.prose import stated_grade_counts
from newsroom import caching

from . import history
from .models import (
    ALT_TEXT_NEEDED,
    BYLINE_NEEDED,
    Article,
    Byline,
    Correction,
    CorrectionKind,
    SlugRedirect,
    Status,
)

# What a restore leaves alone: the story's place in the workflow, on the home page and in its
# public timeline. Publishing, unpublishing and the lead stay deliberate acts, and "Updated"
# never goes backwards.
KEPT_ON_RESTORE = {
    "id",
    "status",
    "is_lead",
    "published_at",
    "first_published_at",
    "updated_at",
    "created_at",
    "created_by_id",
    "modified_at",
    "modified_by_id",
    "version",
}


# Five minutes' grace, so "publish at 10:00" typed at 10:02 is not refused.
PAST_GRACE = timedelta(minutes=5)
# What search results show of a title; the SEO title field's own limit.
SEARCH_TITLE_LENGTH = Article._meta.get_field("seo_title").max_length
HEADLINE_LENGTH = Article._meta.get_field("headline").max_length


def publish_problems(article, *, byline_count=None, reports=None, loaded_version=None):
    """Every reason the story cannot go live as it stands, as (field, message) pairs.

    ``byline_count`` is the number of bylines the story will have and ``reports`` the reports
    it will cover (a form being saved knows them before the database does); by default the
    stored bylines and reports are used. ``loaded_version`` is the version a form was loaded
    at: another save since then is a conflict to resolve first.
    """
    if byline_count is None:
        byline_count = article.bylines.count() if article.pk else 0
    problems = []
    if conflict := _conflict(article, loaded_version):
        problems.append(("loaded_version", conflict))
    if len(article.headline or "") > HEADLINE_LENGTH:
        problems.append(
            (
                "headline",
                f"The headline has {len(article.headline)} characters; the most is "
                f"{HEADLINE_LENGTH}. Shorten it.",
            )
        )
    if not byline_count:
        problems.append(("bylines", BYLINE_NEEDED))
    if article.needs_alt_text():
        problems.append(("hero_alt", ALT_TEXT_NEEDED))
    if past := _publish_time_past(article):
        problems.append(("published_at", past))
    if embargo := _embargo_after_going_live(article, reports):
        problems.append(("reports", embargo))
    return problems


def _conflict(article, loaded_version):
    """Why the story cannot be saved from a form loaded at ``loaded_version``, or ''."""
    if article.pk is None or loaded_version is None or loaded_version == article.version:
        return ""
    revision = history.latest_revision(article)
    who = revision.user.get_username() if revision and revision.user else "Someone else"
    when = f" at {timezone.localtime(revision.date_created):%H:%M}" if revision else ""
    return (
        f"{who}{when} saved this story while you were editing it: saving now is refused. "
        "Resolve the conflict first (see what changed), then save."
    )


def _publish_time_past(article):
    """A story never live yet, set to go live at a time already gone (with some grace)."""
    if article.status != Status.PUBLISHED or not article.published_at:
        return ""
    if went_live(article.first_published_at):
        return ""
    if article.published_at >= timezone.now() - PAST_GRACE:
        return ""
    return (
        f"{timezone.localtime(article.published_at):%d %B %Y, %H:%M} is in the past. To "
        "publish now, leave the publish time empty; to schedule, choose a time ahead."
    )


def _embargo_after_going_live(article, reports):
    """Why a linked report's embargo stops the story going live when it would, or ''."""
    if reports is None:
        reports = article.reports.all() if article.pk else []
    embargoes = [report.embargo_until for report in reports if report.embargo_until]
    if not embargoes:
        return ""
    # A story already set to Published goes live at its publish time (the form's case); any
    # other is being published now (the "Publish now" action).
    scheduled = article.status == Status.PUBLISHED and article.published_at
    goes_live_at = article.published_at if scheduled else timezone.now()
    lifts_at = timezone.localtime(max(embargoes))
    if goes_live_at >= lifts_at:
        return ""
    return (
        f"A report this story covers is embargoed until {lifts_at.day} "
        f"{lifts_at:%B %Y, %H:%M %Z}: schedule the story for then or later."
    )


def publish_warnings(article, *, reports=None, requests=None):
    """What the desk should check before the story goes live, as messages; nothing is blocked.

    ``reports`` and ``requests`` (its requests for comment) are those the story will have, as
    for publish_problems; by default the stored ones.
    """
    return [message for _, message in warning_items(article, reports=reports, requests=requests)]


def warning_items(article, *, reports=None, requests=None):
    """publish_warnings as (field, message) pairs, the field the editor should look at.

    - grade counts stated in the text that a linked report's data contradict;
    - a grade count stated with no report linked, so no reader can check it;
    - right of reply: every organisation whose inspection the story covers should have been
      asked for comment, and a request whose deadline is still ahead has not had its fair time;
    - a headline longer than search results show, with no SEO title to show instead.
    """
    reports = _panel_reports(article, reports)
    if requests is None:
        requests = list(article.comment_requests.for_story()) if article.pk else []
    text = " ".join([article.headline or "", article.standfirst or "", article.body or ""])
    warnings = [
        ("body", f"Check the grades: {warning} ({report})")
        for report in reports
        for warning in report.stated_count_mismatches(text)
    ]
    if not reports and (claims := _unlinked_grade_counts(text)):
        warnings.append(
            (
                "reports",
                f"The story states a grade count ({claims}) but links no inspection report: "
                "link the report under “Filing”, so the figure can be checked and readers "
                "see the grades panel.",
            )
        )
    warnings += [("comment_requests", message) for message in _reply_warnings(reports, requests)]
    if len(article.headline or "") > SEARCH_TITLE_LENGTH and not article.seo_title:
        warnings.append(
            (
                "seo_title",
                f"The headline has {len(article.headline)} characters; search results show "
                f"about {SEARCH_TITLE_LENGTH}. Write an SEO title of {SEARCH_TITLE_LENGTH} or "
                "fewer.",
            )
        )
    return warnings


def _panel_reports(article, reports):
    """The reports the story will cover, with what their grade counts need (for_checks)."""
    if reports is None:
        return list(article.reports.for_checks()) if article.pk else []
    ids = [report.pk for report in reports]
    return list(InspectionReport.objects.for_checks().filter(pk__in=ids)) if ids else []


def _unlinked_grade_counts(text):
    """The grade counts the text states, as "4 ‘good’, 2 ‘adequate’", against every scale."""
    claims = stated_grade_counts(text, Grade.objects.all())
    return ", ".join(dict.fromkeys(f"{n} ‘{grade.label.lower()}’" for grade, n in claims))


def _reply_warnings(reports, requests):
    asked = {request.organisation_id for request in requests}
    warnings = []
    organisations = {report.organisation for report in reports}
    for organisation in sorted(organisations, key=str):
        if organisation.pk not in asked:
            warnings.append(
                f"Right of reply: this story covers an inspection of {organisation}, which has "
                "not been asked for comment. Record the request under “Requests for comment”."
            )
    now = timezone.now()
    for request in requests:
        if request.is_open and request.deadline and request.deadline > now:
            deadline = timezone.localtime(request.deadline)
            warnings.append(
                f"Right of reply: {request.recipient} has until {deadline:%d %b %Y, %H:%M} to "
                "reply and has not yet; publishing before then does not give them the time "
                "we promised."
            )
    return warnings


@transaction.atomic
def save_story(*, article, by=None):
    """Save a story as the desk does: new version, who and when, first publication, and a
    redirect from the old address if a story that was ever public changed its slug."""
    adding = article.pk is None
    stored = (
        None
        if adding
        else Article.objects.filter(pk=article.pk)
        .values("first_published_at", *caching.SHOWN_BESIDE_OTHER_STORIES)
        .first()
    )
    if adding:
        article.created_by = article.created_by or by
    else:
        article.version += 1
    article.modified_by = by
    if article.status == Status.PUBLISHED and not went_live(article.first_published_at):
        article.first_published_at = article.published_at  # never live yet: live at this time
    with caching.story_saved(article, before=stored):  # retires only the pages it changes
        article.save()
    if stored and went_live(stored["first_published_at"]):
        _keep_old_slug(article, stored["slug"])
    return article


def went_live(first_published_at):
    """Was the story ever public? Only a first publication time that has come says so.
    (A scheduled story has a first publication time still ahead: it has not gone live.)"""
    return first_published_at is not None and first_published_at <= timezone.now()


def _keep_old_slug(article, old_slug):
    if old_slug and old_slug != article.slug:
        SlugRedirect.objects.filter(old_slug=article.slug).delete()  # the story moved back
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})


@transaction.atomic
def publish(*, article, by=None, at=None):
    """Publish now, or at ``at`` (a time ahead schedules it). A story that has never been live
    goes live now unless given a time; a live one keeps its publish time."""
    article.status = Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None or not went_live(article.first_published_at):
        article.published_at = timezone.now()
    return _save_with_revision(article, by, f"Status set to {article.display_status}")


@transaction.atomic
def unpublish(*, article, by=None):
    """Take a story off the site; its address answers 404 until it is published again."""
    article.status = Status.UNPUBLISHED
    return _save_with_revision(article, by, "Status set to Unpublished")


def _save_with_revision(article, by, comment):
    with reversion.create_revision():
        save_story(article=article, by=by)
        reversion.set_user(by)
        reversion.set_comment(comment)
    return article


class RestoreRefused(Exception):
    """A restore that would change what readers see of a live story without saying so."""


@transaction.atomic
def restore(*, article, version, by=None, note="", minor=False, update_note=""):
    """Bring back an earlier version's content: every field, the bylines, tags and reports.

    The workflow fields in KEPT_ON_RESTORE stay as they are. The restore is itself a new
    revision, so it can be undone. On a live story, bringing back another headline, standfirst
    or body needs what an ordinary edit needs: the minor-edit tick or an update note for
    readers (``RestoreRefused`` otherwise).
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    fields, tags, reports, bylines = history.version_content(version, article)
    update_note = update_note.strip()
    reader_text = ["headline", "standfirst", "body"]  # as forms.SUBSTANTIVE_FIELDS
    changed = [
        name for name in reader_text if name in fields and fields[name] != getattr(article, name)
    ]
    if minor and update_note:
        raise RestoreRefused("Either tick “Minor edit” or write an update note, not both.")
    if changed and article.is_published() and not (minor or update_note):
        raise RestoreRefused(
            f"This version has another {' and '.join(changed)} than the live story. Write an "
            "update note for readers, or tick “Minor edit” if the difference is a typo or "
            "formatting."
        )
    for field in Article._meta.concrete_fields:
        if field.attname not in KEPT_ON_RESTORE and field.attname in fields:
            setattr(article, field.attname, fields[field.attname])
    with reversion.create_revision():
        save_story(article=article, by=by)
        article.tags.set(tags)
        article.reports.set(reports)
        article.bylines.all().delete()
        Byline.objects.bulk_create(Byline(article=article, **byline) for byline in bylines)
        reversion.add_to_revision(article)
        reversion.set_user(by)
        saved_at = timezone.localtime(version.revision.date_created)
        restored = f"Restored the version of {saved_at:%d %b %Y, %H:%M}"
        reversion.set_comment(f"{restored}. {note}".strip() if note else restored)
    if update_note and article.is_published():
        record_update_note(article=article, text=update_note, by=by)
    return article


def _mark_updated(article, at):
    """Move the public "Updated" stamp, for an entry readers can see on a live story."""
    if article.is_published() and (article.updated_at is None or at > article.updated_at):
        article.updated_at = at
        article.save(update_fields=["updated_at"])


def add_correction(
    *, article, kind, text, by=None, internal_note="", placement="", published_at=None
):
    """Append a correction (or clarification, update, editor's note, retraction) to a story."""
    correction = Correction(
        article=article,
        kind=kind,
        text=text,
        internal_note=internal_note,
        placement=placement,
        published_at=published_at or timezone.now(),
    )
    return append_correction(correction=correction, by=by)


@transaction.atomic
def append_correction(*, correction, by=None):
    """Save a new correction, as the desk's forms make it, with who added it.

    It is linked to the story's latest revision, the version it corrects. Every kind shows on
    the story page, so on a live story each one moves the "Updated" stamp and dateModified.
    """
    article = correction.article
    correction.revision = history.latest_revision(article)
    correction.created_by = by
    correction.created_by_name = (by.get_full_name() or by.get_username()) if by else ""
    with reversion.create_revision():  # the correction's own history starts here
        correction.save()
        reversion.set_user(by)
        reversion.set_comment(f"{correction.get_kind_display()} added")
    _mark_updated(article, correction.published_at)
    return correction


def record_update_note(*, article, text, by=None, published_at=None):
    """An "Update" entry telling readers what substantively changed in a published story."""
    return add_correction(
        article=article,
        kind=CorrectionKind.UPDATE,
        text=text,
        by=by,
        published_at=published_at,
    )
