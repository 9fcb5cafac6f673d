"""A story's sources: what a reader follows to check a sentence or a figure."""

from django.db import models
from django.db.models import Q

from newsroom.text import CleanCharField

from .stories import Article


class StorySource(models.Model):
    """A document, dataset or page a story cites, numbered as its citation marks are."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    title = CleanCharField(max_length=250)
    url = models.URLField("address", max_length=500)
    publisher = CleanCharField(
        max_length=200,
        blank=True,
        help_text="Who published it, e.g. Office for National Statistics.",
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="When the source was published, if it says."
    )
    accessed_on = models.DateField(
        null=True, blank=True, help_text="When you read it, for pages that change."
    )
    position = models.PositiveSmallIntegerField(
        help_text=(
            "The source's number. To cite it, select the words or figure in the text and link "
            "them to #source-N, with this number as N."
        )
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="one_source_per_number_per_story"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="source_number_from_one"),
        ]

    def __str__(self):
        return f"[{self.position}] {self.title}"

    @property
    def anchor(self):
        """The fragment citation links in the story's text point at."""
        return f"source-{self.position}"
