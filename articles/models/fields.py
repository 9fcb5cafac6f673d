"""Fields and checks that stories and people share: sanitised rich text, uploaded images."""

import uuid
from io import BytesIO
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from PIL import Image

from articles import images
from newsroom.text import CONTROL_CHARACTERS, UNWANTED  # noqa: F401 (articles.models exports it)

NOT_A_PICTURE = (
    "This file is not a JPEG, PNG, WebP or GIF image, or it is damaged. Save the picture in one "
    "of those formats (a photo as JPEG, a chart as PNG) and upload it again."
)


def too_many_pixels():
    limit = settings.IMAGE_MAX_PIXELS / 1_000_000
    return (
        f"This picture has more than {limit:.0f} million pixels, the limit. Save a smaller copy "
        "(6,000 pixels across is plenty for any page) and upload it again."
    )


def image_upload_to(instance, filename):
    """Uploads get a server-generated name; only the extension is kept, which PictureFormField
    has set from the format the decoder found."""
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


class PictureFormField(forms.ImageField):
    """An uploaded picture, accepted only if Pillow's JPEG, PNG, WebP or GIF decoder reads it
    and it is within settings.IMAGE_MAX_PIXELS: no other decoder (EPS hands PostScript to
    Ghostscript) ever sees the file. The file's extension becomes the one of its format."""

    default_error_messages = {"invalid_image": NOT_A_PICTURE}

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)  # Django's ImageField would open any format
        if upload is None:
            return None
        if hasattr(data, "temporary_file_path"):
            file = data.temporary_file_path()
        else:
            file = BytesIO(data.read() if hasattr(data, "read") else data["content"])
        try:
            with images.open_picture(file) as image:
                image.verify()  # checks what it can without decoding (a PNG's checksums)
        except images.TooManyPixels as error:
            raise ValidationError(too_many_pixels(), code="too_many_pixels") from error
        except Exception as error:
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from error
        upload.content_type = Image.MIME.get(image.format)
        upload.name = Path(upload.name).stem + images.FORMATS[image.format]
        if hasattr(upload, "seek") and callable(upload.seek):
            upload.seek(0)
        return upload

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "accept" in attrs:  # a file input: the browser offers only these formats
            attrs["accept"] = "image/jpeg,image/png,image/webp,image/gif"
        return attrs


class PictureFieldFile(ImageFieldFile):
    """A stored picture, and whether its renditions are made yet (articles.images)."""

    @property
    def renditions_ready(self):
        return images.renditions_ready(self)

    @property
    def rendition_state(self):
        return images.rendition_state(self)


class PictureField(models.ImageField):
    """An uploaded picture: JPEG, PNG, WebP or GIF only (PictureFormField), with renditions made
    in the background (articles.images)."""

    attr_class = PictureFieldFile

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        # Only forms and Python objects differ from ImageField; the column and the migrations'
        # historical models stay those of a plain ImageField.
        return name, "django.db.models.ImageField", args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**kwargs | {"form_class": PictureFormField})


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
