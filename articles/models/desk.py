"""What the desk keeps for one person while they work: unsaved text, who has a story open, and
a picture held over a failed save. None of it is a revision or reaches readers."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsroom.text import CleanCharField

from .stories import Article

# Someone whose page has not reported for this long has left the story.
PRESENCE_STALE_AFTER = timedelta(seconds=30)
# A picture kept over a failed save, and never used, goes after this long.
KEPT_UPLOAD_LIFETIME = timedelta(days=1)


class Autosave(models.Model):
    """A person's unsaved text of one story (or of the new story they are writing)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autosaves"
    )
    story = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="autosaves",
        help_text="Empty for a story not saved yet.",
    )
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "story"], name="one_autosave_per_user_story"),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(story__isnull=True),
                name="one_new_story_autosave_per_user",
            ),
        ]

    def __str__(self):
        what = f"“{self.story}”" if self.story_id else "a new story"
        return f"{self.user}’s unsaved text of {what} ({timezone.localtime(self.saved_at):%H:%M})"


class PresenceQuerySet(models.QuerySet):
    def current(self):
        return self.filter(last_seen__gte=timezone.now() - PRESENCE_STALE_AFTER)


class Presence(models.Model):
    """Someone has a story open at the desk, as their page last reported."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="story_presences"
    )
    story = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="presences")
    last_seen = models.DateTimeField(default=timezone.now)

    objects = PresenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "user"], name="one_presence_per_user_story")
        ]

    def __str__(self):
        return f"{self.user} has “{self.story}” open"


class KeptUpload(models.Model):
    """A picture uploaded with a save that failed validation, kept (privately, for its uploader
    only) so that the next save uses it instead of asking for the file again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kept_uploads"
    )
    token = models.CharField(max_length=64, unique=True)
    name = CleanCharField(max_length=255)
    content_type = CleanCharField(max_length=100, blank=True)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.name}, kept for {self.user}"
