"""Demo content: the seed story of an HMICFRS PEEL inspection, and enough around it to show
every feature of the product. Every sentence here is the project's own; the facts and figures
come from the seed brief (shared/seed/FACTS.md).

Idempotent: rows are found by their natural keys and created only when missing, so a second run
changes nothing. ``--accounts`` (re)creates one staff account per editorial role with a fresh
random password and prints them.
"""

import datetime as dt
import io
import secrets
from zoneinfo import ZoneInfo

import reversion
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import (
    Article,
    Author,
    Byline,
    BylineRole,
    CorrectionKind,
    Section,
    Status,
    Tag,
)
from articles.publishing import add_correction, record_update_note
from inspections.models import (
    FindingKind,
    Framework,
    Grade,
    GradedArea,
    GradeScale,
    InspectionReport,
    Inspectorate,
    Organisation,
    OrganisationKind,
)

LONDON = ZoneInfo("Europe/London")
FIVE_GRADES = "Five grades (PEEL from 2021/22)"
FOUR_GRADES = "Four grades"
SAMPLE_NOTE = (
    "<p><em>Sample story written for the newsroom demo; it did not appear in print.</em></p>"
)

ROLES = {
    "reporter": "Reporter",
    "editor": "Editor",
    "corrections": "Corrections desk",
    "administrator": "Administrator",
}

SECTIONS = [
    ("news", "News", "Peterborough and Cambridgeshire news."),
    ("crime", "Crime", "Courts, policing and community safety."),
    ("politics", "Politics", "Councils, commissioners and the people who run them."),
    ("health", "Health", "Hospitals, GP surgeries and care homes."),
]

AUTHORS = [
    {
        "slug": "stephen-briggs",
        "name": "Stephen Briggs",
        "job_title": "Reporter",
        "bio": "Stephen reports on crime, courts and policing across Peterborough and "
        "Cambridgeshire.",
        "email": "news@example.org",
    },
    {
        "slug": "amira-khan",
        "name": "Amira Khan",
        "job_title": "Local democracy reporter",
        "bio": "Sample author. Amira follows the county council, the city council and the "
        "police and crime commissioner.",
        "email": "politics@example.org",
    },
    {
        "slug": "owen-marsh",
        "name": "Owen Marsh",
        "job_title": "Data reporter",
        "bio": "Sample author. Owen turns inspection reports, council budgets and NHS "
        "figures into stories and charts.",
        "email": "data@example.org",
    },
]

TAGS = [
    ("policing", "Policing"),
    ("cambridgeshire-constabulary", "Cambridgeshire Constabulary"),
    ("hmicfrs", "HMICFRS"),
    ("inspections", "Inspections"),
    ("sample-content", "Sample content"),
]

PEEL_2022_AREAS = [
    ("Recording data about crime", "good"),
    ("Treatment of the public", "adequate"),
    ("Preventing crime and anti-social behaviour", "adequate"),
    ("Responding to the public", "requires-improvement"),
    ("Investigating crime", "requires-improvement"),
    ("Protecting vulnerable people", "good"),
    ("Managing offenders and suspects", "adequate"),
    ("Developing a positive workplace", "good"),
    ("Good use of resources", "good"),
]

