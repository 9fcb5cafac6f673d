"""Corrections: append-only entries on a story, from a typo fixed to a retraction."""

import contextlib
import secrets

import reversion
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from newsroom.text import CleanCharField, CleanTextField

from .stories import Article


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    CLARIFICATION = "clarification", "Clarification"
    UPDATE = "update", "Update"
    EDITORS_NOTE = "editors_note", "Editor’s note"
    RETRACTION = "retraction", "Retraction"


class Placement(models.TextChoices):
    TOP = "top", "Top of the story"
    FOOTNOTE = "footnote", "Footnote"


# Kinds listed on the public corrections page; routine updates show only on their story.
LISTED_CORRECTION_KINDS = [
    CorrectionKind.CORRECTION,
    CorrectionKind.CLARIFICATION,
    CorrectionKind.EDITORS_NOTE,
    CorrectionKind.RETRACTION,
]


# What readers see of a correction; changing any of them leaves a public trace.
READER_FIELDS = {"kind", "text", "placement", "published_at"}
EARLIER_TIME_REFUSED = (
    "A correction's published time cannot move earlier: readers have seen when it appeared. "
    "Keep the time, or choose a later one."
)
DATELINE_LABELS = {
    CorrectionKind.CORRECTION: "Corrected",
    CorrectionKind.CLARIFICATION: "Clarified",
    CorrectionKind.UPDATE: "Updated",
    CorrectionKind.EDITORS_NOTE: "Editor’s note",
    CorrectionKind.RETRACTION: "Retracted",
}


class CorrectionLocked(Exception):
    """Raised on any attempt to change or remove a published correction without an override."""


