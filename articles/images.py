"""Pictures: which files count as one, and the sizes readers get, made away from the save.

A picture is a JPEG, PNG, WebP or GIF as Pillow's decoder for that format reads it, with at most
``settings.IMAGE_MAX_PIXELS`` pixels. No other decoder ever sees an upload or a stored file:
Pillow's EPS reader hands PostScript to Ghostscript, and its dozens of other readers are attack
surface a newsroom has no use for.

Renditions (the ``Rendition`` fields: a story's three hero widths, an author's thumbnail) are
made after the save's transaction commits, on one background thread of the process that saved,
never in the request and never in a reader's request. The choice, against the alternatives:

- Made in the save (as before: imagekit's Optimistic strategy with its synchronous backend):
  3 to 25 seconds and up to 1.5 GB inside the request and its transaction; two large pictures
  at once hit the worker timeout.
- Made on first view (imagekit's JustInTime): the same cost moves to a reader's request, with
  every worker racing to make the same files when a story goes live.
- A job table and a worker command: durable, but a second long-running process in every
  deploy and in ``make run``, and a migration, to hold a state the storage already holds
  (the rendition file is there, or it is not).
- After commit, on a thread (this module, as imagekit's async backend hook): nothing new to
  deploy or run. A rendition is queued only once the save has committed, so a rolled-back save
  makes nothing; the response does not wait for it; one thread per process makes one rendition
  at a time, so memory stays bounded however many pictures arrive; Pillow releases the GIL
  while it decodes and resizes, so the worker keeps serving; a worker that stops gracefully
  finishes its queue first. What it gives up is durability: a process killed between commit
  and rendition loses the job. That is visible and repairable: the story's desk page says the
  sizes were not made, and ``manage.py generateimages`` (imagekit's command, whose jobs come
  here too) makes whatever is missing. It looks at every picture, so it is a repair to run
  after a crash, not a step for every request.

Memory is bounded by decoding less, one rendition at a time: a JPEG is decoded at 1/2, 1/4 or
1/8 scale when the rendition is that much smaller (``draft``), so an 8000x6000 photo becomes
2000x1500 before it is resized (about 60 MB at the peak, against 250 MB decoded whole); other
formats are decoded whole, within IMAGE_MAX_PIXELS, then box-reduced (``reduce``) before the
fine resize; a PNG with transparency is worked on premultiplied, a second copy, so an
8000x6000 one peaks at about 420 MB.

Whether renditions are ready is read from the storage (through imagekit's state cache), so every
process agrees: the story page shows readers the original picture until they are ready
(``articles.views.hero_image``), the desk page says "Preparing image sizes…" until then, and
once a burst of renditions is made the page cache's generation moves, so cached pages pick
them up.
"""

import contextlib
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.backends import BaseAsync, CacheFileState
from imagekit.models import ImageSpecField
from imagekit.models.fields.utils import ImageSpecFileDescriptor
from imagekit.specs import ImageSpec
from imagekit.utils import process_image
from PIL import GifImagePlugin, Image, JpegImagePlugin, PngImagePlugin, WebPImagePlugin
from pilkit.processors import ResizeToFit

from newsroom.caching import CacheUnavailable, bump_generation

logger = logging.getLogger(__name__)

# The decoders a picture may go through, and the extension a stored picture of each gets.
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
# Their plugins, registered here so that naming a WebP rendition (pilkit's format_to_extension)
# finds ".webp" without Image.init(), which would load every one of Pillow's ~50 plugins
# (5 MiB in each worker) for a reader page that shows a picture.
_PLUGINS = (GifImagePlugin, JpegImagePlugin, PngImagePlugin, WebPImagePlugin)
# Renditions still missing this long after the picture was stored will not come by themselves.
RENDITIONS_EXPECTED_WITHIN = 300  # seconds


class NotAPicture(ValueError):
    """The file is not a JPEG, PNG, WebP or GIF that Pillow can read."""


class TooManyPixels(ValueError):
    """The picture has more pixels than settings.IMAGE_MAX_PIXELS allows."""


def open_picture(file):
    """Open a file (a path or a binary file object) with the four decoders only, and check its
    size. Only the header is read; the pixels are decoded when they are used."""
    try:
        image = Image.open(file, formats=list(FORMATS))
    except Image.DecompressionBombError as error:  # over twice Image.MAX_IMAGE_PIXELS
        raise TooManyPixels from error
    except Exception as error:  # Pillow raises many kinds for a file it cannot read
        raise NotAPicture from error
    if image.width * image.height > settings.IMAGE_MAX_PIXELS:
        image.close()
        raise TooManyPixels
    return image


def picture_width(fieldfile):
    """The width in pixels of a stored picture, read from its header."""
    with fieldfile.storage.open(fieldfile.name) as file, open_picture(file) as image:
        return image.width


