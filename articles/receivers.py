"""What a change to a report's grades means for the stories that cover it.

The inspections app never imports this one: its grade import sends signals, and these
receivers (connected in ArticlesConfig.ready) answer them through the reverse relation
``report.articles``. The preview names each story whose grades panel would change and what
in its text would then contradict the report; a confirmed import puts those stories in the
desk's "needs attention" list.
"""

from dataclasses import dataclass

from django.urls import reverse

from inspections import prose

from .models import Article, Status, StoryAttention


@dataclass(frozen=True)
class AffectedStory:
    """A story whose grades panel an import changes, as the import's preview lists it."""

    article: Article
    contradictions: list

    @property
    def title(self):
        return self.article.headline

    @property
    def admin_url(self):
        return reverse("admin:articles_article_change", args=[self.article.pk])

    @property
    def state(self):
        return "scheduled" if self.article.is_scheduled() else "live"


def affected_stories(report, plan):
    """The live and scheduled stories covering ``report`` whose panel ``plan`` changes, each
    with the grade counts its text states that the report would then contradict."""
    if not plan.changes_grades:
        return []
    stories = report.articles.filter(status=Status.PUBLISHED).order_by("-published_at", "-pk")
    return [
        AffectedStory(
            article=story,
            contradictions=prose.stated_count_mismatches(
                " ".join([story.headline, story.standfirst, story.body]), plan.counts
            ),
        )
        for story in stories
    ]


def describe_import_for_stories(sender, *, report, plan, **kwargs):
    """grades_import_planned: the stories the preview should name."""
    return affected_stories(report, plan)


def flag_stories_after_import(sender, *, report, plan, **kwargs):
    """grades_imported: each affected story needs the desk's attention."""
    changes = "; ".join(
        [f"{area}: added, graded {grade.lower()}" for area, grade in plan.added]
        + [f"{area}: {before.lower()} → {after.lower()}" for area, before, after in plan.regraded]
        + [f"{area}: removed (was {grade.lower()})" for area, grade in plan.removed]
    )
    StoryAttention.objects.bulk_create(
        StoryAttention(
            article=affected.article,
            report=report,
            reason=f"The grades of “{report}” were changed by a CSV import ({changes})."
            + (
                f" The story’s text now contradicts them: {' '.join(affected.contradictions)}"
                if affected.contradictions
                else " Check that its text still agrees with them."
            ),
        )
        for affected in affected_stories(report, plan)
    )
