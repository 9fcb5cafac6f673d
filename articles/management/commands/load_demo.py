"""Load the demo newsroom described in ``articles.demo_content``.

Idempotent: rows are found by their natural keys and created only when missing, so a second run
changes nothing. Stories are written as drafts and go live through ``publishing.publish``.
``--accounts`` (re)creates one staff account per role with a fresh random password and prints them.
"""

import datetime as dt
import io
import secrets

import reversion
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.flatpages.models import FlatPage
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from articles import demo_content as demo
from articles import demo_reports as demo_reports
from articles.models import Article, Author, Section, Tag
from articles.publishing import add_correction, publish, record_update_note
from inspections.models import Framework, GradeScale, InspectionReport, Inspectorate, Organisation
from newsroom.management import site_from_settings


class Command(BaseCommand):
    help = "Load the demo newsroom (idempotent). Development only: refuses to run with DEBUG off."

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts",
            action="store_true",
            help="Create one staff account per role with a new random password, and print them.",
        )

    def handle(self, *args, accounts=False, **options):
        if not (settings.DEBUG or getattr(settings, "TESTING", False)):
            raise CommandError(
                "load_demo refuses to run with DEBUG off: it creates demo content and accounts "
                "with known passwords. Run it with DEBUG=1 on a development database."
            )
        with transaction.atomic(), reversion.create_revision():
            self.site()
            sections = rows_by_slug(Section, demo.SECTIONS)
            authors = self.authors()
            tags = rows_by_slug(Tag, demo.TAGS)
            self.stories(sections, authors, tags, self.reports())
            # Last, so the comments of the writes nested in this revision do not replace it.
            reversion.set_comment("Demo content")
        if options["verbosity"]:
            seed = Article.objects.get(slug=demo.SEED_STORY.slug)
            self.stdout.write(f"Demo content ready: {settings.SITE_URL}{seed.get_absolute_url()}")
        if accounts:
            self.accounts()

    def site(self):
        site_from_settings()
        for fields in demo.FLATPAGES:
            page, created = FlatPage.objects.get_or_create(url=fields["url"], defaults=fields)
            if created:
                page.sites.add(settings.SITE_ID)

    def authors(self):
        authors = {}
        for fields in demo.AUTHORS:
            author, created = Author.objects.get_or_create(slug=fields["slug"], defaults=fields)
            if created:
                initials = "".join(part[0] for part in author.name.split())
                author.photo.save(f"{author.slug}.png", ContentFile(portrait_png(initials)))
            authors[author.slug] = author
        return authors

    def reports(self):
        inspectorate = get_or_create_by_slug(Inspectorate, demo_reports.INSPECTORATE)[0]
        organisation = get_or_create_by_slug(Organisation, demo_reports.ORGANISATION)[0]
        frameworks = {}
        for fields in demo_reports.FRAMEWORKS:
            scale = GradeScale.objects.get(name=fields["scale"])
            comparable = fields.get("comparable_with", [])
            columns = {name: value for name, value in fields.items() if name != "comparable_with"}
            framework, created = get_or_create_by_slug(
                Framework, columns, inspectorate=inspectorate, scale=scale
            )
            if created:
                framework.comparable_with.set([frameworks[slug] for slug in comparable])
            frameworks[framework.slug] = framework
        reports = {}
        for fields in demo_reports.REPORTS:
            report, created = get_or_create_by_slug(
                InspectionReport,
                fields,
                organisation=organisation,
                framework=frameworks[fields["framework"]],
                previous_report=reports.get(fields.get("previous_report")),
            )
            if created:
                self.report_contents(report)
            reports[report.slug] = report
        return reports

    def report_contents(self, report):
        """A new demo report's graded areas, findings and sources."""
        # An area's judgment dates from the report's day; where that day is not known, from
        # the day it is recorded here (the field's default), never from a stand-in day.
        added = {"added_on": report.published_on} if report.published_iso else {}
        grades = {grade.slug: grade for grade in report.framework.scale.grades.all()}
        areas = demo_reports.GRADED_AREAS[report.slug]
        findings = demo_reports.AREA_FINDINGS.get(report.slug, {})
        for position, (name, grade, *source_url) in enumerate(areas, start=1):
            report.graded_areas.create(
                name=name,
                grade=grades[grade],
                position=position,
                finding=findings.get(name, ""),
                source_url=source_url[0] if source_url else "",
                **added,
            )
        for position, (kind, text) in enumerate(demo_reports.FINDINGS.get(report.slug, [])):
            report.findings.create(kind=kind, text=text, position=position)
        sources = demo_reports.REPORT_SOURCES.get(report.slug, [])
        for position, (kind, title, url, published_on) in enumerate(sources, start=1):
            report.sources.create(
                kind=kind, title=title, url=url, published_on=published_on, position=position
            )

    def stories(self, sections, authors, tags, reports):
        now = timezone.now().replace(second=0, microsecond=0)
        organisations = {
            report.organisation.slug: report.organisation for report in reports.values()
        }
        for story in demo.STORIES:
            copy = {"headline": story.headline, "standfirst": story.standfirst, "body": story.body}
            article, created = Article.objects.get_or_create(
                slug=story.slug, defaults=copy | story.extra | {"section": sections[story.section]}
            )
            if not created:
                continue
            for position, (author, role) in enumerate(story.bylines):
                article.bylines.create(author=authors[author], role=role, position=position)
            article.tags.set([tags[slug] for slug in story.tags])
            article.reports.set([reports[slug] for slug in story.reports])
            for position, source in enumerate(story.sources, start=1):
                article.sources.create(position=position, **source)
            for request in story.comment_requests:
                organisation = request.get("organisation")
                if organisation:
                    request = request | {"organisation": organisations[organisation]}
                article.comment_requests.create(**request)
            if story.hero_chart:
                article.hero_image.save(story.hero_chart, ContentFile(grades_chart_png()))
            if story.publish_at is None:
                continue
            publish(article=article, by=None, at=when(story.publish_at, now))
            live = article.published_at
            for text, at in story.update_notes:
                record_update_note(article=article, text=text, published_at=when(at, live))
            for kind, text, at in story.corrections:
                add_correction(article=article, kind=kind, text=text, published_at=when(at, live))

    def accounts(self):
        self.stdout.write("\nDemo accounts (new random passwords; log in at /admin/):")
        for username, role in demo.ROLES.items():
            user, _ = User.objects.get_or_create(username=username)
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.is_staff = True
            user.is_active = True
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            if author := demo.ACCOUNT_AUTHORS.get(username):
                Author.objects.filter(slug=author, user=None).update(user=user)
            self.stdout.write(f"  {role:<17} username: {username:<14} password: {password}")


