"""Issue 11 §4: reports under embargo, and private review links to a story's draft."""

import hashlib
import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import ReviewLink, Status
from inspections.models import InspectionReport

from .desk_fixtures import change_url, form_data, login

LONDON = ZoneInfo("Europe/London")
EMBARGO = datetime(2022, 6, 21, 0, 1, tzinfo=LONDON)
BEFORE = EMBARGO - timedelta(minutes=1)
AFTER = EMBARGO + timedelta(minutes=1)
EMBARGO_MESSAGE = (
    "A report this story covers is embargoed until 21 June 2022, 00:01 BST: schedule the story "
    "for then or later."
)


@pytest.fixture
def embargoed(make_report):
    """A report released to the press ahead of its publication at EMBARGO."""
    return make_report(
        title="Embargoed PEEL inspection",
        slug="embargoed-peel",
        published_on=date(2022, 6, 21),
        embargo_until=EMBARGO,
    )


def text(client, url):
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_public_leaves_out_a_report_until_its_embargo_lifts(make_report, embargoed):
    open_report = make_report(published_on=date(2022, 6, 1))
    with time_machine.travel(BEFORE, tick=False):
        assert list(InspectionReport.objects.public()) == [open_report]
    with time_machine.travel(EMBARGO, tick=False):
        assert set(InspectionReport.objects.public()) == {open_report, embargoed}


def test_every_public_surface_shows_an_embargoed_report_only_once_it_lifts(
    client, settings, make_report, make_article, embargoed, hmicfrs
):
    settings.PAGE_CACHE_SECONDS = 0  # what the views show; the page cache is tested below
    make_report(title="Earlier PEEL inspection", published_on=date(2022, 6, 1))
    story = make_article(headline="Force graded in embargoed report", published_at=EMBARGO)
    story.reports.set([embargoed])
    report_pages = [
        embargoed.get_absolute_url(),
        reverse("inspections:report_csv", args=[embargoed.slug]),
        reverse("inspections:report_json", args=[embargoed.slug]),
    ]
    lists = [
        reverse("inspections:report_list"),
        embargoed.organisation.get_absolute_url(),
        hmicfrs.get_absolute_url(),
        "/sitemap-reports.xml",
    ]
    story_surfaces = [
        "/feeds/latest.rss",
        "/feeds/latest.atom",
        "/sitemap-stories.xml",
        reverse("news_sitemap"),
        reverse("articles:home"),
    ]
    with time_machine.travel(BEFORE, tick=False):
        for url in report_pages:
            assert client.get(url).status_code == 404, url
        for url in lists:
            status, body = text(client, url)
            assert status == 200, url
            assert "Earlier PEEL inspection" in body or "inspection-report-" in body, url
            assert embargoed.slug not in body and "Embargoed PEEL" not in body, url
        _, organisations = text(client, reverse("inspections:organisation_list"))
        assert "<td>1</td>" in organisations  # the organisation's public reports only
        _, lastmods = text(client, "/sitemap-organisations.xml")
        assert "2022-06-21" not in lastmods
        for url in story_surfaces:
            assert story.slug not in text(client, url)[1], url
        assert client.get(story.get_absolute_url()).status_code == 404

    with time_machine.travel(AFTER, tick=False):
        for url in report_pages:
            assert client.get(url).status_code == 200, url
        for url in lists:
            status, body = text(client, url)
            assert status == 200, url
            assert embargoed.slug in body or "Embargoed PEEL" in body, url
        assert "<td>2</td>" in text(client, reverse("inspections:organisation_list"))[1]
        assert "2022-06-21" in text(client, "/sitemap-organisations.xml")[1]
        for url in story_surfaces:
            assert story.slug in text(client, url)[1], url
        assert "Embargoed PEEL" in text(client, story.get_absolute_url())[1]


def test_a_cached_report_list_shows_the_report_as_soon_as_its_embargo_lifts(
    client, make_report, embargoed
):
    with time_machine.travel(BEFORE, tick=False):
        assert "Embargoed PEEL" not in text(client, reverse("inspections:report_list"))[1]
    with time_machine.travel(AFTER, tick=False):
        assert "Embargoed PEEL" in text(client, reverse("inspections:report_list"))[1]


def test_a_story_on_an_embargoed_report_cannot_go_live_before_the_embargo(make_article, embargoed):
    story = make_article(status=Status.DRAFT, published_at=None)
    story.reports.set([embargoed])
    with time_machine.travel(BEFORE, tick=False):
        assert ("reports", EMBARGO_MESSAGE) in publishing.publish_problems(story)  # now
        story.status = Status.PUBLISHED
        story.published_at = EMBARGO - timedelta(seconds=1)
        assert ("reports", EMBARGO_MESSAGE) in publishing.publish_problems(story)
        story.published_at = EMBARGO
        assert publishing.publish_problems(story) == []
        # A form being saved passes the reports it will have.
        story.published_at = BEFORE
        assert publishing.publish_problems(story, reports=[]) == []
    with time_machine.travel(AFTER, tick=False):
        story.status = Status.DRAFT
        assert publishing.publish_problems(story) == []


