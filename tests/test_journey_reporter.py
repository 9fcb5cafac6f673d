"""Journey 1, in Chromium: a reporter writes a story with the rich-text editor (subheading,
bold, link, list), is bylined by default, uploads a hero image, meets a validation error,
previews the draft, sends it for review, and finds no way to publish it, not even by a forged
request.

The demo site runs under gunicorn with DEBUG off (tests/journey_fixtures.py); the reporter signs
in through the real login form. Screenshots go to test-artifacts/journeys/reporter-*.png.
"""

import io
import re

import pytest
from PIL import Image

from .journey_fixtures import add_staff, shoot, telling_where

pytestmark = [pytest.mark.browser, pytest.mark.own_database]

HEADLINE = "PEEL 2021/22: what the inspectors said about emergency calls"
SLUG = "peel-2021-22-what-the-inspectors-said-about-emergency-calls"
BODY = ".field-body .ProseMirror[contenteditable=true]"


@pytest.fixture(scope="module")
def reporter(demo_site):
    return add_staff(demo_site, "journey-reporter", "Reporter", author="Rosa Reporter")


def picture(tmp_path):
    path = tmp_path / "control-room.png"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), "#2a6f97").save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def write_body(page):
    page.locator(BODY).click()
    page.click(".prose-menubar__button[data-name=heading2]")
    page.keyboard.type("Answering 999 calls")
    page.keyboard.press("Enter")
    page.keyboard.type("The force answered ")
    page.keyboard.press("ControlOrMeta+b")
    page.keyboard.type("most emergency calls")
    page.keyboard.press("ControlOrMeta+b")
    page.keyboard.type(" within ten seconds, says the report")
    for _ in "the report":
        page.keyboard.press("Shift+ArrowLeft")
    page.click(".prose-menubar__button[data-name=link]")
    page.fill("dialog[open] input[name=href]", "https://hmicfrs.justiceinspectorates.gov.uk/")
    page.click("dialog[open] button[type=submit]")
    page.keyboard.press("End")
    page.keyboard.type(".")
    page.keyboard.press("Enter")
    page.click(".prose-menubar__button[data-name=bulletList]")
    page.keyboard.type("Investigating crime")
    page.keyboard.press("Enter")
    page.keyboard.type("Protecting vulnerable people")


def choose_section(page, name):
    page.click(".field-section .select2-selection")
    page.keyboard.type(name)
    page.locator(".select2-results__option", has_text=name).first.click()


def test_a_reporter_writes_a_story_sends_it_for_review_and_cannot_publish_it(
    reporter, open_as, demo_site, tmp_path
):
    page = open_as(reporter, "/admin/articles/article/add/")
    image = picture(tmp_path)
    with telling_where(page):
        # Bylined by default: the reporter's own byline is there before they type anything.
        bylines = page.locator("#bylines-group tbody tr.form-row:not(.empty-form)")
        assert bylines.count() == 1 and "Rosa Reporter" in bylines.inner_text()
        page.locator("#id_headline").press_sequentially(HEADLINE)
        assert page.input_value("#id_slug") == SLUG
        page.fill("#id_standfirst", "Inspectors graded how Cambridgeshire answers its calls.")
        write_body(page)
        choose_section(page, "News")
        page.set_input_files("#id_hero_image", image)
        shoot(page, "reporter-1-writing")

        # Saved without alt text: refused, with a summary linking to the field.
        page.click("input[name=_continue] >> nth=0")
        summary = page.locator("#desk-error-summary")
        summary.wait_for()
        assert summary.locator("a[href='#id_hero_alt']").count() == 1
        shoot(page, "reporter-2-validation-error")
        body = page.input_value("#id_body")
        assert "<h2>Answering 999 calls</h2>" in body  # nothing typed was lost
        # The picture survived the refusal: the form names it and sends it again on save.
        assert "Kept: control-room" in page.inner_text(".field-hero_image")
        page.fill("#id_hero_alt", "Call handlers at their desks in the force control room")
        page.click("input[name=_continue] >> nth=0")
        page.wait_for_url("**/change/")
        assert "was added successfully" in page.inner_text(".messagelist")
        assert "Currently" in page.inner_text(".field-hero_image")  # the kept picture was saved
        saved = page.input_value("#id_body")
        for html in (
            r"<h2>Answering 999 calls</h2>",
            r"<strong>\s*most emergency calls</strong>",
            r'<a href="https://hmicfrs\.justiceinspectorates\.gov\.uk/"[^>]*>the report</a>',
            r"<li><p>Investigating crime</p></li>",
        ):
            assert re.search(html, saved), (html, saved)
        change_url = page.url

        # Preview: the draft as readers will see it, open to its author only.
        page.click("a.viewsitelink")
        page.wait_for_url(f"**/news/{SLUG}/")
        article = page.locator("main")
        assert article.locator("h2", has_text="Answering 999 calls").count() == 1
        assert article.locator("strong", has_text="most emergency calls").count() == 1
        assert article.locator("li", has_text="Protecting vulnerable people").count() == 1
        assert "Rosa Reporter" in article.inner_text()
        shoot(page, "reporter-3-preview")
        reader = page.context.browser.new_page()
        assert reader.goto(f"{demo_site.url}/news/{SLUG}/").status == 404  # a draft is private
        reader.close()

        # Send for review: the only statuses offered are draft and in review.
        page.goto(change_url)
        options = page.locator("#id_status option").evaluate_all(
            "options => options.map(o => o.value)"
        )
        assert options == ["draft", "in_review"]
        page.select_option("#id_status", "in_review")
        page.click("input[name=_continue] >> nth=0")
        page.wait_for_url("**/change/")
        assert page.input_value("#id_status") == "in_review"
        shoot(page, "reporter-4-in-review")

        # No way to publish: the list offers no publishing action, and a forged form that
        # says "published" is refused by the server.
        page.goto(f"{demo_site.url}/admin/articles/article/")
        actions = page.locator("select[name=action] option").all_inner_texts()
        assert not [action for action in actions if "ublish" in action]
        page.goto(change_url)
        page.evaluate(
            """() => {
                const status = document.querySelector("#id_status");
                status.add(new Option("Published", "published"));
                status.value = "published";
                document.querySelector("#article_form input[name=_continue]").click();
            }"""
        )
        page.wait_for_load_state()
        assert "Only an editor can publish" in page.inner_text("#content")
        shoot(page, "reporter-5-publish-refused")
        page.goto(change_url)
        assert page.input_value("#id_status") == "in_review"
        reader = page.context.browser.new_page()
        assert reader.goto(f"{demo_site.url}/news/{SLUG}/").status == 404
        reader.close()
    assert not [
        e for e in page.console_errors if "Content Security Policy" in e and "inline style" not in e
    ]
