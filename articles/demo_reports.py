"""The demo's inspection data, read by ``manage.py load_demo``: the inspectorate, its PEEL
frameworks, the force and its reports with their graded areas and findings.

Facts and figures come from the seed brief (shared/seed/FACTS.md); the wording of findings is
the project's own. Rows are named by slug, and one row points at another by its slug.
"""

import datetime as dt

from inspections.models import FindingKind, OrganisationKind

# Inspections. Grade scales come with the inspections migrations; frameworks name theirs.
INSPECTORATE = {
    "slug": "hmicfrs",
    "name": "HM Inspectorate of Constabulary and Fire & Rescue Services",
    "short_name": "HMICFRS",
    "website": "https://hmicfrs.justiceinspectorates.gov.uk/",
}

FRAMEWORKS = [
    {
        "slug": "peel-2021-22",
        "name": "PEEL 2021/22",
        "scale": "Five grades (PEEL from 2021/22)",
        "description": "Police effectiveness, efficiency and legitimacy, graded on "
        "five grades in nine areas. HMICFRS says these grades cannot be compared "
        "directly with earlier PEEL cycles.",
    },
    {
        "slug": "peel-2018-19",
        "name": "PEEL 2018/19",
        "scale": "Four grades",
        "description": "The integrated PEEL assessment: effectiveness, efficiency and "
        "legitimacy, each graded on four grades.",
    },
]

ORGANISATION = {
    "slug": "cambridgeshire-constabulary",
    "name": "Cambridgeshire Constabulary",
    "kind": OrganisationKind.POLICE_FORCE,
    "area": "Cambridgeshire and Peterborough",
}

# Oldest first, so a report's previous_report (a slug) already exists.
REPORTS = [
    {
        "slug": "peel-2018-19-cambridgeshire-constabulary",
        "framework": "peel-2018-19",
        "title": "PEEL 2018/19: Cambridgeshire Constabulary",
        "published_on": dt.date(2019, 5, 2),
        "url": "https://hmicfrs.justiceinspectorates.gov.uk/",
        "summary": "The force's integrated PEEL assessment, graded good for "
        "effectiveness, efficiency and legitimacy.",
    },
    {
        "slug": "peel-2021-22-cambridgeshire-constabulary",
        "framework": "peel-2021-22",
        "title": "PEEL 2021/22: Cambridgeshire Constabulary",
        "published_on": dt.date(2022, 6, 21),
        "lead_inspector_name": "Roy Wilsher",
        "lead_inspector_title": "HM Inspector of Constabulary",
        "url": "https://hmicfrs.justiceinspectorates.gov.uk/",
        "summary": "Nine areas graded: four good, three adequate and two requiring "
        "improvement. Investigating crime and responding to the public must improve.",
        "previous_report": "peel-2018-19-cambridgeshire-constabulary",
    },
]

# Per report, (area, grade slug) in the report's order.
GRADED_AREAS = {
    "peel-2018-19-cambridgeshire-constabulary": [
        ("Effectiveness", "good"),
        ("Efficiency", "good"),
        ("Legitimacy", "good"),
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
