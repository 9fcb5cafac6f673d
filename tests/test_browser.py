"""Browser checks of the reader site: axe-core, the Nu HTML Checker, no-JavaScript reading, CSP.

One demo site (gunicorn, DEBUG off), one Chromium and one vnu run serve the whole session; each
page is loaded once per colour scheme and the tests read the results. Without Chromium, Java or
node_modules the checks skip, saying what is missing; with CI=true they fail instead.
"""

import re
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests import browser_fixtures as bf
from tests.test_distribution import NS, SCHEMAS, URLSET_XSD

pytestmark = [pytest.mark.browser, pytest.mark.own_database]

NOT_FOUND = "/no-such-page/"
PAGES = [
    "home",
    "story",
    "author",
    "report",
    "organisation",
    "linked_report",
    "search",
    "corrections",
]
WHAT = {
    "home": "the home page",
    "story": "a story with a grades panel (a <table> with a <caption>), linked from the home page",
    "author": "an author page, linked from that story or the home page",
    "report": "an inspection report page, linked from that story",
    "organisation": "the inspected organisation's page (its grades over time), linked from that "
    "story's grades panel",
    "linked_report": "a report page whose graded areas link to the report, linked from that "
    "organisation's page",
    "search": "search results",
    "corrections": "the corrections page",
}


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    site = bf.DemoSite(tmp_path_factory.mktemp("demo-site"))
    try:  # stopped however the session ends, a failed build or start included
        site.build()
        site.start()
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="session")
def demo_pages(demo_site):
    pages = bf.discover_pages(demo_site)
    return pages | discover_inspection_pages(demo_site, pages["story"])


def discover_inspection_pages(site, story):
    """The organisation the story's report inspected, and one of its reports whose graded
    areas link to the report (the demo's PEEL 2018/19), found by following links."""
    pages = {"organisation": None, "linked_report": None}
    if story is None:
        return pages
    pages["organisation"] = next(
        (p for p in bf.links(site.fetch(story)[2], story) if p.startswith("/inspections/organ")),
        None,
    )
    if pages["organisation"] is None:
        return pages
    organisation = site.fetch(pages["organisation"])[2]
    for path in bf.links(organisation, pages["organisation"]):
        if path.startswith("/inspections/reports/"):
            document = lxml_html.fromstring(site.fetch(path)[2])
            if document.xpath("//table//th[@scope='row']/a"):
                pages["linked_report"] = path
                break
    return pages


@pytest.fixture
def page_path(demo_pages, request):
    path = (demo_pages | {"not_found": NOT_FOUND})[request.param]
    if path is None:
        pytest.fail(f"Could not find {WHAT[request.param]} on the demo site.")
    return path


@pytest.fixture(scope="session")
def visits(demo_site, browser, pytestconfig):
    """Load each page once per colour scheme; keep axe's violations and the console errors.

    A page with either is photographed, whole, into test-artifacts/browser/ (pytest-playwright's
    --output, which tests/conftest.py points there).
    """
    contexts = {}
    results = {}
    screenshots = Path(pytestconfig.getoption("--output")) / "browser"

    def visit(path, scheme):
        if (path, scheme) not in results:
            if scheme not in contexts:
                contexts[scheme] = browser.new_context(color_scheme=scheme)
            page = contexts[scheme].new_page()
            errors = []

            def on_console(message):
                # A CSP violation is reported as a console error too.
                if message.type == "error":
                    errors.append(f"console: {message.text} ({message.location.get('url')})")

            page.on("console", on_console)
            page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
            response = page.goto(demo_site.url + path, wait_until="load")
            errors_before_axe = list(errors)
            result = results[path, scheme] = {
                "status": response.status if response else None,
                "violations": bf.run_axe(page),
                "errors": errors_before_axe,
            }
            if result["violations"] or result["errors"] or result["status"] != 200:
                name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                result["screenshot"] = screenshots / f"{name}-{scheme}.png"
                page.screenshot(path=result["screenshot"], full_page=True)
            page.close()
        return results[path, scheme]

    yield visit
    for context in contexts.values():
        context.close()


