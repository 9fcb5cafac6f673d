"""schema.org JSON-LD for reader pages, built from what the views have already fetched."""

from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone

from newsroom.site import absolute

CORRECTIONS_POLICY_URL = "/about/corrections-policy/"


def moment(value):
    """A time as schema.org readers expect it: local, with its offset, to the second."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def publisher():
    """The publisher, as every page's JSON-LD names it."""
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.PUBLISHER_NAME,
        "url": absolute("/"),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(static("img/logo.png")),
            "width": 600,
            "height": 60,
        },
        "correctionsPolicy": absolute(CORRECTIONS_POLICY_URL),
    }


def publisher_page():
    """The home page's block: the publisher on its own."""
    return {"@context": "https://schema.org", **publisher()}


def sources(article, reports):
    """What a story cites (its sources) and is based on (its reports, at the inspectorate);
    `reports` as inspections.panel.story_reports() gives them."""
    data = {}
    citations = [
        {
            "@type": "CreativeWork",
            "name": source.title,
            "url": source.url,
            **(
                {"publisher": {"@type": "Organization", "name": source.publisher}}
                if source.publisher
                else {}
            ),
            **({"datePublished": source.published_on.isoformat()} if source.published_on else {}),
        }
        for source in article.sources.all()
    ]
    if citations:
        data["citation"] = citations
    based_on = [report["main_url"] or absolute(report["url"]) for report in reports]
    if based_on:
        data["isBasedOn"] = based_on
    return data


def news_article(article, hero, reports):
    """schema.org NewsArticle for a story, built from what the view has already fetched;
    `reports` as inspections.panel.story_reports() gives them."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.seo_description or article.standfirst,
        "url": absolute(article.get_absolute_url()),
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "inLanguage": "en-GB",
        "isAccessibleForFree": True,
        "articleSection": article.section.name,
        "author": [
            {
                "@type": "Person",
                "name": byline.author.name,
                "url": absolute(byline.author.get_absolute_url()),
                **({"jobTitle": byline.author.job_title} if byline.author.job_title else {}),
            }
            for byline in article.bylines.all()
        ],
        "publisher": publisher(),
    }
    if article.published_at:
        data["datePublished"] = moment(article.published_at)
        data["dateModified"] = moment(article.modified_for_readers)
    if hero:
        data["image"] = [absolute(hero["large"])]
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    about = []
    for report in reports:
        about.append(
            {
                "@type": "Organization",
                "name": report["organisation"],
                "url": absolute(report["organisation_url"]),
            }
        )
        about.append(
            {
                "@type": "Report",
                "name": report["title"],
                "url": absolute(report["url"]),
                # As far as it is known: "2024-03" for a month, nothing when not even the year.
                **({"datePublished": report["published_iso"]} if report["published_iso"] else {}),
                "publisher": {"@type": "GovernmentOrganization", "name": report["inspectorate"]},
                **({"sameAs": report["link"]} if report["link"] else {}),
            }
        )
    if about:
        data["about"] = about
    data.update(sources(article, reports))
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": correction.text,
            "datePublished": moment(correction.published_at),
            "url": absolute(correction.get_absolute_url()),
            **(
                {"dateModified": moment(correction.last_amended_at)}
                if getattr(correction, "last_amended_at", None)
                else {}
            ),
        }
        for correction in article.corrections.all()
        if correction.is_listed
    ]
    if corrections:
        data["correction"] = corrections
    return data