PEEL_2022_FINDINGS = [
    (FindingKind.AREA_FOR_IMPROVEMENT, "Attend incidents within the times it sets itself."),
    (FindingKind.AREA_FOR_IMPROVEMENT, "Set plans for and supervise the investigation of crime."),
    (FindingKind.AREA_FOR_IMPROVEMENT, "Answer non-emergency (101) calls more quickly."),
    (
        FindingKind.AREA_FOR_IMPROVEMENT,
        "Record crimes against vulnerable victims, and reports of rape, correctly.",
    ),
    (
        FindingKind.INNOVATIVE_PRACTICE,
        "Planning that puts resources where demand is greatest (the CAMSTRA strategic threat "
        "and risk assessment).",
    ),
    (
        FindingKind.INNOVATIVE_PRACTICE,
        "Sharing information early with partner agencies about offenders who access indecent "
        "images of children, triaged with the Kent internet risk assessment tool.",
    ),
    (FindingKind.INNOVATIVE_PRACTICE, "A vulnerability focus desk supporting front-line officers."),
    (FindingKind.INNOVATIVE_PRACTICE, "Wellbeing support for staff in high-impact roles."),
    (
        FindingKind.KEY_FIGURE,
        "More than 4,500 crimes were estimated to have gone unrecorded in the year inspected.",
    ),
    (FindingKind.KEY_FIGURE, "99% of sexual offences were recorded, on the force's own figures."),
    (
        FindingKind.KEY_FIGURE,
        "Abandoned non-emergency calls were above the 5% national standard for forces with a "
        "switchboard.",
    ),
]

SEED_BODY = """
<p>Cambridgeshire Constabulary must get better at investigating crime and at responding to
the public, according to the police inspectorate's latest assessment of the force.</p>
<p>HM Inspectorate of Constabulary and Fire &amp; Rescue Services (HMICFRS) looked at nine
areas of the force's work for its PEEL 2021/22 assessment. It rated four of them good, three
adequate and two as requiring improvement. None was judged outstanding and none inadequate.</p>
<h2>Slow to reach incidents</h2>
<p>Roy Wilsher, the HM Inspector of Constabulary who led the inspection, found the force had
improved how it attends calls but was still too often late. Victims can lose faith in the
police when officers arrive late, he warned, and in the most serious cases they can be left in
danger.</p>
<h2>Investigations lack supervision</h2>
<p>Mr Wilsher saw cases where victims got good results. But he found that investigations were
not supervised well and that officers did not always draw up an early plan for an inquiry,
which meant some victims were let down.</p>
<h2>Waiting on the 101 line</h2>
<p>Callers to the non-emergency 101 number are put through by a switchboard, often to a second
queue for another department. Delays on that second line led many people to hang up: the
share of abandoned calls was above the national standard of 5% for forces with a switchboard,
and inspectors found people who gave up on 101 and dialled 999 instead.</p>
<h2>Crimes that went unrecorded</h2>
<p>The report found the force did not always record crimes against vulnerable victims,
including some serious offences. Where a crime went unrecorded there was often no
investigation, and sometimes nothing was done to keep the victim safe. Almost all sexual
offences were recorded correctly, but reports of rape were not always logged as they should
have been.</p>
<p>Inspectors estimated that more than 4,500 crimes went unrecorded in the year they examined,
even though recording overall, and of violent crime in particular, had improved.</p>
<h2>Where the force did well</h2>
<p>The inspectorate praised CAMSTRA, the force's strategic threat and risk assessment, as a
thorough planning cycle that measures today's demand and forecasts tomorrow's. It also
singled out:</p>
<ul>
<li>earlier information-sharing with children's services and other agencies about offenders
who view indecent images of children, with each case triaged using the Kent internet risk
assessment tool;</li>
<li>more staff, some on temporary contracts, for the paedophile online investigation team to
clear a backlog of cases;</li>
<li>wellbeing support for officers and staff in high-impact roles such as child abuse
investigation;</li>
<li>better understanding of its use of force, and good communication with residents through
social media and the e-cops scheme.</li>
</ul>
<h2>What the inspector concluded</h2>
<blockquote><p>Mr Wilsher thanked the force's officers and staff for their work keeping people
safe and said he would track its progress on each area he had asked it to improve.</p>
</blockquote>
<h2>The force's response</h2>
<p>Chief Constable Nick Dean said the force welcomed the report and pointed to the four good
grades, including recording data about crime, where the force recorded 99% of sexual
offences. He highlighted the specialist rape investigation team, the sexual assault referral
centre run with partners, and the vulnerability focus desks that inspectors called innovative
practice, and said neighbourhood teams were now doing more to listen to communities.</p>
<p>We have asked Darryl Preston, the Cambridgeshire and Peterborough Police and Crime
Commissioner, to comment on the findings.</p>
<h2>Read the report</h2>
<p>The full report is published on the
<a href="https://hmicfrs.justiceinspectorates.gov.uk/">HMICFRS website</a>.</p>
"""

