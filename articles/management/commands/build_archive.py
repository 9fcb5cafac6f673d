"""Build a newsroom archive of a given size, for measuring the site at scale (make bench-scale).

``build_archive --stories 100000`` writes ten years of published stories (about 600 words each,
in paragraphs), eight sections, 50 authors, 200 tags, bylines and tag links, one inspection
report of nine graded areas (with findings) per 50 stories, corrections on about one story in
thirty, and links from stories to the reports they cover. The text comes from a small
vocabulary in the project's own words: "police" is in about half the stories, "reservoir" in
about one in a hundred, and the phrase "chief constable" in about one in five.

Rows are written with ``bulk_create`` in batches: no ``save()``, no signals, no revisions, so
an archive of 100,000 stories takes minutes. The output is the same for the same ``--seed``.
"""

import datetime as dt
import itertools
import math
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles.models import (
    Article,
    Author,
    Byline,
    BylineRole,
    Correction,
    CorrectionKind,
    Section,
    Status,
    Tag,
)
from inspections.models import (
    Finding,
    FindingKind,
    Framework,
    GradedArea,
    GradeScale,
    InspectionReport,
    Inspectorate,
    Organisation,
    OrganisationKind,
)

YEARS = 10
AUTHORS = 50
TAGS = 200
STORIES_PER_REPORT = 50
CORRECTED_ONE_IN = 30
PARAGRAPHS = 8
SENTENCES_PER_PARAGRAPH = 5  # about 20 words a sentence: some 600 words a story

SECTIONS = [
    ("News", "news"),
    ("Crime", "crime"),
    ("Politics", "politics"),
    ("Health", "health"),
    ("Education", "education"),
    ("Business", "business"),
    ("Sport", "sport"),
    ("Opinion", "opinion"),
]
FIRST_NAMES = ["Amara", "Ben", "Chloe", "Dev", "Elin", "Farid", "Grace", "Hugo", "Isla", "Jonah"]
LAST_NAMES = ["Ashworth", "Bell", "Carver", "Doyle", "Ellis"]
PLACES = [
    "Peterborough",
    "Huntingdon",
    "Ely",
    "Wisbech",
    "March",
    "St Neots",
    "St Ives",
    "Whittlesey",
    "Chatteris",
    "Ramsey",
    "Soham",
    "Littleport",
    "Yaxley",
    "Sawtry",
    "Godmanchester",
    "Bretton",
    "Orton",
    "Werrington",
    "Hampton",
    "Fengate",
]
TOPICS = [
    "schools",
    "roads",
    "housing",
    "courts",
    "council",
    "hospitals",
    "buses",
    "parks",
    "libraries",
    "planning",
]
INSPECTED = [
    (OrganisationKind.POLICE_FORCE, "{place} Constabulary"),
    (OrganisationKind.SCHOOL, "{place} Academy"),
    (OrganisationKind.HOSPITAL, "{place} General Hospital"),
    (OrganisationKind.CARE_HOME, "{place} Court Care Home"),
    (OrganisationKind.FIRE_SERVICE, "{place} Fire and Rescue Service"),
]
AREAS = [
    "Preventing crime",
    "Responding to the public",
    "Protecting vulnerable people",
    "Managing offenders",
    "Investigating crime",
    "Treatment of the public",
    "Developing a positive workplace",
    "Good use of resources",
    "Leadership and management",
]

# Sentence parts; none of the general ones says "police", so the police stories alone carry it.
SUBJECTS = [
    "The council",
    "A spokesperson for the trust",
    "Local residents",
    "The head teacher",
    "Campaigners",
    "The cabinet member for transport",
    "Parents at the school gate",
    "Traders on the high street",
    "The planning committee",
    "Volunteers from the food bank",
]
VERBS = [
    "said on Tuesday that",
    "told the paper that",
    "warned that",
    "argued at the meeting that",
    "confirmed in a statement that",
    "wrote in a letter that",
]
CLAIMS = [
    "the budget for the coming year would be tight",
    "the new timetable would start in the spring",
    "waiting lists had grown since the winter",
    "the plans would go to a public consultation",
    "more staff were needed to keep the service open",
    "the repairs would take longer than first hoped",
    "the figures showed a clear improvement on last year",
    "the decision would be reviewed within six months",
    "families had waited too long for an answer",
    "the money had been set aside for the project",
]
POLICE_SENTENCES = [
    "The police said officers were called to the scene shortly after midnight.",
    "The chief constable said the force would publish its response within a month.",
    "A police spokesperson asked anyone with information to call 101.",
    "Neighbourhood police teams will patrol the area over the weekend.",
    "The police and crime commissioner said the inspection findings would shape the budget.",
    "Police confirmed that a man had been arrested and later released on bail.",
]
CHIEF_CONSTABLE = "The chief constable told the panel that response times were improving."
RARE_SENTENCE = "Engineers inspected the reservoir wall after the heavy rain."
HEADLINE_VERBS = ["backs", "delays", "rejects", "reviews", "approves", "questions"]
HEADLINE_THINGS = ["plan for", "budget for", "changes to", "report on", "spending on"]
POLICE_HEADLINES = [
    "Police appeal after {place} incident",
    "Inspectors grade {place} policing",
    "Police patrols stepped up in {place}",
]
FINDING_TEXTS = {
    FindingKind.CAUSE_OF_CONCERN: "The inspectors found calls were not always answered in time.",
    FindingKind.AREA_FOR_IMPROVEMENT: "Records of decisions should be kept more consistently.",
    FindingKind.INNOVATIVE_PRACTICE: "A joint team with the council cut repeat callouts.",
}
CORRECTION_TEXTS = [
    (CorrectionKind.CORRECTION, "An earlier version of this story gave the wrong date."),
    (CorrectionKind.CLARIFICATION, "This story has been updated to make clear who made the bid."),
    (CorrectionKind.UPDATE, "This story was updated with the council's response."),
    (CorrectionKind.EDITORS_NOTE, "The council replied after publication; its answer is added."),
]


