"""Private review links: a story's current draft, opened without an account by a named person."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from newsroom.text import CleanCharField


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256, so the database alone opens no link."""
    return hashlib.sha256(token.encode()).hexdigest()


class ReviewLinkQuerySet(models.QuerySet):
    def usable(self):
        """Links that open their story now: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ReviewLink(models.Model):
    """A private link to one story's current text for someone without an account."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="review_links"
    )
    recipient = CleanCharField(
        max_length=200,
        help_text="Who the link is for, as the page should greet them: "
        "“Jane Smith (legal)”. Shown on the copy and in the story’s record.",
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="review_links_created",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(
        help_text="After this time the link opens nothing. Choose the end of the review."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="review_link_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"Review copy of “{self.article}” for {self.recipient}"

    def new_token(self) -> str:
        """Give the link a fresh random token and return it: the only time it is ever known."""
        token = secrets.token_urlsafe(32)
        self.token_digest = token_digest(token)
        return token


class ReviewLinkVisit(models.Model):
    """One opening of a review link, for the story's record."""

    link = models.ForeignKey(ReviewLink, on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-visited_at"]

    def __str__(self):
        return f"{self.link.recipient} opened the review copy at {self.visited_at:%d %b %Y, %H:%M}"
