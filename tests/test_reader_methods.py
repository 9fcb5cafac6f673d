"""Reader pages answer GET and HEAD only: any other method is 405, with the methods allowed."""

import pytest
from django.urls import reverse

READER_PATHS = [
    "/",
    "/news/force-told-to-improve/",
    "/section/news/",
    "/author/stephen-briggs/",
    "/search/?q=force",
    "/corrections/",
    "/feeds/latest.rss",
    "/feeds/corrections.atom",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/robots.txt",
    "/inspections/reports/",
    "/inspections/organisations/",
]


@pytest.fixture
def story(make_article):
    return make_article(slug="force-told-to-improve")


@pytest.mark.parametrize("path", READER_PATHS)
def test_reader_pages_answer_get_and_head_and_refuse_other_methods(client, story, path):
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200
    for method in ("post", "put", "patch", "delete", "options"):
        response = getattr(client, method)(path)
        assert response.status_code == 405, (method, path)
        assert response["Allow"] == "GET, HEAD"


def test_the_admin_still_takes_posts(client, db):
    response = client.post(reverse("admin:login"), {"username": "nobody", "password": "x"})
    assert response.status_code == 200  # the form again, with its error: not 405