class Command(BaseCommand):
    help = "Build a realistic archive of published stories (for benchmarks) in an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, required=True, help="How many stories.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Rows per INSERT (default 1000)."
        )

    def handle(self, *args, stories, seed, batch_size, **options):
        if stories < 1:
            raise CommandError("--stories must be at least 1.")
        if Article.objects.exists():
            raise CommandError("The database already holds stories: build into an empty one.")
        self.prepare(seed=seed, batch_size=batch_size, verbosity=options["verbosity"])
        started = time.monotonic()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The readers' statement timeout (settings) is not for building an archive.
                cursor.execute("SET statement_timeout = 0")
        with transaction.atomic():
            sections = self.sections()
            authors = self.authors()
            tags = self.tags()
            reports = self.reports(max(1, stories // STORIES_PER_REPORT))
        self.stories(range(stories), stories, sections, authors, tags, reports)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Statistics and a visibility map, as autovacuum would leave them in time
                # (VACUUM cannot run in a transaction, as in a test: statistics only then).
                atomic = connection.in_atomic_block
                cursor.execute("ANALYZE" if atomic else "VACUUM (ANALYZE)")
        self.say(f"Archive of {stories} stories built in {time.monotonic() - started:.0f} s.")

    def prepare(self, *, seed=1, batch_size=1000, verbosity=0):
        self.verbosity = verbosity
        self.random = random.Random(seed)
        self.batch_size = batch_size
        self.now = timezone.now().replace(microsecond=0)
        self.start = self.now - dt.timedelta(days=365 * YEARS)

    def say(self, message):
        if self.verbosity:
            self.stdout.write(message)

    def sections(self):
        for position, (name, slug) in enumerate(SECTIONS):
            Section.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
        return list(Section.objects.filter(slug__in=[slug for _, slug in SECTIONS]))

    def authors(self):
        names = [f"{first} {last}" for last in LAST_NAMES for first in FIRST_NAMES][:AUTHORS]
        rows = [
            Author(
                name=name, slug=f"archive-{name.lower().replace(' ', '-')}", job_title="Reporter"
            )
            for name in names
        ]
        return Author.objects.bulk_create(rows)

    def tags(self):
        pairs = [(place, topic) for place in PLACES for topic in TOPICS][:TAGS]
        rows = [
            Tag(name=f"{place} {topic}", slug=f"{place}-{topic}".lower().replace(" ", "-"))
            for place, topic in pairs
        ]
        return Tag.objects.bulk_create(rows)

    def reports(self, count):
        inspectorate, _ = Inspectorate.objects.get_or_create(
            slug="archive-inspectorate",
            defaults={"name": "Archive Inspectorate of Public Services", "short_name": "AIPS"},
        )
        scale = GradeScale.objects.get(name="Five grades (PEEL from 2021/22)")
        grades = list(scale.grades.order_by("position"))
        framework, _ = Framework.objects.get_or_create(
            slug="archive-framework",
            defaults={"name": "Archive framework", "inspectorate": inspectorate, "scale": scale},
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=pattern.format(place=place), slug=f"archive-{kind}-{index}", kind=kind
            )
            for index, (place, (kind, pattern)) in enumerate(itertools.product(PLACES, INSPECTED))
        )
        # Each organisation's reports are a chain, oldest first, on distinct days.
        days = 365 * YEARS
        rows = []
        for index in range(count):
            organisation = organisations[index % len(organisations)]
            number = index // len(organisations)
            per_organisation = math.ceil(count / len(organisations))
            day = (number * days) // per_organisation + index % 7
            published_on = (self.start + dt.timedelta(days=day)).date()
            rows.append(
                InspectionReport(
                    organisation=organisation,
                    framework=framework,
                    title=f"Inspection {number + 1}: {organisation.name}",
                    slug=f"archive-report-{index + 1}",
                    published_on=published_on,
                    summary=f"The inspectors graded {organisation.name} in nine areas.",
                )
            )
        reports = InspectionReport.objects.bulk_create(rows, batch_size=self.batch_size)
        previous = {}
        chained = []
        for report in reports:
            if earlier := previous.get(report.organisation_id):
                report.previous_report = earlier
                chained.append(report)
            previous[report.organisation_id] = report
        InspectionReport.objects.bulk_update(
            chained, ["previous_report"], batch_size=self.batch_size
        )
        areas = [
            GradedArea(
                report=report,
                name=name,
                grade=self.random.choice(grades),
                position=position,
                finding=f"{name}: the inspectors' finding in brief.",
                added_on=report.published_on,
            )
            for report in reports
            for position, name in enumerate(AREAS, start=1)
        ]
        GradedArea.objects.bulk_create(areas, batch_size=self.batch_size)
        findings = [
            Finding(report=report, kind=kind, text=text, position=0)
            for report in reports
            for kind, text in FINDING_TEXTS.items()
        ]
        Finding.objects.bulk_create(findings, batch_size=self.batch_size)
        self.say(f"{len(reports)} reports with {len(areas)} graded areas.")
        return reports

    def stories(self, numbers, count, sections, authors, tags, reports):
        """Stories number `numbers` of an archive of `count`, spread over its ten years."""
        span = (self.now - self.start).total_seconds() - 3600
        written = 0
        for first in range(numbers.start, numbers.stop, self.batch_size):
            batch = range(first, min(first + self.batch_size, numbers.stop))
            with transaction.atomic():
                rows = []
                for number in batch:
                    # Oldest first: ids follow publication, as in a real archive.
                    published_at = self.start + dt.timedelta(seconds=span * number / count)
                    rows.append(self.story(number, published_at, self.random.choice(sections)))
                articles = Article.objects.bulk_create(rows)
                self.links(articles, authors, tags, reports, count)
            written += len(rows)
            if self.verbosity > 1 or (self.verbosity and written % 10_000 < self.batch_size):
                self.say(f"{written} of {len(numbers)} stories")

    def story(self, number, published_at, section):
        police = self.random.random() < 0.5
        place = self.random.choice(PLACES)
        if police:
            headline = self.random.choice(POLICE_HEADLINES).format(place=place)
        else:
            thing = f"{self.random.choice(HEADLINE_THINGS)} {self.random.choice(TOPICS)}"
            headline = f"{place} {self.random.choice(['council', 'trust', 'board'])} "
            headline += f"{self.random.choice(HEADLINE_VERBS)} {thing}"
        paragraphs = []
        for _ in range(PARAGRAPHS):
            sentences = [self.sentence() for _ in range(SENTENCES_PER_PARAGRAPH)]
            if police and self.random.random() < 0.5:
                sentences[self.random.randrange(len(sentences))] = self.random.choice(
                    POLICE_SENTENCES
                )
            paragraphs.append(sentences)
        if police and self.random.random() < 0.4:
            paragraphs[-1][-1] = CHIEF_CONSTABLE
        if police and not any("olice" in " ".join(p) for p in paragraphs):
            paragraphs[0][0] = POLICE_SENTENCES[0]
        if self.random.random() < 0.01:
            paragraphs[1][0] = RARE_SENTENCE
        body = "".join(f"<p>{' '.join(sentences)}</p>" for sentences in paragraphs)
        corrected = number % CORRECTED_ONE_IN == 0
        return Article(
            headline=f"{headline} ({number + 1})",
            slug=f"archive-{number + 1}",
            standfirst=f"{place}: {self.sentence()}",
            body=body,
            section=section,
            status=Status.PUBLISHED,
            published_at=published_at,
            first_published_at=published_at,
            updated_at=published_at + dt.timedelta(hours=6) if corrected else None,
        )

    def sentence(self):
        subject = self.random.choice(SUBJECTS)
        return f"{subject} {self.random.choice(VERBS)} {self.random.choice(CLAIMS)}."

    def links(self, articles, authors, tags, reports, count):
        bylines, tag_links, report_links, corrections = [], [], [], []
        tag_through = Article.tags.through
        report_through = Article.reports.through
        for article in articles:
            for position, author in enumerate(
                self.random.sample(authors, self.random.choice([1, 1, 2]))
            ):
                role = BylineRole.REPORTER if position == 0 else BylineRole.ADDITIONAL_REPORTING
                bylines.append(Byline(article=article, author=author, role=role, position=position))
            for tag in self.random.sample(tags, self.random.randint(1, 4)):
                tag_links.append(tag_through(article_id=article.pk, tag_id=tag.pk))
            number = int(article.slug.rsplit("-", 1)[1]) - 1
            if number % (STORIES_PER_REPORT // 2) == 0:
                # Two stories per report, on reports from around the story's time.
                report = reports[min(len(reports) - 1, number * len(reports) // count)]
                report_links.append(
                    report_through(article_id=article.pk, inspectionreport_id=report.pk)
                )
            if article.updated_at:
                kind, text = self.random.choice(CORRECTION_TEXTS)
                corrections.append(
                    Correction(
                        article=article,
                        kind=kind,
                        text=text,
                        published_at=article.updated_at,
                        created_by_name="Archive",
                    )
                )
        Byline.objects.bulk_create(bylines)
        tag_through.objects.bulk_create(tag_links)
        report_through.objects.bulk_create(report_links)
        Correction.objects.bulk_create(corrections)
