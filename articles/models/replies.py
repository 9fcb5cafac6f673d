"""Right of reply: the requests for comment the desk made for a story, and what came back."""

from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone

from newsroom.text import CleanCharField, CleanTextField

from .stories import Article


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"
    OTHER = "other", "Other"


class ReplyStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting a reply"
    QUOTED = "quoted", "Replied: quoted in the story"
    SUMMARISED = "summarised", "Replied: summarised in the story"
    DECLINED = "declined", "Declined to comment"
    NO_REPLY = "no_reply", "No reply"


# A reply came back, so there is a time it arrived; "declined" may have come back or not.
REPLIED = [ReplyStatus.QUOTED, ReplyStatus.SUMMARISED]
NOT_REPLIED = [ReplyStatus.AWAITING, ReplyStatus.NO_REPLY]


class CommentRequestQuerySet(models.QuerySet):
    def open(self):
        """Requests still waiting for an answer, whether or not their deadline has passed."""
        return self.filter(status=ReplyStatus.AWAITING)

    def for_story(self):
        """What the story page's right-of-reply lines need, in one query."""
        return self.select_related("organisation")


class CommentRequest(models.Model):
    """A request for comment the desk made before publishing a story, and its answer."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comment_requests")
    organisation = models.ForeignKey(
        "inspections.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comment_requests",
        help_text="The organisation asked; leave empty when a named person was asked.",
    )
    person_name = CleanCharField(
        "person asked",
        max_length=200,
        blank=True,
        help_text="The person asked, when it was a person rather than an organisation.",
    )
    person_role = CleanCharField(
        "their role",
        max_length=300,
        blank=True,
        help_text="As readers should read it, e.g. Police and Crime Commissioner.",
    )
    channel = models.CharField(max_length=12, choices=Channel, default=Channel.EMAIL)
    # Both may be empty only for a request recorded after the fact, when nobody noted them.
    asked_at = models.DateTimeField(
        "asked", default=timezone.now, null=True, blank=True, help_text="Empty if not recorded."
    )
    deadline = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When we told them we would publish. Empty only if it was not recorded.",
    )
    status = models.CharField(max_length=12, choices=ReplyStatus, default=ReplyStatus.AWAITING)
    received_at = models.DateTimeField(
        "reply received", null=True, blank=True, help_text="When the reply or refusal came in."
    )
    reply = CleanTextField(
        blank=True, help_text="Their reply as received, or our summary of it; for the desk."
    )

    objects = CommentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = "request for comment"
        verbose_name_plural = "requests for comment"
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="comment_request_channel_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReplyStatus.values), name="comment_request_status_is_known"
            ),
            # Exactly one of an organisation or a named person.
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(person_name=""))
                | (Q(organisation__isnull=True) & ~Q(person_name="")),
                name="comment_request_asks_one_recipient",
            ),
            # A reply has its time, unless the whole request was recorded after the fact.
            models.CheckConstraint(
                condition=~Q(status__in=REPLIED)
                | Q(received_at__isnull=False)
                | Q(asked_at__isnull=True),
                name="comment_request_reply_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=NOT_REPLIED) | Q(received_at__isnull=True),
                name="comment_request_no_reply_has_no_time",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("asked_at")),
                name="comment_request_deadline_after_asking",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} on “{self.article}” ({self.get_status_display()})"

    @property
    def recipient(self):
        """Who was asked, as a name readers know."""
        return str(self.organisation) if self.organisation_id else self.person_name

    @property
    def is_open(self):
        return self.status == ReplyStatus.AWAITING

    def is_overdue(self, now=None):
        return (
            self.is_open and self.deadline is not None and self.deadline <= (now or timezone.now())
        )

    def reply_came_after_publication(self):
        published = self.article.first_published_at or self.article.published_at
        return bool(self.received_at and published and self.received_at > published)

    def reader_line(self):
        """The one sentence readers see about this request on the story page."""
        if self.status == ReplyStatus.DECLINED:
            return f"{self.recipient} declined to comment."
        if self.status in NOT_REPLIED:
            return f"{self.recipient} had not replied by the time of publication."
        if self.organisation_id:
            asked, response = f"We asked {self.recipient}", "its response"
        else:
            who = f"{self.person_name}, {self.person_role}," if self.person_role else self.recipient
            asked, response = f"We asked {who}", "their response"
        day = (
            " on " + dateformat.format(timezone.localtime(self.asked_at), "j F")
            if self.asked_at
            else ""  # not recorded: the line says only that we asked
        )
        if self.reply_came_after_publication():
            where = "came after publication and is in the update below"
        elif self.status == ReplyStatus.SUMMARISED:
            where = "is summarised below"
        else:
            where = "is below"
        return f"{asked} for comment{day}; {response} {where}."

    def late_reply_note(self):
        """The update note readers see, by default, when the reply comes after publication."""
        if self.status == ReplyStatus.DECLINED:
            return f"After this story was published, {self.recipient} declined to comment."
        if self.status == ReplyStatus.QUOTED:
            return f"After this story was published, {self.recipient} said: “{self.reply}”"
        return f"After this story was published, {self.recipient} responded. {self.reply}"
