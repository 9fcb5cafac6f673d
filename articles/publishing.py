"""Writes that more than one entry point makes: the admin, and commands such as ``load_demo``.

Publishing, corrections and update notes, and restoring an earlier version of a story. Each
function is keyword-only and atomic, so every caller gets the same rules.
"""

import reversion
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from reversion.models import Version

from .models import Article, Byline, Correction, CorrectionKind, SlugRedirect, Status

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
    "created_by",
    "modified_at",
    "modified_by",
    "version",
}


def latest_revision(article):
    version = Version.objects.get_for_object(article).select_related("revision").first()
    return version.revision if version else None


def _mark_updated(article, at):
    """Move the public "Updated" stamp, for an entry readers can see on a live story."""
    if article.is_published() and (article.updated_at is None or at > article.updated_at):
        article.updated_at = at
        article.save(update_fields=["updated_at"])


@transaction.atomic
def add_correction(
    *, article, kind, text, by=None, internal_note="", placement="", published_at=None
):
    """Append a correction (or clarification, update, editor's note, retraction) to a story.

    It is linked to the story's latest revision, the version it corrects. Every kind shows on
    the story page, so on a live story each one moves the "Updated" stamp and dateModified.
    """
    revision = latest_revision(article)
    with reversion.create_revision():  # the correction's own history starts here
        correction = Correction.objects.create(
            article=article,
            kind=kind,
            text=text,
            internal_note=internal_note,
            placement=placement,
            published_at=published_at or timezone.now(),
            created_by=by,
            revision=revision,
        )
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


@transaction.atomic
def publish(*, article, by=None, at=None):
    """Publish now, or at ``at`` (a future time schedules it).

    The first publication also sets ``first_published_at``.
    """
    article.status = Status.PUBLISHED
    article.published_at = at or article.published_at or timezone.now()
    first = article.first_published_at
    if first is None or first > timezone.now():  # never live yet: it goes live at this time
        article.first_published_at = article.published_at
    _save_workflow(article, by)
    return article


@transaction.atomic
def unpublish(*, article, by=None):
    """Take a story off the site; its address answers 404 until it is published again."""
    article.status = Status.UNPUBLISHED
    _save_workflow(article, by)
    return article


def _save_workflow(article, by):
    article.modified_by = by
    article.version += 1
    with reversion.create_revision():
        article.save()
        reversion.set_user(by)
        reversion.set_comment(f"Status set to {article.get_status_display()}")


def keep_old_slug(*, article, old_slug):
    """Answer a public story's former address with a redirect to its new one."""
    if old_slug and old_slug != article.slug:
        SlugRedirect.objects.filter(old_slug=article.slug).delete()  # the story moved back
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})


@transaction.atomic
def restore_version(*, article, version, by=None, note=""):
    """Bring back an earlier version's content: every field, the bylines, tags and reports.

    The workflow fields in KEPT_ON_RESTORE stay as they are. The restore is itself a new
    revision, so it can be undone.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    fields = version.field_dict
    old_slug = article.slug
    for field in Article._meta.concrete_fields:
        if field.name in KEPT_ON_RESTORE or field.attname not in fields:
            continue
        value = fields[field.attname]
        setattr(article, field.attname, value.name if isinstance(value, FieldFile) else value)
    article.modified_by = by
    article.version += 1
    bylines = [
        byline_version.field_dict
        for byline_version in version.revision.version_set.get_for_model(Byline)
    ]
    with reversion.create_revision():
        article.save()
        article.tags.set(fields.get("tags", []))
        article.reports.set(fields.get("reports", []))
        article.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(
                article=article,
                author_id=byline["author_id"],
                role=byline["role"],
                position=byline["position"],
            )
            for byline in bylines
            if byline["article_id"] == article.pk
        )
        if article.first_published_at is not None:
            keep_old_slug(article=article, old_slug=old_slug)
        reversion.add_to_revision(article)
        reversion.set_user(by)
        saved_at = timezone.localtime(version.revision.date_created)
        restored = f"Restored the version of {saved_at:%d %b %Y, %H:%M}"
        reversion.set_comment(f"{restored}. {note}".strip() if note else restored)
    return article
