"""Plain text as the newsroom keeps it: no control characters, no bidi overrides.

Here rather than in either app because both store names and prose, and inspections never
imports articles.
"""

import re

from django.db import models

# C0 control characters other than tab, newline and carriage return, and DEL. XML 1.0 allows
# none but DEL, so one in a headline made the feeds fail and the news sitemap stop being XML;
# Word's soft line break (\x0b) is the usual stowaway.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What plain text loses: those, plus the bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069), which reorder what follows them so that a name reads other
# than it is stored (https://trojansource.codes/), plus U+FFFE and U+FFFF, which are not
# characters and which XML also forbids. The marks U+200E and U+200F stay: they cannot reverse
# a run of text, only place brackets and numbers beside right-to-left words, and a name in
# Arabic or Hebrew may need one to print as typed.
UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")

# A vertical tab or form feed pasted from Word or a spreadsheet is a line break between words:
# dropped outright it would glue them together ("Force toldto improve").
LINE_BREAKS = re.compile(r"[\x0b\x0c]")


def clean_text(value):
    """Plain text without the characters in UNWANTED; anything not a string is returned as is."""
    if not isinstance(value, str):
        return value
    return UNWANTED.sub("", LINE_BREAKS.sub(" ", value))


class CleanTextMixin:
    """Cleans text on every way into the database. to_python() is the hook they all pass:
    model validation calls it, so a form checks (for uniqueness, say) the text that will be
    stored, and CharField and TextField call it on every value saved, created, updated or
    looked up. pre_save() also leaves the saved instance holding what was stored. Raw SQL gets
    past both, so readers of the database that need clean text (feeds, sitemaps) clean again."""

    def to_python(self, value):
        return clean_text(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = clean_text(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self):
        # The column is the plain field's and the cleaning happens in Python, so migrations
        # record the plain field (as django-prose-editor does for the story body). Recording
        # this class would alter every text column, and on SQLite remake each table, dropping
        # the triggers that guard corrections and grades.
        name, _path, args, kwargs = super().deconstruct()
        return name, f"django.db.models.{self.plain_field.__name__}", args, kwargs


class CleanCharField(CleanTextMixin, models.CharField):
    """A line of plain text (a name, a headline), cleaned of UNWANTED characters on write."""

    plain_field = models.CharField


class CleanTextField(CleanTextMixin, models.TextField):
    """Plain prose (a correction, a finding), cleaned of UNWANTED characters on write."""

    plain_field = models.TextField
