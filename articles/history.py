"""A story's history: its stored versions as an editor reads them, what changed between two,
and what a version holds for a restore. Everything that reads django-reversion's data is here.
"""

import re
from difflib import SequenceMatcher
from html.parser import HTMLParser

from django.apps import apps
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from reversion.models import Version

from .models import Article, Author, Byline, BylineRole, Section, Status, Tag

# What the history compares, in the order the change form shows it.
STORY_FIELDS = {
    "headline": "Headline",
    "slug": "Web address (slug)",
    "standfirst": "Standfirst",
    "body": "Body",
    "section_id": "Section",
    "bylines": "Byline",
    "tags": "Tags",
    "reports": "Inspection reports",
    "is_lead": "Lead story",
    "hero_image": "Hero image",
    "hero_alt": "Alt text",
    "hero_is_decorative": "Decorative image",
    "hero_caption": "Caption",
    "hero_credit": "Credit",
    "seo_title": "SEO title",
    "seo_description": "SEO description",
    "status": "Status",
    "published_at": "Publish time",
}


def changes_since(article, version_number):
    """The stored version with that version number, and the labels of fields changed since."""
    for version in Version.objects.get_for_object(article)[:200]:
        if version.field_dict.get("version") == version_number:
            before, now = version_snapshot(version), live_snapshot(article)
            return version, [label for label, text in now.items() if before.get(label) != text]
    return None, []


def version_snapshot(version):
    """A stored version of a story as an editor reads it: field label -> text."""
    data = version.field_dict
    bylines = [
        byline.field_dict
        for byline in version.revision.version_set.get_for_model(Byline)
        if byline.field_dict["article_id"] == data["id"]
    ]
    return _describe(data, bylines)


def live_snapshot(article):
    """The story as it stands in the database, in the shape of version_snapshot()."""
    article = Article.objects.get(pk=article.pk)
    data = {field.attname: getattr(article, field.attname) for field in Article._meta.fields}
    data["tags"] = list(article.tags.values_list("pk", flat=True))
    data["reports"] = list(article.reports.values_list("pk", flat=True))
    bylines = list(article.bylines.values("author_id", "role", "position"))
    return _describe(data, bylines)


def _describe(data, bylines):
    report_model = apps.get_model("inspections", "InspectionReport")
    authors = Author.objects.in_bulk([b["author_id"] for b in bylines])
    roles = dict(BylineRole.choices)
    section = Section.objects.filter(pk=data.get("section_id")).first()
    values = {
        **data,
        "section_id": str(section or ""),
        "bylines": ", ".join(
            f"{authors.get(b['author_id'], '(deleted author)')} ({roles.get(b['role'], b['role'])})"
            for b in sorted(bylines, key=lambda b: b["position"])
        ),
        "tags": ", ".join(str(t) for t in Tag.objects.filter(pk__in=data.get("tags", []))),
        "reports": "; ".join(
            str(r) for r in report_model.objects.filter(pk__in=data.get("reports", []))
        ),
        "body": body_as_text(data.get("body", "")),
        "status": Status(data["status"]).label if data.get("status") in Status.values else "",
        "published_at": (
            f"{timezone.localtime(data['published_at']):%d %B %Y, %H:%M}"
            if data.get("published_at")
            else ""
        ),
        "hero_is_decorative": "Yes" if data.get("hero_is_decorative") else "No",
    }
    image = values.get("hero_image")
    values["hero_image"] = image.name if isinstance(image, FieldFile) else (image or "")
    return {label: str(values.get(name) or "") for name, label in STORY_FIELDS.items()}