def test_the_publish_now_action_refuses_a_story_on_an_embargoed_report(staff, story, embargoed):
    article = story(status=Status.DRAFT, published_at=EMBARGO + timedelta(days=1))
    article.reports.set([embargoed])
    editor = login(staff("Editor"))
    with time_machine.travel(BEFORE):
        response = editor.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish_selected", "_selected_action": [article.pk]},
            follow=True,
        )
    assert EMBARGO_MESSAGE in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_the_story_form_refuses_to_publish_before_the_embargo(staff, story, embargoed):
    article = story(status=Status.DRAFT)
    editor = login(staff("Editor"))
    with time_machine.travel(BEFORE):
        data = form_data(editor.get(change_url(article))) | {
            "status": Status.PUBLISHED,
            "reports": [embargoed.pk],
            "published_at_0": "",
            "published_at_1": "",
        }
        response = editor.post(change_url(article), data)
    assert EMBARGO_MESSAGE in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_a_report_editor_sees_the_embargo_in_the_desk(admin_client, embargoed):
    changelist = admin_client.get(reverse("admin:inspections_inspectionreport_changelist"))
    assert "Embargo until" in changelist.content.decode()
    change = admin_client.get(
        reverse("admin:inspections_inspectionreport_change", args=[embargoed.pk])
    )
    assert 'name="embargo_until_0"' in change.content.decode()
    assert timezone.is_aware(embargoed.embargo_until)


# Private review links.


@pytest.fixture
def review_link(staff, story):
    """A draft story and a link to it for a lawyer, made through the desk; (link, address)."""

    def make(**overrides):
        article = overrides.pop("article", None) or story(
            headline="Draft for the lawyers", status=Status.DRAFT
        )
        editor = login(staff("Editor"))
        fields = {
            "article": article.pk,
            "recipient": "Jane Smith (legal)",
            "expires_at_0": "01/01/2031",
            "expires_at_1": "12:00",
        }
        response = editor.post(
            reverse("admin:articles_reviewlink_add"), fields | overrides, follow=True
        )
        assert response.status_code == 200
        address = re.search(r"https?://\S+/review/[\w-]+/", response.content.decode()).group(0)
        return ReviewLink.objects.get(article=article), urlsplit(address).path

    return make


def test_a_review_link_shows_the_draft_to_its_holder_and_stores_only_a_digest(client, review_link):
    link, address = review_link()
    token = address.split("/")[-2]
    assert len(token) >= 43  # 32 random bytes
    assert link.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ReviewLink.objects.values_list())
    response = client.get(address)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Draft for the lawyers" in body
    assert "private review copy for Jane Smith (legal)" in body
    assert "Not published" in body
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "X-Page-Cache" not in response
    assert client.get(link.article.get_absolute_url()).status_code == 404  # still a draft


def test_every_opening_is_recorded_for_the_desk(client, admin_client, review_link):
    link, address = review_link()
    client.get(address)
    client.get(address)
    assert link.visits.count() == 2
    page = admin_client.get(reverse("admin:articles_reviewlink_change", args=[link.pk]))
    assert page.content.decode().count('class="field-visited_at"') == 2
    listing = admin_client.get(reverse("admin:articles_reviewlink_changelist"))
    assert '<td class="field-visit_count">2</td>' in listing.content.decode()


@pytest.mark.parametrize("spoil", ["tampered", "expired", "revoked", "other story"])
def test_a_spoilt_review_link_is_a_plain_404(client, review_link, story, spoil):
    link, address = review_link()
    if spoil == "tampered":
        address = address[:-3] + ("A" if address[-3] != "A" else "B") + address[-2:]
    elif spoil == "expired":
        ReviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    elif spoil == "revoked":
        ReviewLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    else:
        other = story(headline="Another draft", status=Status.DRAFT)
        assert client.get(address.replace("/review/", f"/review/{other.pk}")).status_code == 404
        assert "Another draft" not in client.get(address).content.decode()
        return
    assert client.get(address).status_code == 404
    assert not link.visits.exists()


def test_an_editor_revokes_a_link_from_the_desk(client, staff, review_link):
    link, address = review_link()
    editor = login(staff("Editor"))
    editor.post(
        reverse("admin:articles_reviewlink_changelist"),
        {"action": "revoke_selected", "_selected_action": [link.pk]},
    )
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(address).status_code == 404


@pytest.mark.parametrize("role", ["Reporter", "Corrections desk"])
def test_only_editors_make_review_links(staff, role):
    desk = login(staff(role))
    assert desk.get(reverse("admin:articles_reviewlink_add")).status_code == 403
    assert desk.get(reverse("admin:articles_reviewlink_changelist")).status_code == 403


def test_a_review_copy_never_enters_the_page_cache(client, review_link, settings):
    settings.PAGE_CACHE_SECONDS = 300
    link, address = review_link()
    client.get(address)
    ReviewLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert client.get(address).status_code == 404  # not served from a cache


def test_a_review_link_answers_only_get_and_head(client, review_link):
    _, address = review_link()
    assert client.post(address).status_code == 405
