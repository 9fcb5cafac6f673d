"""Pictures at the desk and on the page: only JPEG, PNG, WebP and GIF get in, nothing is left
behind by a refused upload, and renditions are made after the save, never in a request."""

import io
import os
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pilkit.processors import ResizeToFit

from articles import images
from articles.models import Author, Status

from .desk_fixtures import change_url, login, post_form

NOT_A_PICTURE = "This file is not a JPEG, PNG, WebP or GIF image"
TOO_MANY_PIXELS = "This picture has more than 50 million pixels"
EPS = b"""%!PS-Adobe-3.0 EPSF-3.0
%%BoundingBox: 0 0 10 10
%%EndComments
newpath 0 0 moveto 10 10 lineto stroke
showpage
%%EOF
"""


@pytest.fixture(autouse=True)
def _renditions_finish_in_their_test():
    """A rendition job left running would write into the next test's MEDIA_ROOT."""
    yield
    assert images.wait_for_renditions()


def picture(format, size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#345").save(buffer, format)
    return buffer.getvalue()


def png_header(width, height):
    """A PNG that claims width x height pixels but holds a few bytes: how a bomb starts."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def stored_files(settings):
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def renditions(settings):
    return [p for p in stored_files(settings) if "CACHE" in p.parts]


def run_background_step(callbacks):
    """What happens after the commit: the queued renditions are made on the background thread."""
    for callback in callbacks:
        callback()
    assert images.wait_for_renditions()


@pytest.fixture
def other_decoders_spy(monkeypatch):
    """Records every Pillow decoder other than the four that is asked whether it reads a file."""
    asked = []
    for name, (factory, accept) in list(Image.OPEN.items()):
        if name not in images.FORMATS:

            def spy(prefix, name=name, accept=accept):
                asked.append(name)
                return accept(prefix) if accept else True

            monkeypatch.setitem(Image.OPEN, name, (factory, spy))
    return asked


REFUSED = [
    pytest.param("chart.eps", EPS, NOT_A_PICTURE, id="eps"),
    pytest.param("report.pdf", picture("PDF"), NOT_A_PICTURE, id="pdf"),
    pytest.param(
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9"/></svg>',
        NOT_A_PICTURE,
        id="svg",
    ),
    pytest.param("notes.png", b"Just some notes, renamed.\n", NOT_A_PICTURE, id="text-as-png"),
    pytest.param(
        "huge.png",
        png_header(8000, 8000),
        TOO_MANY_PIXELS,
        id="64-megapixels",  # Pillow only warns below twice its limit; the form refuses
        marks=pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
    ),
    pytest.param("bomb.png", png_header(30_000, 30_000), TOO_MANY_PIXELS, id="pixel-bomb"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED)
def test_an_upload_that_is_not_an_accepted_picture_is_refused_and_leaves_no_file(
    story, staff, settings, other_decoders_spy, name, content, message
):
    article = story(status=Status.DRAFT, published_at=None)
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = post_form(
        login(staff("Editor")), change_url(article), hero_image=upload, hero_alt="A picture"
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    article.refresh_from_db()
    assert not article.hero_image
    assert stored_files(settings) == []
    assert other_decoders_spy == []  # no EPS reader (and so no Ghostscript), no PDF reader...


def test_a_reporter_uploading_postscript_to_their_draft_gets_the_message(story, staff, settings):
    reporter = staff("Reporter")
    article = story(status=Status.DRAFT, published_at=None, created_by=reporter)
    upload = SimpleUploadedFile("photo.jpg", EPS, content_type="image/jpeg")
    response = post_form(login(reporter), change_url(article), hero_image=upload)
    assert NOT_A_PICTURE in response.content.decode()
    assert stored_files(settings) == []


def test_an_author_photo_is_held_to_the_same_rule(author, staff, settings):
    url = reverse("admin:articles_author_change", args=[author.pk])
    upload = SimpleUploadedFile("me.eps", EPS, content_type="application/postscript")
    response = post_form(login(staff("Editor")), url, form_id="author_form", photo=upload)
    assert NOT_A_PICTURE in response.content.decode()
    assert stored_files(settings) == []


def test_the_pixel_limit_is_a_setting(story, staff, settings):
    settings.IMAGE_MAX_PIXELS = 2_000_000
    article = story(status=Status.DRAFT, published_at=None)
    upload = SimpleUploadedFile("wide.jpg", picture("JPEG", (2000, 1001)))
    response = post_form(login(staff("Editor")), change_url(article), hero_image=upload)
    assert "This picture has more than 2 million pixels" in response.content.decode()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("format", "extension"), [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("GIF", ".gif")]
)
def test_a_picture_saves_at_once_and_its_sizes_are_made_after_the_commit(
    story, staff, settings, django_capture_on_commit_callbacks, format, extension
):
    article = story(status=Status.DRAFT, published_at=None)
    # Over twice the smallest rendition's width: that one is box-reduced first (a GIF cannot be).
    upload = SimpleUploadedFile(f"photo{extension}", picture(format, (2000, 1400)))
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_form(
            login(staff("Editor")), change_url(article), hero_image=upload, hero_alt="A picture"
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.hero_image.name.endswith(extension)
    assert renditions(settings) == []  # nothing made in the request or its transaction
    assert not article.hero_image.renditions_ready
    run_background_step(callbacks)
    made = renditions(settings)
    assert len(made) == 3 and all(path.suffix == ".webp" for path in made)
    assert sorted(Image.open(path).width for path in made) == [480, 960, 1600]
    assert article.hero_image.renditions_ready


def test_the_stored_extension_is_the_one_the_decoder_found(story, staff):
    article = story(status=Status.DRAFT, published_at=None)
    upload = SimpleUploadedFile("photo.png", picture("JPEG"), content_type="image/png")
    post_form(login(staff("Editor")), change_url(article), hero_image=upload, hero_alt="A photo")
    article.refresh_from_db()
    assert article.hero_image.name.endswith(".jpg")


def test_a_large_jpeg_is_decoded_at_reduced_scale(
    make_article, settings, monkeypatch, django_capture_on_commit_callbacks
):
    decoded = []
    resize = ResizeToFit.process

    def resize_and_record(self, img):
        decoded.append(img.size)
        return resize(self, img)

    monkeypatch.setattr(ResizeToFit, "process", resize_and_record)
    story = make_article()
    with django_capture_on_commit_callbacks() as callbacks:
        story.hero_image.save("big.jpg", ContentFile(picture("JPEG", (4000, 3000))))
    run_background_step(callbacks)
    # 1/8, 1/4 and 1/2 scale: each the smallest decode still wider than its rendition.
    assert sorted(decoded) == [(500, 375), (1000, 750), (2000, 1500)]


def test_the_reader_page_shows_the_original_until_the_sizes_are_ready(
    client, make_article, settings, django_capture_on_commit_callbacks
):
    story = make_article(hero_alt="Police headquarters")
    with django_capture_on_commit_callbacks() as callbacks:
        story.hero_image.save("hq.jpg", ContentFile(picture("JPEG", (1800, 1000))))
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    img = re.search(r'<figure class="hero">\s*<img ([^>]+)>', response.content.decode()).group(1)
    assert f'src="{story.hero_image.url}"' in img
    assert f'srcset="{story.hero_image.url} 1800w"' in img
    assert renditions(settings) == []  # the reader's request made none
    run_background_step(callbacks)
    page = client.get(story.get_absolute_url()).content.decode()
    assert re.search(r'srcset="\S+\.webp 480w, \S+\.webp 960w, \S+\.webp 1600w"', page)


def test_a_story_whose_picture_cannot_be_read_still_answers(
    client, make_article, settings, django_capture_on_commit_callbacks, other_decoders_spy
):
    story = make_article()
    with django_capture_on_commit_callbacks() as callbacks:
        story.hero_image.save("sneaky.jpg", ContentFile(EPS))  # written by code, not the form
    run_background_step(callbacks)  # the job fails, logs, and reads it with the four only
    assert renditions(settings) == []
    assert other_decoders_spy == []
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert '<figure class="hero">' not in response.content.decode()


def test_the_desk_page_says_when_the_image_sizes_are_ready(
    story, staff, settings, django_capture_on_commit_callbacks
):
    article = story(status=Status.DRAFT, published_at=None)
    client = login(staff("Editor"))
    upload = SimpleUploadedFile("photo.jpg", picture("JPEG", (1800, 1200)))
    assert "sizes" not in client.get(change_url(article)).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        post_form(client, change_url(article), hero_image=upload, hero_alt="A photo")
    assert "Preparing image sizes…" in client.get(change_url(article)).content.decode()
    run_background_step(callbacks)
    assert "sizes for readers are ready" in client.get(change_url(article)).content.decode()


def test_the_desk_page_says_when_the_image_sizes_were_never_made(story, staff, settings):
    article = story(status=Status.DRAFT, published_at=None)
    article.hero_image.save("photo.jpg", ContentFile(picture("JPEG")))  # its job never runs
    an_hour_ago = time.time() - 3600
    os.utime(article.hero_image.path, (an_hour_ago, an_hour_ago))
    page = login(staff("Editor")).get(change_url(article)).content.decode()
    assert "sizes for readers were not made" in page


def test_an_author_thumbnail_is_made_after_the_commit(
    author, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        author.photo.save("me.png", ContentFile(picture("PNG", (600, 800))))
    assert renditions(settings) == []
    run_background_step(callbacks)
    author = Author.objects.get(pk=author.pk)
    assert author.photo.renditions_ready
    (thumbnail,) = renditions(settings)
    assert Image.open(thumbnail).size == (180, 240)


def test_generateimages_makes_the_sizes_a_lost_job_never_made(
    story, settings, django_capture_on_commit_callbacks
):
    article = story(status=Status.DRAFT, published_at=None)
    article.hero_image.save("photo.jpg", ContentFile(picture("JPEG")))  # its job never runs
    assert renditions(settings) == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generateimages", "articles", stdout=io.StringIO())
    assert images.wait_for_renditions()
    assert len(renditions(settings)) == 3


def test_imagekit_watches_the_pictures_of_stories_and_authors_and_no_other_model(story, author):
    """It notes each story's and author's picture when the row is read, and tells its specs when
    one is saved; articles/apps.py ties the first to those models, so other rows skip it."""
    from django.db.models.signals import post_init
    from imagekit.signals import source_saved

    from articles.models import Article, Byline, Correction, Section, Tag

    assert post_init.has_listeners(Article) and post_init.has_listeners(Author)
    assert not any(post_init.has_listeners(model) for model in [Byline, Correction, Section, Tag])
    article = story()
    saved = []

    def note(sender, source, **kwargs):
        saved.append(source.name)

    source_saved.connect(note)
    try:
        read = Article.objects.get(pk=article.pk)
        assert "source_hashes" in read._ik  # noted as it was read
        read.hero_image.save("photo.png", ContentFile(picture("PNG")), save=True)
        assert len(saved) == 3 and saved[0].startswith("article/")  # one for each size
    finally:
        source_saved.disconnect(note)