def get_or_create_by_slug(model, fields, **related):
    """The row with the demo's slug, created from its fields and the related rows if missing."""
    columns = {name: value for name, value in fields.items() if name not in related}
    return model.objects.get_or_create(slug=fields["slug"], defaults=columns | related)


def rows_by_slug(model, rows):
    return {fields["slug"]: get_or_create_by_slug(model, fields)[0] for fields in rows}


def when(time, start):
    """A demo time: fixed as given, or a timedelta counted from ``start``."""
    return start + time if isinstance(time, dt.timedelta) else time


def grades_chart_png():
    """A 1600x900 bar chart of the nine grades, drawn with Pillow (no files to ship)."""
    font = ImageFont.load_default(size=40)
    image = Image.new("RGB", (1600, 900), "#f4f1ea")
    draw = ImageDraw.Draw(image)
    base, width, gap = 660, 220, 80
    for index, (label, count) in enumerate(demo.GRADES_CHART):
        left = 130 + index * (width + gap)
        draw.rectangle([left, base - count * 140, left + width, base], fill="#1d3557")
        draw.multiline_text((left, base + 24), f"{label}\n{count}", fill="#111111", font=font)
    return png_bytes(image)


def portrait_png(initials):
    image = Image.new("RGB", (480, 480), "#1d3557")
    font = ImageFont.load_default(size=160)
    ImageDraw.Draw(image).text((240, 240), initials, fill="#ffffff", font=font, anchor="mm")
    return png_bytes(image)


def png_bytes(image):
    image.save(buffer := io.BytesIO(), format="PNG")
    return buffer.getvalue()