class CorrectionQuerySet(models.QuerySet):
    def visible(self):
        """What a story's page and its JSON-LD show: every entry whose time has come."""
        return self.filter(published_at__lte=timezone.now())

    def listed(self):
        """What the corrections page, its feeds and the author pages count: visible entries of
        the kinds that correct the record (not routine updates), on public stories."""
        return self.visible().filter(
            kind__in=LISTED_CORRECTION_KINDS, article__in=Article.objects.published()
        )

    def with_last_amendment(self):
        """Each entry with ``last_amended_at``: when an Administrator last changed what readers
        see of it (None if never), in the same query."""
        latest = CorrectionAmendment.objects.filter(correction=OuterRef("pk")).order_by(
            "-amended_at"
        )
        return self.annotate(last_amended_at=Subquery(latest.values("amended_at")[:1]))

    def update(self, **kwargs):
        raise CorrectionLocked("Published corrections are append-only; they cannot be updated.")

    def delete(self):
        raise CorrectionLocked("Published corrections are append-only; they cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise CorrectionLocked("Published corrections are append-only; they cannot be updated.")


class Correction(models.Model):
    """A correction, clarification, update, editor's note or retraction added to a story.

    Append-only: once saved, only an Administrator can amend or remove one, through
    ``amend()``/``remove()``; database triggers refuse every other change (migration 0002).
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(
        max_length=20, choices=CorrectionKind, default=CorrectionKind.CORRECTION
    )
    text = CleanTextField(help_text="What readers see: what was wrong and what is right.")
    internal_note = CleanTextField(
        blank=True, help_text="For the desk only: what was wrong and who reported it."
    )
    placement = models.CharField(
        max_length=10,
        choices=Placement,
        blank=True,
        help_text="Leave empty for the usual place: top for retractions, a footnote otherwise.",
    )
    published_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections_added",
    )
    created_by_name = CleanCharField(
        max_length=150,
        blank=True,
        editable=False,
        help_text="Who added it, kept when their staff account is deleted.",
    )
    revision = models.ForeignKey(
        "reversion.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The story revision this correction came with.",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "pk"]
        permissions = [("amend_correction", "Can amend or remove a published correction")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CorrectionKind.values), name="correction_kind_is_known"
            ),
            models.CheckConstraint(
                condition=Q(placement__in=[*Placement.values, ""]),
                name="correction_placement_is_known",
            ),
        ]
        # The corrections page, newest first, a page at a time (migration 0017).
        indexes = [models.Index(fields=["-published_at", "-id"], name="correction_newest_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} to “{self.article}” ({self.published_at:%d %b %Y})"

    def save(self, *args, **kwargs):
        if not self._state.adding and not getattr(self, "_unlocked", False):
            raise CorrectionLocked("Published corrections are append-only; they cannot be edited.")
        if not self.placement:
            self.placement = self.default_placement(self.kind)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    @property
    def added_by(self):
        """Who added it, for the desk; a deleted account shows as a former staff member."""
        if self.created_by is not None:
            return self.created_by.get_full_name() or self.created_by.get_username()
        if self.created_by_name:
            return f"{self.created_by_name} (former staff member)"
        return ""

    def delete(self, *args, **kwargs):
        if not getattr(self, "_unlocked", False):
            raise CorrectionLocked("Published corrections are append-only; they cannot be deleted.")
        return super().delete(*args, **kwargs)

    @staticmethod
    def default_placement(kind):
        serious = {CorrectionKind.RETRACTION, CorrectionKind.EDITORS_NOTE}
        return Placement.TOP if kind in serious else Placement.FOOTNOTE

    @property
    def is_listed(self):
        return self.kind in LISTED_CORRECTION_KINDS

    @contextlib.contextmanager
    def _override(self):
        """Open the database trigger for this one row, inside one transaction.

        The unlock row carries a one-time token that the trigger compares with one this
        transaction armed on its own connection (see CorrectionUnlock): a row inserted by
        plain SQL, or left behind, opens nothing.
        """
        token = secrets.token_hex(16)
        with transaction.atomic():
            _arm_unlock(token)
            CorrectionUnlock.objects.create(correction_id=self.pk, token=token)
            self._unlocked = True
            try:
                yield
            finally:
                self._unlocked = False
                CorrectionUnlock.objects.filter(correction_id=self.pk).delete()
                _arm_unlock(None)

    def amend(self, *, by, note="", **changes):
        """An Administrator's change to a published correction, kept in its public history.

        Only the fields given are written (a form's unchanged fields may have lost precision,
        such as a time's microseconds). A change readers can see leaves a CorrectionAmendment
        with the earlier wording, and the time it was published never moves backwards.
        """
        if not by.has_perm("articles.amend_correction"):
            raise CorrectionLocked("Only an Administrator can amend a published correction.")
        stored = Correction.objects.get(pk=self.pk)
        changes = {
            field: value for field, value in changes.items() if getattr(stored, field) != value
        }
        moved_to = changes.get("published_at")
        if moved_to is not None and moved_to < stored.published_at:
            raise CorrectionLocked(EARLIER_TIME_REFUSED)
        for field, value in changes.items():
            setattr(self, field, value)
        with reversion.create_revision(), self._override():
            if READER_FIELDS.intersection(changes):
                self.amendments.create(
                    previous_text=stored.text,
                    previous_kind=stored.kind,
                    amended_at=timezone.now(),
                    amended_by=by,
                    note=note or f"Changed: {', '.join(sorted(READER_FIELDS & set(changes)))}",
                )
            self.save(update_fields=list(changes))
            reversion.set_user(by)
            reversion.set_comment(f"Amended by an Administrator: {', '.join(changes) or 'resaved'}")

    @property
    def dateline_label(self):
        """How the story's dateline names this entry: "Updated", "Corrected" and so on."""
        return DATELINE_LABELS[self.kind]

    def earlier_wordings(self):
        """What readers saw before each amendment, oldest first, as (since, kind label, text),
        from the prefetched amendments."""
        amendments = sorted(self.amendments.all(), key=lambda a: (a.amended_at, a.pk))
        starts = [self.published_at, *(a.amended_at for a in amendments[:-1])]
        return [
            (since, CorrectionKind(a.previous_kind).label, a.previous_text)
            for since, a in zip(starts, amendments, strict=True)
        ]

    def remove(self, *, by):
        """An Administrator's removal of a correction; its last version stays in the history."""
        if not by.has_perm("articles.amend_correction"):
            raise CorrectionLocked("Only an Administrator can remove a published correction.")
        with reversion.create_revision(), self._override():
            reversion.add_to_revision(self)
            reversion.set_user(by)
            reversion.set_comment("Removed by an Administrator")
            self.delete()


class CorrectionAmendment(models.Model):
    """An Administrator's change to a published correction: the wording readers saw before it.

    Kept in its own table, not in columns of the correction: adding a column remakes the
    correction table on SQLite, which drops its append-only triggers.
    """

    correction = models.ForeignKey(Correction, on_delete=models.CASCADE, related_name="amendments")
    previous_text = CleanTextField()
    previous_kind = models.CharField(max_length=20, choices=CorrectionKind)
    amended_at = models.DateTimeField(default=timezone.now)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="correction_amendments",
    )
    note = CleanCharField(max_length=200, blank=True, help_text="For the desk: what changed.")

    class Meta:
        ordering = ["amended_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(previous_kind__in=CorrectionKind.values),
                name="amendment_previous_kind_is_known",
            ),
        ]

    def __str__(self):
        return f"Amendment to {self.correction} ({self.amended_at:%d %b %Y})"


class CorrectionUnlock(models.Model):
    """A row here lets one correction past the append-only trigger, inside one transaction,
    when its token is the one that transaction armed (``Correction._override``).

    On PostgreSQL the token is armed with ``set_config(..., is_local => true)``, so it ends
    with the transaction. On SQLite the trigger calls ``newsroom_unlock_token()``, a function
    only the site's own connections have (``register_unlock_function``): another SQLite client
    cannot change a correction at all.
    """

    correction_id = models.BigIntegerField(primary_key=True)
    token = models.CharField(max_length=64, default="")

    def __str__(self):
        return f"Unlock for correction {self.correction_id}"


UNLOCK_SETTING = "newsroom.unlock_token"


def _arm_unlock(token):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [UNLOCK_SETTING, token or ""])
    else:
        connection._newsroom_unlock_token = token


def register_unlock_function(sender, connection, **kwargs):
    """connection_created: give a SQLite connection the function the trigger asks."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function(
            "newsroom_unlock_token",
            0,
            lambda: getattr(connection, "_newsroom_unlock_token", None),
        )