@pytest.fixture(scope="session")
def vnu_errors(demo_site, demo_pages, tmp_path_factory):
    bf.require("java", "vnu")
    documents = {}
    for name, path in demo_pages.items():
        if path is not None:
            documents[name] = demo_site.fetch(path)[2]
    return bf.run_vnu(documents, tmp_path_factory.mktemp("vnu"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page_path", PAGES, indirect=True)
def test_page_has_no_axe_violations(page_path, scheme, visits):
    bf.require("chromium", "axe")
    result = visits(page_path, scheme)

    assert result["status"] == 200, f"{page_path} answered {result['status']}"
    assert not result["violations"], (
        f"axe-core, {scheme} mode, {page_path} (screenshot: {result.get('screenshot')}):\n"
        + bf.describe_axe(result["violations"])
    )


@pytest.mark.parametrize("page_path", PAGES, indirect=True)
def test_page_has_no_console_errors_or_csp_violations(page_path, visits):
    bf.require("chromium", "axe")
    result = visits(page_path, "light")

    assert not result["errors"], (
        f"{page_path} (screenshot: {result.get('screenshot')}):\n" + "\n".join(result["errors"])
    )


@pytest.mark.parametrize("page_path", PAGES, indirect=True)
def test_page_is_readable_without_javascript(page_path, demo_site, browser):
    bf.require("chromium")
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        response = page.goto(demo_site.url + page_path)
        main = page.locator("main")

        assert response.status == 200
        assert main.count() == 1, f"{page_path} needs exactly one <main>"
        assert main.is_visible()
        assert page.locator("h1").first.is_visible(), f"{page_path} shows no visible <h1>"
        assert len(main.inner_text().split()) >= 5, f"{page_path}: <main> is (nearly) empty"
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_html_has_no_nu_checker_errors(name, demo_pages, vnu_errors):
    bf.require("java", "vnu")
    if demo_pages[name] is None:
        pytest.fail(f"Could not find {WHAT[name]} on the demo site.")

    errors = vnu_errors[name]

    assert not errors, f"Nu HTML Checker, {demo_pages[name]}:\n" + bf.describe_vnu(errors)


def directive(policy, name):
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return None


@pytest.mark.parametrize("page_path", [*PAGES, "not_found"], indirect=True)
def test_page_has_a_strict_csp_and_no_inline_script_style_or_handlers(page_path, demo_site):
    status, headers, body = demo_site.fetch(page_path)

    assert status == (404 if page_path == NOT_FOUND else 200), page_path
    policy = headers.get("Content-Security-Policy")
    assert policy, f"{page_path} has no Content-Security-Policy header"
    script_src = directive(policy, "script-src") or directive(policy, "default-src")
    assert script_src, f"{page_path}: the CSP sets neither script-src nor default-src"
    assert "'unsafe-inline'" not in script_src, f"{page_path}: {policy}"

    document = lxml_html.fromstring(body)
    inline_scripts = [
        lxml_html.tostring(script)[:120]
        for script in document.iter("script")
        if not script.get("src") and script.get("type") != "application/ld+json"
    ]
    styled = [element.tag for element in document.xpath("//*[@style]")]
    handlers = [
        f"<{element.tag} {attribute}>"
        for element in document.iter()
        if isinstance(element.tag, str)
        for attribute in element.attrib
        if re.fullmatch(r"on[a-z]+", attribute)
    ]
    style_elements = document.xpath("//style")
    assert not inline_scripts, f"{page_path}: inline <script>: {inline_scripts}"
    assert not styled, f"{page_path}: style= attributes on {styled}"
    assert not handlers, f"{page_path}: event handler attributes {handlers}"
    assert not style_elements, f"{page_path}: inline <style> elements (the CSP blocks them)"


def test_every_address_in_the_sitemaps_answers_on_the_demo_site(demo_site):
    bf.require("sitemap")
    status, _, index = demo_site.fetch("/sitemap.xml")
    assert status == 200
    index_xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))
    assert index_xsd.validate(etree.fromstring(index)), index_xsd.error_log
    urlset_xsd = etree.XMLSchema(etree.parse(str(URLSET_XSD)))
    news_xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / "news-sitemap.xsd")))

    addresses = []
    for section in etree.fromstring(index).xpath("//sm:loc/text()", namespaces=NS):
        assert section.startswith(demo_site.url + "/"), section
        status, _, urlset = demo_site.fetch(section)
        document = etree.fromstring(urlset)
        assert urlset_xsd.validate(document), f"{section}: {urlset_xsd.error_log}"
        addresses += document.xpath("//sm:loc/text()", namespaces=NS)
    status, _, news = demo_site.fetch("/news-sitemap.xml")
    news_document = etree.fromstring(news)
    assert news_xsd.validate(news_document), news_xsd.error_log
    addresses += news_document.xpath("//sm:loc/text()", namespaces=NS)

    assert len(addresses) > 10
    failures = [
        (address, status)
        for address in sorted(set(addresses))
        if (status := demo_site.fetch(address)[0]) != 200
    ]
    assert not failures


def test_every_kind_of_response_has_a_csp_without_unsafe_inline_scripts(demo_site, demo_pages):
    _, _, home = demo_site.fetch("/")
    feeds = lxml_html.fromstring(home).xpath("//link[@rel='alternate']/@href")
    paths = [
        *(path for path in demo_pages.values() if path),
        NOT_FOUND,
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap-stories.xml",
        "/news-sitemap.xml",
        "/static/does-not-exist.css",
        *feeds,
    ]

    problems = []
    for path in paths:
        status, headers, _ = demo_site.fetch(path)
        policy = headers.get("Content-Security-Policy") or ""
        script_src = directive(policy, "script-src") or directive(policy, "default-src") or []
        if not script_src or "'unsafe-inline'" in script_src:
            problems.append(f"{path} ({status}): {policy or 'no Content-Security-Policy'}")

    assert feeds, "the home page links to no feed (<link rel=alternate>)"
    assert not problems, "\n".join(problems)


def test_the_checked_pages_show_the_trust_features(demo_site, demo_pages):
    """The pages checked above carry what issue 11 added, so the checks cover those blocks."""
    story = lxml_html.fromstring(demo_site.fetch(demo_pages["story"])[2])
    assert story.xpath("//section[@class='sources']//li[@id='source-1']")
    assert story.xpath("//main//a[@class='citation'][@href='#source-1']")
    assert story.xpath("//div[@class='right-of-reply']/p")
    assert story.xpath("//details[@class='grades-panel__finding']")
    organisation = lxml_html.fromstring(demo_site.fetch(demo_pages["organisation"])[2])
    assert len(organisation.xpath("//table[@class='grade-history__table']/tbody/tr")) >= 4
    report = lxml_html.fromstring(demo_site.fetch(demo_pages["linked_report"])[2])
    assert report.xpath("//table//th[@scope='row']/a[starts-with(@href, 'https://')]")
    assert report.xpath("//td[contains(@class, 'grades-panel__movement--up')]")
