"""The demo's inspection data, read by ``manage.py load_demo``: the inspectorate, its PEEL
frameworks, the force and its reports with their graded areas and findings.

Facts and figures come from the seed brief (shared/seed/FACTS.md); the wording of findings is
the project's own. Rows are named by slug, and one row points at another by its slug.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from inspections.models import DatePrecision, FindingKind, OrganisationKind, SourceKind

LONDON = ZoneInfo("Europe/London")

# Inspections. Grade scales come with the inspections migrations; frameworks name theirs.
INSPECTORATE = {
    "slug": "hmicfrs",
    "name": "HM Inspectorate of Constabulary and Fire & Rescue Services",
    "short_name": "HMICFRS",
    "website": "https://hmicfrs.justiceinspectorates.gov.uk/",
}

HMICFRS_WEBSITE = INSPECTORATE["website"]
# The one report address the seed brief gives: the inspectorate's page for the 2018/19 assessment.
PEEL_2018_19_PAGE = (
    "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2018/cambridgeshire/"
)

FRAMEWORKS = [
    {
        "slug": "peel-2017",
        "name": "PEEL 2017",
        "scale": "Four grades",
        "description": "Police effectiveness, efficiency and legitimacy, each graded on "
        "four grades, and comparable year on year with the 2018/19 assessment.",
    },
    {
        "slug": "peel-2018-19",
        "name": "PEEL 2018/19",
        "scale": "Four grades",
        "description": "The integrated PEEL assessment: effectiveness, efficiency and "
        "legitimacy, each graded on four grades, comparable year on year with earlier PEEL "
        "assessments.",
        "comparable_with": ["peel-2017"],
    },
    {
        "slug": "peel-2021-22",
        "name": "PEEL 2021/22",
        "scale": "Five grades (PEEL from 2021/22)",
        "description": "Police effectiveness, efficiency and legitimacy, graded on "
        "five grades in nine areas. HMICFRS says these grades cannot be compared "
        "directly with earlier PEEL cycles.",
    },
    {
        "slug": "peel-2023-25",
        "name": "PEEL 2023–2025",
        "scale": "Five grades (PEEL from 2021/22)",
        "description": "Police effectiveness, efficiency and legitimacy, graded on five "
        "grades. Its grades cannot be compared directly with those of PEEL 2021/22.",
    },
]

ORGANISATION = {
    "slug": "cambridgeshire-constabulary",
    "name": "Cambridgeshire Constabulary",
    "kind": OrganisationKind.POLICE_FORCE,
    "area": "Cambridgeshire and Peterborough",
}

# Oldest first, so a report's previous_report (a slug) already exists.
#
# Where the seed brief gives no publication day, `published_precision` says so and readers see
# only what is known; `published_on` is then a day that keeps the reports in order and is shown
# nowhere: for 2017 and 2018/19, a "last updated" day the inspectorate's pages give (the
# published day is not known), and for 2023–2025 the day of its press release (the brief gives
# the report's month).
REPORTS = [
    {
        "slug": "peel-2017-cambridgeshire-constabulary",
        "framework": "peel-2017",
        "title": "PEEL 2017: Cambridgeshire Constabulary",
        "published_on": dt.date(2018, 3, 22),
        "published_precision": DatePrecision.NOT_KNOWN,
        "published_known_as": "PEEL 2017",
        "summary": "The force's PEEL 2017 assessment: effectiveness requires improvement, "
        "efficiency and legitimacy good.",
    },
    {
        "slug": "peel-2018-19-cambridgeshire-constabulary",
        "framework": "peel-2018-19",
        "title": "PEEL 2018/19: Cambridgeshire Constabulary",
        "published_on": dt.date(2020, 1, 21),
        "published_precision": DatePrecision.NOT_KNOWN,
        "published_known_as": "PEEL 2018/19, tranche three",
        "lead_inspector_name": "Zoë Billingham",
        "lead_inspector_title": "HM Inspector of Constabulary",
        "url": PEEL_2018_19_PAGE,
        "summary": "The force's integrated PEEL assessment, inspected in the third tranche of "
        "2018/19, graded good for effectiveness, efficiency and legitimacy. The inspectorate "
        "notes that the force's effectiveness has improved since 2017.",
        "previous_report": "peel-2017-cambridgeshire-constabulary",
    },
    {
        "slug": "peel-2021-22-cambridgeshire-constabulary",
        "framework": "peel-2021-22",
        "title": "PEEL 2021/22: Cambridgeshire Constabulary",
        "published_on": dt.date(2022, 6, 21),
        "lead_inspector_name": "Roy Wilsher",
        "lead_inspector_title": "HM Inspector of Constabulary",
        "url": HMICFRS_WEBSITE,
        "summary": "Nine areas graded: four good, three adequate and two requiring "
        "improvement. Investigating crime and responding to the public must improve.",
        "previous_report": "peel-2018-19-cambridgeshire-constabulary",
        # The real embargo time is not recorded here: the demo holds the report back until the
        # start of its publication day, before the seed story's 05:00 publication.
        "embargo_until": dt.datetime(2022, 6, 21, 0, 0, tzinfo=LONDON),
    },
    {
        "slug": "peel-2023-25-cambridgeshire-constabulary",
        "framework": "peel-2023-25",
        "title": "PEEL 2023–2025: Cambridgeshire Constabulary",
        "published_on": dt.date(2024, 3, 13),
        "published_precision": DatePrecision.MONTH,
        "lead_inspector_name": "Roy Wilsher",
        "summary": "Nine areas inspected and eight graded: one outstanding (police powers and "
        "public engagement), two good, two adequate, one requiring improvement and two "
        "inadequate. Among the weaknesses: answering 999 and 101 calls and responding to "
        "incidents, and managing registered sex offenders. Our records name only the "
        "outstanding area; the other seven are listed by their grade.",
        "previous_report": "peel-2021-22-cambridgeshire-constabulary",
    },
]

# Per report, (area, grade slug) in the report's order, or (area, grade slug, source address).
GRADED_AREAS = {
    "peel-2017-cambridgeshire-constabulary": [
        ("Effectiveness", "requires-improvement"),
        ("Efficiency", "good"),
        ("Legitimacy", "good"),
    ],
    # The inspectorate's page for the assessment grades all three pillars.
    "peel-2018-19-cambridgeshire-constabulary": [
        ("Effectiveness", "good", PEEL_2018_19_PAGE),
        ("Efficiency", "good", PEEL_2018_19_PAGE),
        ("Legitimacy", "good", PEEL_2018_19_PAGE),
    ],
    "peel-2021-22-cambridgeshire-constabulary": [
        ("Recording data about crime", "good"),
        ("Treatment of the public", "adequate"),
        ("Preventing crime and anti-social behaviour", "adequate"),
        ("Responding to the public", "requires-improvement"),
        ("Investigating crime", "requires-improvement"),
        ("Protecting vulnerable people", "good"),
        ("Managing offenders and suspects", "adequate"),
        ("Developing a positive workplace", "good"),
        ("Good use of resources", "good"),
    ],
    # The seed brief gives the counts of each grade but names only the outstanding area, so
    # the other seven are rows that say so (best grade first), not guesses at their names.
    "peel-2023-25-cambridgeshire-constabulary": [
        ("Police powers and public engagement", "outstanding"),
        ("Area not named in our records (1 of 2 graded good)", "good"),
        ("Area not named in our records (2 of 2 graded good)", "good"),
        ("Area not named in our records (1 of 2 graded adequate)", "adequate"),
        ("Area not named in our records (2 of 2 graded adequate)", "adequate"),
        ("Area not named in our records (graded requires improvement)", "requires-improvement"),
        ("Area not named in our records (1 of 2 graded inadequate)", "inadequate"),
        ("Area not named in our records (2 of 2 graded inadequate)", "inadequate"),
    ],
}

# Per report, (kind, title, address, published on or None), in order. Only addresses the seed
# brief gives: the 2021/22 report's own address is not among them, so it points readers to
# the inspectorate's website, where it is published.
REPORT_SOURCES = {
    "peel-2018-19-cambridgeshire-constabulary": [
        (
            SourceKind.REPORT_PAGE,
            "PEEL 2018/19: the inspectorate's page on Cambridgeshire Constabulary",
            PEEL_2018_19_PAGE,
            None,
        ),
    ],
    "peel-2021-22-cambridgeshire-constabulary": [
        (
            SourceKind.OTHER,
            "The HMICFRS website, which publishes the PEEL 2021/22 report",
            HMICFRS_WEBSITE,
            None,
        ),
    ],
}

# Per report, the inspectors' short finding for an area, in our words, where the seed brief
# ties it to that area (the story's two "requires improvement" grades).
AREA_FINDINGS = {
    "peel-2021-22-cambridgeshire-constabulary": {
        "Responding to the public": "Officers too often reach incidents later than the force's "
        "own targets, and too many callers give up on the non-emergency 101 line.",
        "Investigating crime": "Investigations are not always planned early or supervised "
        "well, and some victims are let down as a result.",
    },
}

# Per report, (kind, text) in order.
FINDINGS = {
    "peel-2021-22-cambridgeshire-constabulary": [
        (FindingKind.AREA_FOR_IMPROVEMENT, "Attend incidents within the times it sets itself."),
        (
            FindingKind.AREA_FOR_IMPROVEMENT,
            "Set plans for and supervise the investigation of crime.",
        ),
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
        (
            FindingKind.INNOVATIVE_PRACTICE,
            "A vulnerability focus desk supporting front-line officers.",
        ),
        (FindingKind.INNOVATIVE_PRACTICE, "Wellbeing support for staff in high-impact roles."),
        (
            FindingKind.KEY_FIGURE,
            "More than 4,500 crimes were estimated to have gone unrecorded in the year inspected.",
        ),
        (
            FindingKind.KEY_FIGURE,
            "99% of sexual offences were recorded, on the force's own figures.",
        ),
        (
            FindingKind.KEY_FIGURE,
            "Abandoned non-emergency calls were above the 5% national standard for forces with a "
            "switchboard.",
        ),
    ],
}
