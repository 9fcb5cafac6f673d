"""The rich-text editor works under the site's strict CSP: its import map (the only inline
script) carries this response's nonce, and reader pages get no nonce at all."""

import re


def test_the_editor_import_map_carries_the_response_nonce(make_article, role_client):
    article = make_article()
    response = role_client("Editor").get(f"/admin/articles/article/{article.pk}/change/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce}">' in html
    assert 'src="/static/django_prose_editor/editor.js"' in html
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline), inline


def test_reader_pages_allow_no_inline_script(client, make_article):
    article = make_article()
    policy = client.get(article.get_absolute_url())["Content-Security-Policy"]
    assert "nonce-" not in policy
    assert "unsafe-inline" not in policy