SAMPLE_STORIES = [
    {
        "slug": "commissioner-sets-deadline-for-101-improvements",
        "headline": "Commissioner sets deadline for faster answers on the 101 line",
        "standfirst": "Sample story. The county's police and crime commissioner wants the "
        "non-emergency line fixed before the next inspection.",
        "section": "politics",
        "authors": [
            ("amira-khan", BylineRole.REPORTER),
            ("stephen-briggs", "additional_reporting"),
        ],
        "tags": ["policing", "cambridgeshire-constabulary", "sample-content"],
        "hours_ago": 20,
        "body": "<p>The police and crime commissioner has asked the force for a plan to cut "
        "waiting times on the non-emergency number, after inspectors criticised how many calls "
        "were abandoned.</p><h2>A plan by the autumn</h2><p>The commissioner told the police "
        "and crime panel he expected to see monthly figures for abandoned calls published.</p>",
        "reports": True,
        "clarification": (
            "An earlier version of this story said the commissioner had set a deadline of the "
            "summer. He asked for a plan by the autumn."
        ),
    },
    {
        "slug": "how-the-force-was-graded-in-nine-charts",
        "headline": "How the force was graded, area by area",
        "standfirst": "Sample story. The nine PEEL grades for Cambridgeshire Constabulary, "
        "explained with the data behind them.",
        "section": "news",
        "authors": [("owen-marsh", BylineRole.DATA), ("stephen-briggs", BylineRole.REPORTER)],
        "tags": ["inspections", "hmicfrs", "sample-content"],
        "hours_ago": 30,
        "body": "<p>Four good grades, three adequate and two that require improvement: the "
        "grades panel below sets out each of the nine areas.</p><h2>Why the grades can't be "
        "compared with 2019</h2><p>The inspectorate changed its scale for the 2021/22 cycle, "
        "adding an adequate grade, so it warns against direct comparison with earlier "
        "reports.</p>",
        "reports": True,
    },
    {
        "slug": "city-neighbourhood-teams-to-hold-street-surgeries",
        "headline": "Neighbourhood officers to hold street surgeries across the city",
        "standfirst": "Sample story. Residents will be able to raise concerns face to face "
        "every month.",
        "section": "crime",
        "authors": [("stephen-briggs", BylineRole.REPORTER)],
        "tags": ["policing", "sample-content"],
        "hours_ago": 50,
        "body": "<p>Neighbourhood teams will visit each ward of the city once a month to hear "
        "from residents in person.</p><p>The surgeries will be advertised on the force's "
        "social media channels and through the e-cops scheme.</p>",
    },
    {
        "slug": "hospital-trust-waiting-list-falls",
        "headline": "Hospital waiting list falls for a third month",
        "standfirst": "Sample story. The trust says extra weekend clinics are starting to "
        "make a difference.",
        "section": "health",
        "authors": [("owen-marsh", BylineRole.DATA)],
        "tags": ["sample-content"],
        "hours_ago": 75,
        "body": "<p>The number of patients waiting for planned treatment has fallen again, "
        "according to the trust's latest board papers.</p>",
    },
    {
        "slug": "council-budget-consultation-opens",
        "headline": "Council opens consultation on next year's budget",
        "standfirst": "Sample story. Residents have six weeks to comment on the proposals.",
        "section": "politics",
        "authors": [("amira-khan", BylineRole.REPORTER)],
        "tags": ["sample-content"],
        "hours_ago": 100,
        "body": "<p>The city council has published its draft budget and is asking residents "
        "which services matter most to them.</p>",
    },
]

