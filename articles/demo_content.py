"""The demo newsroom's copy and data, read by ``manage.py load_demo``.

The seed story of an HMICFRS PEEL inspection, and enough around it to show every feature of the
product. Every sentence here is the project's own; the facts and figures come from the seed brief
(shared/seed/FACTS.md). Rows are named by slug, and one row points at another by its slug.

Times are either fixed (an aware datetime) or relative (a timedelta): a story's publish time
counts from when the command runs, a correction's or update note's from the story's publish time.
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from articles.demo_reports import HMICFRS_WEBSITE, PEEL_2018_19_PAGE
from articles.models import BylineRole, Channel, CorrectionKind, ReplyStatus

LONDON = ZoneInfo("Europe/London")

# Staff accounts made by --accounts: username and the editorial group it joins.
ROLES = {
    "reporter": "Reporter",
    "editor": "Editor",
    "corrections": "Corrections desk",
    "administrator": "Administrator",
}
# The author profile an account is linked to, so the reporter owns the seed story.
ACCOUNT_AUTHORS = {"reporter": "stephen-briggs"}

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

FLATPAGES = [
    {
        "url": "/about/corrections-policy/",
        "title": "Corrections policy",
        "content": CORRECTIONS_POLICY.strip(),
    },
]

SECTIONS = [
    {
        "slug": "news",
        "name": "News",
        "description": "Peterborough and Cambridgeshire news.",
        "position": 0,
    },
    {
        "slug": "crime",
        "name": "Crime",
        "description": "Courts, policing and community safety.",
        "position": 1,
    },
    {
        "slug": "politics",
        "name": "Politics",
        "description": "Councils, commissioners and the people who run them.",
        "position": 2,
    },
    {
        "slug": "health",
        "name": "Health",
        "description": "Hospitals, GP surgeries and care homes.",
        "position": 3,
    },
]

AUTHORS = [
    {
        "slug": "stephen-briggs",
        "name": "Stephen Briggs",
        "job_title": "Reporter",
        # A real journalist: no biography or address is invented for him.
        "bio": "",
        "email": "",
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
    {"slug": "policing", "name": "Policing"},
    {"slug": "cambridgeshire-constabulary", "name": "Cambridgeshire Constabulary"},
    {"slug": "hmicfrs", "name": "HMICFRS"},
    {"slug": "inspections", "name": "Inspections"},
    {"slug": "sample-content", "name": "Sample content"},
]

# The seed story's hero picture: a bar per grade of the PEEL 2021/22 scale, best first.
GRADES_CHART = [
    ("Outstanding", 0),
    ("Good", 4),
    ("Adequate", 3),
    ("Requires\nimprovement", 2),
    ("Inadequate", 0),
]


@dataclass(frozen=True)
class Story:
    """A demo story: its copy, where it is filed, and when it is published and corrected."""

    slug: str
    headline: str
    standfirst: str
    body: str
    section: str
    bylines: list[tuple[str, str]]  # (author slug, byline role), in order
    tags: list[str]
    reports: list[str] = field(default_factory=list)
    publish_at: dt.datetime | dt.timedelta | None = None  # None: the story stays a draft
    update_notes: list[tuple[str, dt.datetime | dt.timedelta]] = field(default_factory=list)
    corrections: list[tuple[str, str, dt.datetime | dt.timedelta]] = field(default_factory=list)
    hero_chart: str = ""  # file name for GRADES_CHART drawn as the hero image
    sources: list[dict] = field(default_factory=list)  # StorySource fields, numbered in order
    # CommentRequest fields; "organisation" is an organisation's slug.
    comment_requests: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # other Article fields


SAMPLE_NOTE = (
    "<p><em>Sample story written for the newsroom demo; it did not appear in print.</em></p>"
)

SEED_BODY = """
<p>Cambridgeshire Constabulary must get better at investigating crime and at responding to
the public, according to the police inspectorate's latest assessment of the force.</p>
<p>HM Inspectorate of Constabulary and Fire &amp; Rescue Services (HMICFRS) looked at nine
areas of the force's work for its PEEL 2021/22 assessment. It rated
<a href="#source-1">four of them good, three adequate and two as requiring improvement</a>.
None was judged outstanding and none inadequate.</p>
<p>The force's previous assessment, in the 2018/19 cycle, graded it
<a href="#source-2">good for effectiveness, efficiency and legitimacy</a>. The inspectorate
says grades from the new cycle cannot be compared directly with those of earlier ones.</p>
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
share of abandoned calls was above the
<a href="#source-1">national standard of 5% for forces with a switchboard</a>,
and inspectors found people who gave up on 101 and dialled 999 instead.</p>
<h2>Crimes that went unrecorded</h2>
<p>The report found the force did not always record crimes against vulnerable victims,
including some serious offences. Where a crime went unrecorded there was often no
investigation, and sometimes nothing was done to keep the victim safe. Almost all sexual
offences were recorded correctly, but reports of rape were not always logged as they should
have been.</p>
<p>Inspectors estimated that <a href="#source-1">more than 4,500 crimes went unrecorded</a> in
the year they examined,
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
<p>Mr Wilsher thanked the force's officers and staff for their work keeping people safe and
said he would track its progress on each area he had asked it to improve.</p>
<h2>The force's response</h2>
<p>Chief Constable Nick Dean said the force welcomed the report and pointed to the four good
grades, including recording data about crime, where the force recorded 99% of sexual
offences. He highlighted the specialist rape investigation team, the sexual assault referral
centre run with partners, and the vulnerability focus desks that inspectors called innovative
practice, and said neighbourhood teams were now doing more to listen to communities.</p>
<h2>Read the report</h2>
<p>The full report is published on the
<a href="https://hmicfrs.justiceinspectorates.gov.uk/">HMICFRS website</a>.</p>
"""

SEED_STORY = Story(
    slug="cambridgeshire-police-told-to-improve-investigations-and-response",
    headline="Inspectors tell Cambridgeshire police to get better at investigations "
    "and at answering the public",
    standfirst="Inspectors warn that victims may not always receive the service "
    "they should, in a report grading the force in nine areas.",
    body=SEED_BODY.strip(),
    section="news",
    bylines=[("stephen-briggs", BylineRole.REPORTER)],
    tags=["policing", "cambridgeshire-constabulary", "hmicfrs"],
    reports=["peel-2021-22-cambridgeshire-constabulary"],
    publish_at=dt.datetime(2022, 6, 21, 5, 0, tzinfo=LONDON),
    update_notes=[
        (
            # The real update's reason is not known; the note says only what is.
            "This story was updated after it was first published.",
            dt.datetime(2022, 6, 21, 12, 24, tzinfo=LONDON),
        ),
    ],
    hero_chart="peel-grades.png",
    sources=[
        {
            # The report's own address is not in the seed brief: this is where it is published.
            "title": "PEEL 2021/22: Cambridgeshire Constabulary, on the HMICFRS website",
            "url": HMICFRS_WEBSITE,
            "publisher": "HM Inspectorate of Constabulary and Fire & Rescue Services",
            "published_on": dt.date(2022, 6, 21),
        },
        {
            "title": "PEEL 2018/19: Cambridgeshire Constabulary",
            "url": PEEL_2018_19_PAGE,
            "publisher": "HM Inspectorate of Constabulary and Fire & Rescue Services",
        },
    ],
    # Who was asked is on record; when, how and by what deadline are not, so they stay empty
    # (the channel has no "not recorded" choice: "other" claims none of the named ones).
    comment_requests=[
        {
            "organisation": "cambridgeshire-constabulary",
            "channel": Channel.OTHER,
            "asked_at": None,
            "status": ReplyStatus.SUMMARISED,
            "reply": "Chief Constable Nick Dean's response to the report, summarised in the "
            "story under “The force's response”.",
        },
        {
            "person_name": "Darryl Preston",
            "person_role": "Cambridgeshire and Peterborough Police and Crime Commissioner",
            "channel": Channel.OTHER,
            "asked_at": None,
            "status": ReplyStatus.AWAITING,
        },
    ],
    extra={
        "is_lead": True,
        "hero_alt": "Bar chart of the force's nine PEEL grades: four good, three "
        "adequate and two requires improvement.",
        "hero_caption": "How HMICFRS graded Cambridgeshire Constabulary in its PEEL "
        "2021/22 assessment.",
        "hero_credit": "Newsroom demo graphic",
        "seo_description": "HMICFRS rated Cambridgeshire Constabulary good in four "
        "areas, adequate in three and requires improvement in two.",
    },
)

SAMPLE_STORIES = [
    Story(
        slug="commissioner-sets-deadline-for-101-improvements",
        headline="Commissioner sets deadline for faster answers on the 101 line",
        standfirst="Sample story. The county's police and crime commissioner wants the "
        "non-emergency line fixed before the next inspection.",
        section="politics",
        bylines=[
            ("amira-khan", BylineRole.REPORTER),
            ("stephen-briggs", BylineRole.ADDITIONAL_REPORTING),
        ],
        tags=["policing", "cambridgeshire-constabulary", "sample-content"],
        publish_at=-dt.timedelta(hours=20),
        body="<p>The police and crime commissioner has asked the force for a plan to cut "
        "waiting times on the non-emergency number, after inspectors criticised how many calls "
        "were abandoned.</p><h2>A plan by the autumn</h2><p>The commissioner told the police "
        "and crime panel he expected to see monthly figures for abandoned calls published.</p>"
        + SAMPLE_NOTE,
        reports=["peel-2021-22-cambridgeshire-constabulary"],
        corrections=[
            (
                CorrectionKind.CLARIFICATION,
                "An earlier version of this story said the commissioner had set a deadline of "
                "the summer. He asked for a plan by the autumn.",
                dt.timedelta(hours=3),
            ),
        ],
    ),
    Story(
        slug="how-the-force-was-graded-in-nine-charts",
        headline="How the force was graded, area by area",
        standfirst="Sample story. The nine PEEL grades for Cambridgeshire Constabulary, "
        "explained with the data behind them.",
        section="news",
        bylines=[("owen-marsh", BylineRole.DATA), ("stephen-briggs", BylineRole.REPORTER)],
        tags=["inspections", "hmicfrs", "sample-content"],
        publish_at=-dt.timedelta(hours=30),
        body="<p>Four good grades, three adequate and two that require improvement: the "
        "grades panel below sets out each of the nine areas.</p><h2>Why the grades can't be "
        "compared with 2018/19</h2><p>The inspectorate changed its scale for the 2021/22 cycle, "
        "adding an adequate grade, so it warns against direct comparison with earlier "
        "reports.</p>" + SAMPLE_NOTE,
        reports=["peel-2021-22-cambridgeshire-constabulary"],
    ),
    Story(
        slug="city-neighbourhood-teams-to-hold-street-surgeries",
        headline="Neighbourhood officers to hold street surgeries across the city",
        standfirst="Sample story. Residents will be able to raise concerns face to face "
        "every month.",
        section="crime",
        bylines=[("stephen-briggs", BylineRole.REPORTER)],
        tags=["policing", "sample-content"],
        publish_at=-dt.timedelta(hours=50),
        body="<p>Neighbourhood teams will visit each ward of the city once a month to hear "
        "from residents in person.</p><p>The surgeries will be advertised on the force's "
        "social media channels and through the e-cops scheme.</p>" + SAMPLE_NOTE,
    ),
    Story(
        slug="hospital-trust-waiting-list-falls",
        headline="Hospital waiting list falls for a third month",
        standfirst="Sample story. The trust says extra weekend clinics are starting to "
        "make a difference.",
        section="health",
        bylines=[("owen-marsh", BylineRole.DATA)],
        tags=["sample-content"],
        publish_at=-dt.timedelta(hours=75),
        body="<p>The number of patients waiting for planned treatment has fallen again, "
        "according to the trust's latest board papers.</p>" + SAMPLE_NOTE,
    ),
    Story(
        slug="council-budget-consultation-opens",
        headline="Council opens consultation on next year's budget",
        standfirst="Sample story. Residents have six weeks to comment on the proposals.",
        section="politics",
        bylines=[("amira-khan", BylineRole.REPORTER)],
        tags=["sample-content"],
        publish_at=-dt.timedelta(hours=100),
        body="<p>The city council has published its draft budget and is asking residents "
        "which services matter most to them.</p>" + SAMPLE_NOTE,
    ),
]

UNPUBLISHED_STORIES = [
    Story(
        slug="draft-inspectorate-to-revisit-force",
        headline="Inspectors to return to check on progress",
        standfirst="Sample draft. Follow-up on the PEEL findings; not yet published.",
        body="<p>Work in progress.</p>" + SAMPLE_NOTE,
        section="crime",
        bylines=[("stephen-briggs", BylineRole.REPORTER)],
        tags=["sample-content"],
    ),
    Story(
        slug="scheduled-one-year-on-from-the-peel-report",
        headline="One year on: has the force answered the inspectors?",
        standfirst="Sample scheduled story. Goes live automatically at its publish time.",
        body="<p>Work in progress.</p>" + SAMPLE_NOTE,
        section="crime",
        bylines=[("stephen-briggs", BylineRole.REPORTER)],
        tags=["sample-content"],
        publish_at=dt.timedelta(days=7),  # scheduled: live a week after the demo is loaded
    ),
]

STORIES = [SEED_STORY, *SAMPLE_STORIES, *UNPUBLISHED_STORIES]