class _Blocks(HTMLParser):
    """Story HTML as one line of text per block, with the marks an editor recognises:
    "## " for a subheading (H2), "### " for H3, "• " or "1. " for list items, "> " for a
    quotation. Text is unescaped ("Fire & Rescue", never "Fire &amp; Rescue")."""

    BLOCKS = {"p", "h2", "h3", "li", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.text, self.prefix = [], [], ""
        self.lists, self.quoted = [], 0  # open lists: [tag, next number]

    def handle_starttag(self, tag, attrs):
        if tag in {"ul", "ol"}:
            self.lists.append([tag, 1])
        elif tag == "blockquote":
            self.quoted += 1
        elif tag == "br":
            self.text.append(" ")
        if tag in self.BLOCKS:
            self.flush()
            self.prefix = {"h2": "## ", "h3": "### "}.get(tag, "")
            if tag == "li" and self.lists:
                kind = self.lists[-1]
                self.prefix = f"{kind[1]}. " if kind[0] == "ol" else "• "
                kind[1] += 1

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.flush()
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quoted = max(0, self.quoted - 1)

    def handle_data(self, data):
        self.text.append(data)

    def flush(self):
        text = " ".join("".join(self.text).split())
        if text:
            self.lines.append("> " * self.quoted + self.prefix + text)
        self.text, self.prefix = [], ""


def body_as_text(html):
    """Story HTML as plain text, one block per line, for a readable diff (see _Blocks)."""
    parser = _Blocks()
    parser.feed(html or "")
    parser.close()
    parser.flush()
    return "\n".join(parser.lines)


def body_diff(old, new):
    """Safe HTML comparing two bodies block by block: changed blocks word by word, a run of
    unchanged paragraphs folded into one line that opens to show them."""
    before, after = old.splitlines(), new.splitlines()
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            same = before[i1:i2]
            lines = format_html_join("", '<p class="desk-diff-block">{}</p>', ((t,) for t in same))
            summary = f"{len(same)} unchanged paragraph{'s' if len(same) != 1 else ''}"
            parts.append(
                format_html(
                    '<details class="desk-diff-fold"><summary>{}</summary>{}</details>',
                    summary,
                    lines,
                )
            )
            continue
        old_lines, new_lines = before[i1:i2], after[j1:j2]
        for index in range(max(len(old_lines), len(new_lines))):
            was = old_lines[index] if index < len(old_lines) else ""
            now = new_lines[index] if index < len(new_lines) else ""
            parts.append(format_html('<p class="desk-diff-block">{}</p>', word_diff(was, now)))
    return mark_safe("".join(parts))  # noqa: S308 (every part is built with format_html)


def word_diff(old, new):
    """Safe HTML marking words removed (<del>) and added (<ins>)."""
    before, after = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op in {"delete", "replace"}:
            parts.append(("del", "".join(before[i1:i2])))
        if op in {"insert", "replace"}:
            parts.append(("ins", "".join(after[j1:j2])))
        if op == "equal":
            parts.append(("span", "".join(before[i1:i2])))
    return format_html_join("", "<{0}>{1}</{0}>", parts)


def versions_of(article):
    """The story's stored versions, newest first, with who saved each."""
    return Version.objects.get_for_object(article).select_related("revision__user")


def latest_revision(article):
    version = versions_of(article).first()
    return version.revision if version else None


def compare(story, a_key, b_key):
    """Two versions of a story side by side: ``a_key`` and ``b_key`` are version ids, or
    "live" for the story as it stands. The default compares the newest two saves."""
    versions = list(versions_of(story))
    by_id = {str(version.pk): version for version in versions}
    default_a = versions[1] if len(versions) > 1 else (versions[0] if versions else None)
    version_a = by_id.get(a_key, default_a)
    version_b = by_id.get(b_key or "live")
    before = version_snapshot(version_a) if version_a else {}
    after = version_snapshot(version_b) if version_b else live_snapshot(story)
    rows = [
        {
            "label": label,
            "before": before.get(label, ""),
            "after": text,
            "changed": before.get(label, "") != text,
            "diff": (body_diff if label == STORY_FIELDS["body"] else word_diff)(
                before.get(label, ""), text
            ),
        }
        for label, text in after.items()
    ]
    return {
        "versions": versions,
        "version_a": version_a,
        "version_b": version_b,
        "changed_rows": [row for row in rows if row["changed"]],
        "unchanged_rows": [row for row in rows if not row["changed"]],
    }


def version_content(version, article):
    """What a stored version holds for a restore: field values by attname (files as names),
    tag and report ids, and the bylines as dicts of author_id, role and position."""
    fields = {
        name: value.name if isinstance(value, FieldFile) else value
        for name, value in version.field_dict.items()
    }
    bylines = [
        {key: byline[key] for key in ("author_id", "role", "position")}
        for byline in (v.field_dict for v in version.revision.version_set.get_for_model(Byline))
        if byline["article_id"] == article.pk
    ]
    return fields, fields.pop("tags", []), fields.pop("reports", []), bylines