class RenditionSpec(ImageSpec):
    """How imagekit makes one rendition: from a fresh read of the stored picture (never the
    request's upload, which is closed when the request ends), with the four decoders only,
    decoding a JPEG at reduced scale when the rendition is much smaller."""

    fits = (None, None)  # the box the rendition fits in: (width, height), either may be None

    def generate(self):
        if not self.source:
            raise self.MissingSource(f"The spec {self} has no source file.")
        with self.source.storage.open(self.source.name) as file:
            image = open_picture(file)
            width, height = self.fits
            # draft() picks the largest scale (1/8, 1/4, 1/2) that stays at least this size;
            # it does nothing for a format other than JPEG.
            image.draft(None, (width or 1, height or 1))
            # Then a cheap box reduction to no less than twice the size, as Image.thumbnail
            # does, so the fine resize works on a small image.
            factor = min(
                image.width // (2 * width) if width else image.width,
                image.height // (2 * height) if height else image.height,
            )
            if factor >= 2:
                with contextlib.suppress(ValueError):  # not for palette or 1-bit pictures
                    image = image.reduce(factor)
            return process_image(
                image,
                processors=self.processors,
                format=self.format,
                autoconvert=self.autoconvert,
                options=self.options,
            )


class Rendition(ImageSpecField):
    """A WebP of the source picture fitted in width x height, made in the background after the
    picture's save commits (see the module docstring)."""

    def __init__(self, source, width, height=None, quality=78):
        # processors, format and options are what imagekit hashes into the file's name: keep
        # them as they are, or every stored rendition is made again under a new name.
        spec = type(
            "Rendition",
            (RenditionSpec,),
            {
                "processors": [ResizeToFit(width, height)],
                "format": "WEBP",
                "options": {"quality": quality},
                "fits": (width, height),
            },
        )
        super().__init__(source=source, spec=spec)


def renditions_of(fieldfile):
    """The renditions made from this picture (a model's Rendition fields on its field)."""
    instance, source = fieldfile.instance, fieldfile.field.name
    names = {
        name
        for model in type(instance).__mro__
        for name, attribute in vars(model).items()
        if isinstance(attribute, ImageSpecFileDescriptor) and attribute.source_field_name == source
    }
    return [getattr(instance, name) for name in sorted(names)]


def renditions_ready(fieldfile):
    """Are all of this picture's renditions stored? Reads imagekit's state cache, else the
    storage; makes nothing."""
    return all(file.cachefile_backend.exists(file) for file in renditions_of(fieldfile))


def rendition_state(fieldfile):
    """Where this picture's renditions are: "ready", "preparing", or "missing" (still not made
    long after the picture was stored: the job was lost or failed); None without a picture."""
    if not fieldfile:
        return None
    if renditions_ready(fieldfile):
        return "ready"
    try:
        stored_at = fieldfile.storage.get_modified_time(fieldfile.name)
    except OSError:  # the picture itself is gone
        return "missing"
    age = (timezone.now() - stored_at).total_seconds()
    return "preparing" if age < RENDITIONS_EXPECTED_WITHIN else "missing"


class AfterCommit(BaseAsync):
    """imagekit's cache-file backend (IMAGEKIT_DEFAULT_CACHEFILE_BACKEND): a rendition is queued
    when the transaction that saved its picture commits, and made on this process's background
    thread."""

    def schedule_generation(self, file, force=False):
        source = file.generator.source
        # The job holds names, not the model instance or the request's open upload.
        job = (self, type(file.generator), source.field, source.name, force)
        # robust: the save has committed by then, and must not fail for want of a rendition.
        transaction.on_commit(lambda: _Background.submit(job), robust=True)

    def generate_now(self, file, force=False):
        try:
            super().generate_now(file, force=force)
        except Exception:
            self.set_state(file, CacheFileState.DOES_NOT_EXIST)  # not "generating" forever
            raise


class _Background:
    """This process's one rendition thread, started on first use (so after any fork)."""

    queue = threading.Condition()
    pool = None
    queued = 0

    @classmethod
    def submit(cls, job):
        with cls.queue:
            if cls.pool is None:
                cls.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="renditions")
            cls.pool.submit(cls.run, job)  # run() counts down only once this lock is free
            cls.queued += 1

    @classmethod
    def run(cls, job):
        try:
            _make(*job)
            with cls.queue:
                burst_over = cls.queued == 1
            if burst_over:
                # Cached reader pages made while the renditions were missing show the original.
                with contextlib.suppress(CacheUnavailable):
                    bump_generation()
        finally:
            with cls.queue:
                cls.queued -= 1
                cls.queue.notify_all()

    @classmethod
    def forget(cls):
        """In a forked child: the parent's thread does not exist here."""
        cls.queue = threading.Condition()
        cls.pool = None
        cls.queued = 0


os.register_at_fork(after_in_child=_Background.forget)


def _make(backend, spec_class, field, name, force):
    source = field.attr_class(None, field, name)
    file = ImageCacheFile(spec_class(source=source))
    try:
        backend.generate_now(file, force=force)
    except Exception:
        logger.exception("Could not make rendition %s of %s", file.name, name)


def wait_for_renditions(timeout=120):
    """Block until every rendition this process has queued is made (for tests and scripts;
    a process that exits waits for them anyway)."""
    with _Background.queue:
        return _Background.queue.wait_for(lambda: _Background.queued == 0, timeout)
