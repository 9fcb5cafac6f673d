"""Stories, the people who write them, and where they are filed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsroom.links import reverse
from newsroom.text import CleanCharField, CleanTextField

from ..images import Rendition
from .fields import PictureField, ProseBodyField, image_upload_to, validate_image_size


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


class BylineRole(models.TextChoices):
    REPORTER = "reporter", "Reporter"
    PHOTOGRAPHY = "photography", "Photography"
    DATA = "data", "Data"
    ADDITIONAL_REPORTING = "additional_reporting", "Additional reporting"


class Section(models.Model):
    """A part of the paper readers browse: News, Crime, Politics."""

    name = CleanCharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    description = CleanCharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the navigation.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", slug=self.slug)


class Tag(models.Model):
    """A topic that cuts across sections, e.g. a force or a council."""

    name = CleanCharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", slug=self.slug)


class Author(models.Model):
    """A journalist who appears in bylines, with a public author page."""

    name = CleanCharField(max_length=200)
    slug = models.SlugField(unique=True)
    job_title = CleanCharField(
        max_length=200, blank=True, help_text="e.g. Local democracy reporter."
    )
    bio = CleanTextField(blank=True)
    photo = PictureField(upload_to=image_upload_to, blank=True, validators=[validate_image_size])
    photo_thumbnail = Rendition(source="photo", width=240, height=240, quality=80)
    email = models.EmailField("public contact email", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The staff account of this journalist, if they have one.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", slug=self.slug)


ALT_TEXT_NEEDED = (
    "Describe the hero image for readers who cannot see it, or tick “Decorative image” if it "
    "adds no information."
)
BYLINE_NEEDED = "A published story needs a byline: add at least one author before publishing."


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of public: published, and its publish time has come."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Published, with a publish time still ahead: live at that time with no further write."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())

    def previewable_by(self, user):
        """What a person may read on the reader site: public stories; an editor, every story;
        other staff, also the stories that are their own (as ``Article.is_owned_by`` says)."""
        if not (user.is_authenticated and user.is_staff):
            return self.published()
        if user.has_perm("articles.publish_article"):
            return self.all()
        own = Byline.objects.filter(author__user=user).values("article")
        return self.published() | self.filter(Q(created_by=user) | Q(pk__in=own))

    def search(self, query):
        """Stories matching a reader's query, newest first (articles/search.py: the stored
        search vector on PostgreSQL, substrings on SQLite)."""
        from ..search import matching

        return matching(self, query).order_by("-published_at", "-pk")

    def for_listing(self):
        """Whole stories for a list that needs more than a teaser (the desk's story list, the
        feeds), with their sections and bylines, in a fixed number of queries."""
        return self.select_related("section").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def teasers(self):
        """What a reader's list of stories shows (articles/_story_list.html, the home page's
        lead), in a fixed number of queries: only those columns, never the body, which at
        archive scale is most of a row."""
        return (
            self.only(*TEASER_FIELDS).select_related("section").prefetch_related(teaser_bylines())
        )


# The columns of a story a list shows: its link, headline, standfirst, date and section, and for
# the home page's lead its picture (views.hero_image() keys its renditions on modified_at).
TEASER_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "published_at",
    "section",
    "hero_image",
    "hero_alt",
    "hero_is_decorative",
    "modified_at",
]


def teaser_bylines():
    """A list's bylines, as the list ``listed_bylines`` of each story (a list, not a manager:
    reading it costs no queryset per story): each author's name, address and role, not their
    biography."""
    bylines = Byline.objects.select_related("author")
    return models.Prefetch(
        "bylines",
        queryset=bylines.only("article", "role", "position", "author__name", "author__slug"),
        to_attr="listed_bylines",
    )


class Article(models.Model):
    """A story, from first draft to publication and later updates."""

    headline = CleanCharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The story's web address. Old addresses keep working.",
    )
    standfirst = CleanCharField(
        max_length=400, blank=True, help_text="One or two sentences under the headline."
    )
    body = ProseBodyField(blank=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles")
    reports = models.ManyToManyField(
        "inspections.InspectionReport",
        blank=True,
        related_name="articles",
        help_text="Inspection reports this story covers; each shows a grades panel.",
    )

    hero_image = PictureField(
        upload_to=image_upload_to, blank=True, validators=[validate_image_size]
    )
    hero_alt = CleanCharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    hero_is_decorative = models.BooleanField(
        "decorative image", default=False, help_text="Tick only if the picture adds no information."
    )
    hero_caption = CleanCharField("caption", max_length=300, blank=True)
    hero_credit = CleanCharField("credit", max_length=200, blank=True)
    hero_small = Rendition(source="hero_image", width=480)
    hero_medium = Rendition(source="hero_image", width=960)
    hero_large = Rendition(source="hero_image", width=1600)

    is_lead = models.BooleanField(
        "lead story",
        default=False,
        help_text="Lead the home page with this story while it is the newest live story ticked "
        "here; otherwise the newest story leads.",
    )

    seo_title = CleanCharField(
        "SEO title",
        max_length=70,
        blank=True,
        help_text="For search results; the headline if empty.",
    )
    seo_description = CleanCharField(
        "SEO description",
        max_length=160,
        blank=True,
        help_text="For search results and social posts; the standfirst if empty.",
    )

    status = models.CharField(max_length=16, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="Live once status is Published and this time has passed.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(
        "last update shown to readers",
        null=True,
        blank=True,
        editable=False,
        help_text="Moves only for an update note or a correction readers can see.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles_created",
        editable=False,
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles_modified",
        editable=False,
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one on every editorial save; a form loaded at an older version "
        "cannot overwrite a newer one.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "story"  # what the newsroom calls it; the desk says so too
        verbose_name_plural = "stories"
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [("publish_article", "Can publish, schedule and unpublish stories")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="article_status_is_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="published_article_has_publish_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_public_idx"),
            # Partial indexes of public stories (migration 0017): lists, the home page's latest
            # per section and the lead, and the sitemap's pages read a bounded slice of these,
            # never every story.
            models.Index(
                fields=["published_at", "id"],
                condition=Q(status=Status.PUBLISHED),
                name="article_published_idx",
            ),
            models.Index(
                fields=["section", "published_at"],
                condition=Q(status=Status.PUBLISHED),
                name="article_section_published_idx",
            ),
            models.Index(
                fields=["published_at"],
                condition=Q(status=Status.PUBLISHED, is_lead=True),
                name="article_lead_idx",
            ),
            models.Index(
                fields=["updated_at"],
                condition=Q(status=Status.PUBLISHED, updated_at__isnull=False),
                name="article_updated_idx",
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("articles:detail", slug=self.slug)

    def is_published(self):
        return self.status == Status.PUBLISHED and bool(
            self.published_at and self.published_at <= timezone.now()
        )

    def is_scheduled(self):
        return self.status == Status.PUBLISHED and bool(
            self.published_at and self.published_at > timezone.now()
        )

    def clean(self):
        if self.needs_alt_text():
            raise ValidationError({"hero_alt": ALT_TEXT_NEEDED})

    def needs_alt_text(self):
        """A hero image readers cannot see must be described, unless it is decorative."""
        return bool(self.hero_image) and not self.hero_alt and not self.hero_is_decorative

    @property
    def display_status(self):
        """The admin's word for where the story is; "Scheduled" is derived, never stored."""
        return "Scheduled" if self.is_scheduled() else self.get_status_display()

    @property
    def modified_for_readers(self):
        """dateModified: the last update readers can see, else the publish time."""
        return self.updated_at or self.published_at

    def grade_count_warnings(self):
        """Grade counts stated in the story that its linked reports' data contradict.

        Advisory: the desk sees them before publishing, nothing is blocked.
        """
        text = " ".join([self.headline, self.standfirst, self.body])
        return [
            f"Check the grades: {warning} ({report})"
            for report in self.reports.for_panel()
            for warning in report.stated_count_mismatches(text)
        ]

    def is_editable_by(self, user):
        """Editors edit any story; a reporter edits only their own, until it is published."""
        if not user.has_perm("articles.change_article"):
            return False
        if user.has_perm("articles.publish_article"):
            return True
        return self.status in {Status.DRAFT, Status.IN_REVIEW} and self.is_owned_by(user)

    def is_owned_by(self, user):
        """A reporter's own story: they created it or they are on its byline."""
        if not user.is_authenticated:
            return False
        return self.created_by_id == user.pk or self.bylines.filter(author__user=user).exists()


class Byline(models.Model):
    """One author's credit on a story, in order, with their role."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(max_length=30, choices=BylineRole, default=BylineRole.REPORTER)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="one_byline_per_author"),
            models.CheckConstraint(
                condition=Q(role__in=BylineRole.values), name="byline_role_is_known"
            ),
        ]

    def __str__(self):
        return f"{self.author} ({self.get_role_display()})"


class SlugRedirect(models.Model):
    """An old web address of a story, answered with a permanent redirect."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="slug_redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


def is_administrator(user):
    return bool(
        user
        and user.is_active
        and (user.is_superuser or user.groups.filter(name="Administrator").exists())
    )
