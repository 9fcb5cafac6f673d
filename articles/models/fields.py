"""Fields and checks that stories and people share: sanitised rich text, uploaded images."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from newsroom.text import CONTROL_CHARACTERS, UNWANTED  # noqa: F401 (articles.models exports it)


def image_upload_to(instance, filename):
    """Uploads get a server-generated name; only the (validated) extension is kept."""
    suffix = Path(filename).suffix.lower()[:5]
    folder = type(instance).__name__.lower()
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def validate_image_size(image):
    limit = settings.IMAGE_UPLOAD_MAX_BYTES
    if image and image.size > limit:
        raise ValidationError(
            f"This image is {image.size / 1_048_576:.1f} MB; "
            f"the limit is {limit / 1_048_576:.0f} MB."
        )


def sanitise_body(html):
    """Strip everything from story HTML but what the editor allows (settings.PROSE_EXTENSIONS),
    and the characters plain text loses too (newsroom.text.UNWANTED): bidi overrides reorder
    a story's words as they do a name's."""
    # Control characters written as entities (java&#1;script:) survive the allow-list as a
    # "relative" link that becomes javascript: once a lax client drops them; so they go, and the
    # result is checked again.
    sanitise = ProseBodyField.sanitizer()
    clean = sanitise(UNWANTED.sub("", html or ""))
    while UNWANTED.search(clean):
        clean = sanitise(UNWANTED.sub("", clean))
    return clean


class ProseBodyField(ProseEditorField):
    """Rich text sanitised with an allow-list on every save, whatever wrote it."""

    _sanitizer = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", settings.PROSE_EXTENSIONS)
        kwargs.setdefault("sanitize", True)
        super().__init__(*args, **kwargs)

    @classmethod
    def sanitizer(cls):
        from django_prose_editor.fields import create_sanitizer

        if cls._sanitizer is None:
            cls._sanitizer = create_sanitizer(settings.PROSE_EXTENSIONS)
        return cls._sanitizer

    def pre_save(self, model_instance, add):
        clean = sanitise_body(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, clean)
        return clean
