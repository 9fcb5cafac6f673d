"""Stories the desk should look at again, and why: "needs attention" on the desk's front page."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from newsroom.text import CleanTextField

from .stories import Article


class StoryAttentionQuerySet(models.QuerySet):
    def open(self):
        """What no one has dealt with yet: not marked done, and the story not saved since."""
        return self.filter(resolved_at__isnull=True)

    def resolve(self, *, by=None):
        """Mark these done, by whom (an editor saving the story, or ticking them off)."""
        return self.open().update(resolved_at=timezone.now(), resolved_by=by)


class StoryAttention(models.Model):
    """A live story the desk should check again, e.g. because its report's grades changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attention_items")
    report = models.ForeignKey(
        "inspections.InspectionReport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="story_attention_items",
        help_text="The report whose change needs the story checked, if one did.",
    )
    reason = CleanTextField(help_text="What changed, and what in the story it contradicts.")
    created_at = models.DateTimeField("flagged", default=timezone.now)
    resolved_at = models.DateTimeField("done", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="story_attention_resolved",
    )

    objects = StoryAttentionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "story needing attention"
        verbose_name_plural = "stories needing attention"
        indexes = [
            models.Index(
                fields=["-created_at"],
                condition=models.Q(resolved_at__isnull=True),
                name="story_attention_open_idx",
            )
        ]

    def __str__(self):
        return f"“{self.article}” needs attention ({self.created_at:%d %b %Y})"