UNPUBLISHED_STORIES = [
    {
        "slug": "draft-inspectorate-to-revisit-force",
        "headline": "Inspectors to return to check on progress",
        "standfirst": "Sample draft. Follow-up on the PEEL findings; not yet published.",
        "status": Status.DRAFT,
        "days_ahead": None,
    },
    {
        "slug": "scheduled-one-year-on-from-the-peel-report",
        "headline": "One year on: has the force answered the inspectors?",
        "standfirst": "Sample scheduled story. Goes live automatically at its publish time.",
        "status": Status.PUBLISHED,
        "days_ahead": 7,
    },
]

CORRECTIONS_POLICY = """
<p>We correct significant errors promptly and openly. When we change a published story to fix
a mistake, we add a note to it saying what was wrong and when we changed it, and we list the
note on our corrections page.</p>
<h2>What we publish</h2>
<ul>
<li><strong>Corrections</strong> fix a factual error.</li>
<li><strong>Clarifications</strong> make clearer something that was accurate but could mislead.</li>
<li><strong>Updates</strong> add new information to a story, such as a response we received
after publication.</li>
<li><strong>Editor's notes</strong> explain a change in context, such as a legal issue.</li>
<li><strong>Retractions</strong> withdraw a story that should not have been published, with the
reason shown at the top.</li>
</ul>
<p>We never delete a correction. To report an error, email corrections@example.org.</p>
"""


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


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
            reversion.set_comment("Demo content")
            self.site()
            sections = self.sections()
            authors = self.authors()
            tags = self.tags()
            report = self.inspections()
            seed = self.seed_story(sections, authors, tags, report)
            self.sample_stories(sections, authors, tags, report)
            self.unpublished_stories(sections, authors, tags)
        if options["verbosity"]:
            self.stdout.write(f"Demo content ready: {settings.SITE_URL}{seed.get_absolute_url()}")
        if accounts:
            self.accounts()

    def site(self):
        domain = settings.SITE_URL.split("://", 1)[-1]
        Site.objects.update_or_create(
            pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.PUBLISHER_NAME}
        )
        page, created = FlatPage.objects.get_or_create(
            url="/about/corrections-policy/",
            defaults={"title": "Corrections policy", "content": CORRECTIONS_POLICY.strip()},
        )
        if created:
            page.sites.add(settings.SITE_ID)

    def sections(self):
        return {
            slug: Section.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": text, "position": position}
            )[0]
            for position, (slug, name, text) in enumerate(SECTIONS)
        }

    def authors(self):
        authors = {}
        for fields in AUTHORS:
            author, created = Author.objects.get_or_create(slug=fields["slug"], defaults=fields)
            if created:
                initials = "".join(part[0] for part in author.name.split())
                author.photo.save(f"{author.slug}.png", ContentFile(portrait_png(initials)))
            authors[author.slug] = author
        return authors

    def tags(self):
        return {
            slug: Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for slug, name in TAGS
        }

    def inspections(self):
        hmicfrs, _ = Inspectorate.objects.get_or_create(
            slug="hmicfrs",
            defaults={
                "name": "HM Inspectorate of Constabulary and Fire & Rescue Services",
                "short_name": "HMICFRS",
                "website": "https://hmicfrs.justiceinspectorates.gov.uk/",
            },
        )
        peel_2022, _ = Framework.objects.get_or_create(
            slug="peel-2021-22",
            defaults={
                "name": "PEEL 2021/22",
                "inspectorate": hmicfrs,
                "scale": GradeScale.objects.get(name=FIVE_GRADES),
                "description": "Police effectiveness, efficiency and legitimacy, graded on "
                "five grades in nine areas. HMICFRS says these grades cannot be compared "
                "directly with earlier PEEL cycles.",
            },
        )
        peel_2019, _ = Framework.objects.get_or_create(
            slug="peel-2018-19",
            defaults={
                "name": "PEEL 2018/19",
                "inspectorate": hmicfrs,
                "scale": GradeScale.objects.get(name=FOUR_GRADES),
                "description": "The integrated PEEL assessment: effectiveness, efficiency and "
                "legitimacy, each graded on four grades.",
            },
        )
        force, _ = Organisation.objects.get_or_create(
            slug="cambridgeshire-constabulary",
            defaults={
                "name": "Cambridgeshire Constabulary",
                "kind": OrganisationKind.POLICE_FORCE,
                "area": "Cambridgeshire and Peterborough",
            },
        )
        previous, created = InspectionReport.objects.get_or_create(
            slug="peel-2018-19-cambridgeshire-constabulary",
            defaults={
                "organisation": force,
                "framework": peel_2019,
                "title": "PEEL 2018/19: Cambridgeshire Constabulary",
                "published_on": dt.date(2019, 5, 2),
                "url": "https://hmicfrs.justiceinspectorates.gov.uk/",
                "summary": "The force's integrated PEEL assessment, graded good for "
                "effectiveness, efficiency and legitimacy.",
            },
        )
        if created:
            self.areas(
                previous, [(name, "good") for name in ("Effectiveness", "Efficiency", "Legitimacy")]
            )
        report, created = InspectionReport.objects.get_or_create(
            slug="peel-2021-22-cambridgeshire-constabulary",
            defaults={
                "organisation": force,
                "framework": peel_2022,
                "title": "PEEL 2021/22: Cambridgeshire Constabulary",
                "published_on": dt.date(2022, 6, 21),
                "lead_inspector_name": "Roy Wilsher",
                "lead_inspector_title": "HM Inspector of Constabulary",
                "url": "https://hmicfrs.justiceinspectorates.gov.uk/",
                "summary": "Nine areas graded: four good, three adequate and two requiring "
                "improvement. Investigating crime and responding to the public must improve.",
                "previous_report": previous,
            },
        )
        if created:
            self.areas(report, PEEL_2022_AREAS)
            for position, (kind, text) in enumerate(PEEL_2022_FINDINGS):
                report.findings.create(kind=kind, text=text, position=position)
        return report

    def areas(self, report, areas):
        grades = {grade.slug: grade for grade in Grade.objects.filter(scale=report.framework.scale)}
        GradedArea.objects.bulk_create(
            GradedArea(
                report=report,
                name=name,
                grade=grades[grade],
                position=position,
                added_on=report.published_on,
            )
            for position, (name, grade) in enumerate(areas, start=1)
        )

    def story(self, *, slug, defaults, bylines, tags=(), reports=()):
        article, created = Article.objects.get_or_create(slug=slug, defaults=defaults)
        if created:
            for position, (author, role) in enumerate(bylines):
                Byline.objects.create(article=article, author=author, role=role, position=position)
            article.tags.set(tags)
            article.reports.set(reports)
        return article, created

    def seed_story(self, sections, authors, tags, report):
        published_at = london(2022, 6, 21, 5, 0)
        article, created = self.story(
            slug="cambridgeshire-police-told-to-improve-investigations-and-response",
            defaults={
                "headline": "Cambridgeshire police told to improve at investigating crime and "
                "responding to the public",
                "standfirst": "Inspectors warn that victims may not always receive the service "
                "they should, in a report grading the force in nine areas.",
                "body": SEED_BODY.strip(),
                "section": sections["news"],
                "status": Status.PUBLISHED,
                "published_at": published_at,
                "first_published_at": published_at,
                "is_lead": True,
                "hero_alt": "Bar chart of the force's nine PEEL grades: four good, three "
                "adequate and two requires improvement.",
                "hero_caption": "How HMICFRS graded Cambridgeshire Constabulary in its PEEL "
                "2021/22 assessment.",
                "hero_credit": "Newsroom demo graphic",
                "seo_description": "HMICFRS rated Cambridgeshire Constabulary good in four "
                "areas, adequate in three and requires improvement in two.",
            },
            bylines=[(authors["stephen-briggs"], BylineRole.REPORTER)],
            tags=[tags["policing"], tags["cambridgeshire-constabulary"], tags["hmicfrs"]],
            reports=[report],
        )
        if created:
            article.hero_image.save("peel-grades.png", ContentFile(grades_chart_png()))
            record_update_note(
                article=article,
                text="This story was updated with the response of Chief Constable Nick Dean.",
                published_at=london(2022, 6, 21, 12, 24),
            )
        return article

    def sample_stories(self, sections, authors, tags, report):
        now = timezone.now().replace(second=0, microsecond=0)
        for story in SAMPLE_STORIES:
            published_at = now - dt.timedelta(hours=story["hours_ago"])
            article, created = self.story(
                slug=story["slug"],
                defaults={
                    "headline": story["headline"],
                    "standfirst": story["standfirst"],
                    "body": story["body"] + SAMPLE_NOTE,
                    "section": sections[story["section"]],
                    "status": Status.PUBLISHED,
                    "published_at": published_at,
                    "first_published_at": published_at,
                },
                bylines=[(authors[slug], role) for slug, role in story["authors"]],
                tags=[tags[slug] for slug in story["tags"]],
                reports=[report] if story.get("reports") else [],
            )
            if created and story.get("clarification"):
                add_correction(
                    article=article,
                    kind=CorrectionKind.CLARIFICATION,
                    text=story["clarification"],
                    published_at=published_at + dt.timedelta(hours=3),
                )

    def unpublished_stories(self, sections, authors, tags):
        now = timezone.now().replace(second=0, microsecond=0)
        for story in UNPUBLISHED_STORIES:
            days = story["days_ahead"]
            self.story(
                slug=story["slug"],
                defaults={
                    "headline": story["headline"],
                    "standfirst": story["standfirst"],
                    "body": "<p>Work in progress.</p>" + SAMPLE_NOTE,
                    "section": sections["crime"],
                    "status": story["status"],
                    "published_at": now + dt.timedelta(days=days) if days else None,
                },
                bylines=[(authors["stephen-briggs"], BylineRole.REPORTER)],
                tags=[tags["sample-content"]],
            )

    def accounts(self):
        self.stdout.write("\nDemo accounts (new random passwords; log in at /admin/):")
        for username, role in ROLES.items():
            user, _ = User.objects.get_or_create(username=username)
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.is_staff = True
            user.is_active = True
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            if username == "reporter":
                Author.objects.filter(slug="stephen-briggs", user=None).update(user=user)
            self.stdout.write(f"  {role:<17} username: {username:<14} password: {password}")


def grades_chart_png():
    """A 1600x900 bar chart of the nine grades, drawn with Pillow (no files to ship)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=40)
    counts = [
        ("Outstanding", 0),
        ("Good", 4),
        ("Adequate", 3),
        ("Requires\nimprovement", 2),
        ("Inadequate", 0),
    ]
    image = Image.new("RGB", (1600, 900), "#f4f1ea")
    draw = ImageDraw.Draw(image)
    base, width, gap = 660, 220, 80
    for index, (label, count) in enumerate(counts):
        left = 130 + index * (width + gap)
        draw.rectangle([left, base - count * 140, left + width, base], fill="#1d3557")
        draw.multiline_text((left, base + 24), f"{label}\n{count}", fill="#111111", font=font)
    return png_bytes(image)


def portrait_png(initials):
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (480, 480), "#1d3557")
    font = ImageFont.load_default(size=160)
    ImageDraw.Draw(image).text((240, 240), initials, fill="#ffffff", font=font, anchor="mm")
    return png_bytes(image)


def png_bytes(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
