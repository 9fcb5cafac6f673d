"""Issue 12, memory: a reader worker does not load the desk, nor every Pillow plugin.

Each check runs in a fresh interpreter, as a gunicorn worker starts: the test process itself
has long since imported everything."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

READER_WORKER = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
from django.core.wsgi import get_wsgi_application
get_wsgi_application()
from django.urls import resolve, reverse
from pilkit.utils import format_to_extension
from PIL import Image
story = reverse("articles:detail", kwargs={"slug": "a-story"})
resolve(story)
resolve("/inspections/reports/")
extension = format_to_extension("WEBP")  # what naming a story picture's rendition asks
before = set(sys.modules)
desk = reverse("admin:index")  # the desk's own address loads it
print(json.dumps({
    "extension": extension,
    "desk": desk,
    "desk_modules": sorted(m for m in before if m.startswith(("articles.admin", "inspections.ad"))),
    "plugins": sorted(m for m in before if m.startswith("PIL.") and m.endswith("ImagePlugin")),
    "registered_after": "articles.admin.stories" in sys.modules,
}))
"""


def run_worker():
    env = os.environ | {"DEBUG": "0", "PYTHONPATH": str(ROOT), "SECRET_KEY": "worker-memory-test"}
    env.pop("PYTEST_CURRENT_TEST", None)
    result = subprocess.run(
        [sys.executable, "-c", READER_WORKER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def worker():
    return run_worker()


def test_reader_addresses_do_not_load_the_desk(worker):
    assert worker["desk_modules"] == []
    assert worker["desk"] == "/admin/"
    assert worker["registered_after"] is True


def test_naming_a_rendition_loads_only_the_pictures_plugins(worker):
    assert worker["extension"] == ".webp"
    assert worker["plugins"] == [
        "PIL.GifImagePlugin",
        "PIL.JpegImagePlugin",
        "PIL.PngImagePlugin",
        "PIL.WebPImagePlugin",
    ]


@pytest.mark.django_db
def test_the_desk_is_there_when_asked_for(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302  # to the sign-in page
    from django.contrib import admin

    from articles.models import Article

    assert admin.site.is_registered(Article)
