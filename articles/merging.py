"""Two people's changes to one story, merged from the version both started from.

A save made from a form loaded at an older version is a three-way merge (base: the version the
form was loaded with; mine: what the person saving posted; theirs: the story as it stands): a
field only one side changed takes that side's value, a field both changed the same way is
simply that value, and a field both changed differently is a conflict the person saving
chooses (nothing either wrote is dropped without that choice). The body merges by top-level
block (paragraph, heading, list, quote), so two people editing different paragraphs both keep
their words; only blocks both changed are a conflict.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

import lxml.html

MINE, THEIRS = "mine", "theirs"


# Scalar fields


def three_way(base, mine, theirs):
    """Who wins one field: MINE, THEIRS (also when neither changed it), or None for a conflict."""
    if mine in (theirs, base):
        return THEIRS
    if theirs == base:
        return MINE
    return None


# The body, by top-level block


def split_blocks(html):
    """Story HTML as its top-level blocks, each serialised on its own (text between blocks,
    which the editor never writes, becomes a paragraph of its own)."""
    if not (html or "").strip():
        return []
    container = lxml.html.fragment_fromstring(html, create_parent="div")
    blocks = []
    if container.text and container.text.strip():
        blocks.append(f"<p>{lxml.html.escape(container.text.strip())}</p>")
    for element in container:
        tail, element.tail = element.tail, None
        blocks.append(lxml.html.tostring(element, encoding=str, method="html"))
        if tail and tail.strip():
            blocks.append(f"<p>{lxml.html.escape(tail.strip())}</p>")
    return blocks


@dataclass
class Hunk:
    """One side's change to base[start:end] (an insertion when start == end)."""

    start: int
    end: int
    blocks: list
    side: str

    def touches(self, other):
        if self.start == self.end and other.start == other.end:
            return self.start == other.start  # two insertions at one place
        if self.start == self.end:
            return other.start < self.start < other.end
        if other.start == other.end:
            return self.start < other.start < self.end
        return self.start < other.end and other.start < self.end


def _hunks(base, changed, side):
    matcher = SequenceMatcher(None, base, changed, autojunk=False)
    hunks = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            # Block for block: each is its own change, so an edit of the next paragraph by the
            # other side is no conflict.
            hunks += [Hunk(i1 + k, i1 + k + 1, [changed[j1 + k]], side) for k in range(i2 - i1)]
        elif op != "equal":
            hunks.append(Hunk(i1, i2, changed[j1:j2], side))
    return hunks


@dataclass
class BodyMerge:
    """The merged body: ``chunks`` are lists of blocks, or (mine, theirs) pairs for conflicts."""

    chunks: list = field(default_factory=list)

    @property
    def conflicts(self):
        return [chunk for chunk in self.chunks if isinstance(chunk, tuple)]

    def html(self, prefer=MINE):
        """The merged HTML, conflicts resolved to one side."""
        parts = []
        for chunk in self.chunks:
            if isinstance(chunk, tuple):
                chunk = chunk[0] if prefer == MINE else chunk[1]
            parts.extend(chunk)
        return "".join(parts)


def merge_blocks(base, mine, theirs):
    """Merge two edited copies of a list of blocks (see BodyMerge)."""
    hunks = _hunks(base, mine, MINE) + _hunks(base, theirs, THEIRS)
    hunks.sort(key=lambda hunk: (hunk.start, hunk.end != hunk.start, hunk.side))
    # Group hunks that touch the same blocks; a group with both sides in it is a conflict
    # (unless both made the very same change).
    groups = []
    for hunk in hunks:
        if groups and any(hunk.touches(other) for other in groups[-1]):
            groups[-1].append(hunk)
        else:
            groups.append([hunk])
    merge, position = BodyMerge(), 0
    for group in groups:
        start = min(hunk.start for hunk in group)
        end = max(hunk.end for hunk in group)
        if start > position:
            merge.chunks.append(base[position:start])
        sides = {hunk.side for hunk in group}
        if len(sides) == 1:
            merge.chunks.append(_apply(base, start, end, group))
        else:
            mine_blocks = _apply(base, start, end, [h for h in group if h.side == MINE])
            theirs_blocks = _apply(base, start, end, [h for h in group if h.side == THEIRS])
            if mine_blocks == theirs_blocks:
                merge.chunks.append(mine_blocks)
            else:
                merge.chunks.append((mine_blocks, theirs_blocks))
        position = max(position, end)
    if position < len(base):
        merge.chunks.append(base[position:])
    return merge


def _apply(base, start, end, hunks):
    """base[start:end] with one side's hunks (all within it) applied."""
    result, position = [], start
    for hunk in sorted(hunks, key=lambda h: (h.start, h.end != h.start)):
        result.extend(base[position : hunk.start])
        result.extend(hunk.blocks)
        position = max(position, hunk.end)
    result.extend(base[position:end])
    return result


def merge_body(base_html, mine_html, theirs_html):
    return merge_blocks(split_blocks(base_html), split_blocks(mine_html), split_blocks(theirs_html))


# The story form (articles.forms.ArticleAdminForm)

# The form's fields a merge compares, by the name of the model field in a stored version.
MERGED_FIELDS = {
    "headline": "headline",
    "slug": "slug",
    "standfirst": "standfirst",
    "body": "body",
    "section": "section_id",
    "tags": "tags",
    "reports": "reports",
    "is_lead": "is_lead",
    "hero_alt": "hero_alt",
    "hero_is_decorative": "hero_is_decorative",
    "hero_caption": "hero_caption",
    "hero_credit": "hero_credit",
    "seo_title": "seo_title",
    "seo_description": "seo_description",
    "status": "status",
    "published_at": "published_at",
}
INLINES = {"bylines": "bylines", "sources": "sources"}


@dataclass
class Conflict:
    """A field both people changed: what each wrote, as the person saving reads it."""

    name: str
    label: str
    mine: str
    theirs: str
    is_html: bool = False


def normalise(name, value):
    """A field's value in one shape whichever side it came from (form, version, database)."""
    from .models import sanitise_body

    if name == "body":
        return sanitise_body(value or "")
    if name in ("tags", "reports"):
        return tuple(sorted(getattr(item, "pk", item) for item in value or []))
    if name == "section":
        return getattr(value, "pk", value)
    if name == "published_at":
        return value.replace(microsecond=0) if value else None
    if isinstance(value, bool):
        return value
    return (value or "").strip() if isinstance(value, str) or value is None else value


def version_values(version):
    data = version.field_dict
    return {name: normalise(name, data.get(key)) for name, key in MERGED_FIELDS.items()}


def live_values(story):
    values = {name: getattr(story, key) for name, key in MERGED_FIELDS.items()}
    values["tags"] = list(story.tags.values_list("pk", flat=True))
    values["reports"] = list(story.reports.values_list("pk", flat=True))
    return {name: normalise(name, value) for name, value in values.items()}


def _mergeable(form):
    return [
        name
        for name in MERGED_FIELDS
        if name in form.fields and not form.fields[name].disabled and name in form.cleaned_data
    ]


def merge_into_form(form, base_version):
    """Merge the story as it stands into a refused stale form's data, so that the form shown
    again holds both people's changes; returns (labels taken from theirs, conflicts)."""
    story = form.story
    theirs = live_values(story)
    base = version_values(base_version) if base_version is not None else None
    data = form.data.copy()
    taken, conflicts = [], []
    for name in _mergeable(form):
        mine = normalise(name, form.cleaned_data[name])
        label = form.fields[name].label
        if name == "body":
            body = merge_body(base["body"] if base else mine, mine, theirs["body"])
            if base is None and mine != theirs["body"]:
                body = BodyMerge([(split_blocks(mine), split_blocks(theirs["body"]))])
            merged = body.html(MINE)
            if merged != mine:
                _write(form, data, name, merged)
                taken.append(label)
            if body.conflicts:
                conflicts.append(_body_conflict(label, body))
            continue
        winner = three_way(base[name], mine, theirs[name]) if base else None
        if base is None and mine == theirs[name]:
            winner = THEIRS
        if winner == THEIRS and mine != theirs[name]:
            _write(form, data, name, _python_value(story, name))
            taken.append(label)
        elif winner is None:
            conflicts.append(
                Conflict(
                    name, label, _display(form, name, mine), _display(form, name, theirs[name])
                )
            )
    if _hero_image_conflict(form, base_version):
        conflicts.append(
            Conflict(
                "hero_image",
                form.fields["hero_image"].label,
                f"Your new picture: {form.cleaned_data['hero_image'].name}"
                if form.cleaned_data.get("hero_image")
                else "No picture (you removed it)",
                story.hero_image.name.rsplit("/", 1)[-1] if story.hero_image else "No picture",
            )
        )
    data["merge_base"] = str(base_version.field_dict.get("version", "")) if base_version else ""
    form.data = data
    return taken, conflicts


def apply_choices(form):
    """On a save made after a merge (the version matches again): each conflicting field takes
    the side the person chose; a field left without a choice is an error, and is shown again."""
    names = [
        name
        for name in form.data.get("merge_fields", "").split(",")
        if name in form.fields and name in form.cleaned_data
    ]
    story, conflicts = form.story, []
    if story is None or not names:
        return conflicts
    base_body = None
    for name in names:
        choice = form.data.get(f"merge_choice-{name}")
        label = form.fields[name].label
        if name == "body":
            if base_body is None:
                base_body = _body_at(story, form.data.get("merge_base"))
            body = merge_body(base_body, normalise("body", form.cleaned_data["body"]), story.body)
            if choice == THEIRS:
                form.cleaned_data["body"] = body.html(THEIRS)
            elif choice != MINE and body.conflicts:
                conflicts.append(_body_conflict(label, body))
            continue
        if choice == THEIRS:
            form.cleaned_data[name] = _python_value(story, name)
        elif choice != MINE:
            mine = normalise(name, form.cleaned_data[name]) if name != "hero_image" else None
            theirs = normalise(name, _python_value(story, name)) if name != "hero_image" else None
            conflicts.append(
                Conflict(name, label, _display(form, name, mine), _display(form, name, theirs))
            )
    for conflict in conflicts:
        form.add_error(
            conflict.name,
            f"Choose whose {conflict.label.lower()} to keep: yours or theirs (both are shown "
            "at the top of the form).",
        )
    return conflicts


def _body_at(story, version_number):
    from . import history

    try:
        number = int(version_number)
    except (TypeError, ValueError):
        return story.body
    version, _ = history.changes_since(story, number)
    return version.field_dict.get("body", "") if version else story.body


def _hero_image_conflict(form, base_version):
    if "hero_image" not in form.changed_data or "hero_image" not in form.fields:
        return False
    stored = form.story.hero_image.name or ""
    if base_version is None:
        return bool(stored)
    base = base_version.field_dict.get("hero_image")
    return (getattr(base, "name", base) or "") != stored


def _body_conflict(label, body):
    mine = "".join("".join(pair[0]) for pair in body.conflicts)
    theirs = "".join("".join(pair[1]) for pair in body.conflicts)
    return Conflict("body", label, mine, theirs, is_html=True)


def _python_value(story, name):
    if name in ("tags", "reports"):
        return list(getattr(story, name).all())
    return getattr(story, name)


def _display(form, name, value):
    """A value as the person saving reads it."""
    if name in ("tags", "reports", "section"):
        field = form.fields[name]
        pks = value if isinstance(value, tuple) else ([value] if value else [])
        objects = field.queryset.in_bulk(list(pks)) if pks else {}
        return ", ".join(str(objects[pk]) for pk in pks if pk in objects) or "(none)"
    if name == "status":
        return dict(form.fields[name].choices).get(value, value)
    if name == "published_at":
        from django.utils import timezone

        return f"{timezone.localtime(value):%d %B %Y, %H:%M}" if value else "(not set)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value or "(empty)"


def _write(form, data, name, value):
    """Put a Python value into form data as the field's widget would post it."""
    from django import forms

    field = form.fields[name]
    widget = getattr(field.widget, "widget", field.widget)  # the admin's related-field wrapper
    key = form.add_prefix(name)
    if isinstance(widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif getattr(widget, "allow_multiple_selected", False):
        data.setlist(key, [str(getattr(item, "pk", item)) for item in value or []])
    elif isinstance(widget, forms.MultiWidget):
        parts = widget.decompress(field.prepare_value(value))
        for suffix, subwidget, part in zip(
            widget.widgets_names, widget.widgets, parts, strict=True
        ):
            data[key + suffix] = subwidget.format_value(part) or ""
    elif hasattr(value, "pk"):
        data[key] = str(value.pk)
    else:
        formatted = widget.format_value(field.prepare_value(value))
        data[key] = "" if formatted is None else str(formatted)


# Bylines and sources (inline formsets): merged whole, by who changed them since the form loaded


def inline_rows(inline_formset_class, rows):
    """Stored rows as the form posts them: sorted tuples of strings, id first."""
    fields = [name for name in inline_formset_class.form.base_fields if name != "DELETE"]
    found = []
    for row in rows:
        values = [str(row.pk)]
        for name in fields:
            field = inline_formset_class.form.base_fields[name]
            value = getattr(row, getattr(row._meta.get_field(name), "attname", name))
            if hasattr(field, "queryset"):
                values.append("" if value is None else str(value))
            else:
                formatted = field.widget.format_value(field.prepare_value(value))
                if isinstance(formatted, list):  # a select's
                    formatted = formatted[0] if formatted else None
                values.append("" if formatted is None else str(formatted))
        found.append(tuple(values))
    return fields, sorted(found)


def posted_rows(data, prefix, fields, required):
    """The rows a formset's data would leave, in the shape of inline_rows()."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
    except ValueError:
        return None
    rows = []
    for index in range(min(total, 1000)):
        key = f"{prefix}-{index}-"
        if data.get(key + "DELETE"):
            continue
        values = [(data.get(key + name) or "").strip() for name in fields]
        filled = {name for name, value in zip(fields, values, strict=True) if value}
        if index >= initial and not filled & required:
            continue  # an extra row left empty
        rows.append((data.get(key + "id") or "", *values))
    return sorted(rows)


def digest(rows):
    import hashlib
    import json

    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


def loaded_inline_digests(request):
    import json

    try:
        found = json.loads(request.POST.get("loaded_inlines") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def merge_inline(request, story, inline, prefix, kwargs):
    """The data an inline formset of a story is bound to on a save (ArticleAdmin's
    get_formset_kwargs): if the other side changed these rows since the form loaded and this
    person did not, their rows; if both did, this person's rows, and a conflict the form refuses
    until the person chooses (``merge_choice-<prefix>``)."""
    if prefix not in INLINES or story is None or story.pk is None:
        return kwargs
    formset_class = inline.get_formset(request, story)
    stored = list(kwargs["queryset"].filter(**{inline_fk(formset_class).name: story}))
    fields, live = inline_rows(formset_class, stored)
    digests = getattr(request, "desk_inline_digests", {})
    digests[prefix] = digest(live)
    request.desk_inline_digests = digests
    if request.method != "POST" or "data" not in kwargs:
        return kwargs
    loaded = loaded_inline_digests(request).get(prefix)
    if loaded is None or loaded == digest(live):
        return kwargs
    choice = request.POST.get(f"merge_choice-{prefix}")
    required = {
        name
        for name in fields
        if formset_class.form.base_fields[name].required and name != "position"
    }
    mine = posted_rows(kwargs["data"], prefix, fields, required)
    if choice == THEIRS or (choice != MINE and mine is not None and digest(mine) == loaded):
        kwargs["data"] = _rows_as_data(kwargs["data"], prefix, fields, live, story)
    elif choice != MINE:
        digests[prefix] = loaded  # still unresolved: the next save asks again
        request.desk_inline_conflicts = [
            *getattr(request, "desk_inline_conflicts", []),
            Conflict(prefix, INLINES[prefix], "", _describe_rows(stored)),
        ]
    return kwargs


def inline_fk(formset_class):
    return formset_class.fk


def _rows_as_data(data, prefix, fields, rows, story):
    data = data.copy()
    for key in [key for key in data if key.startswith(f"{prefix}-")]:
        if not key.endswith(("MIN_NUM_FORMS", "MAX_NUM_FORMS")):
            del data[key]
    data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
    for index, row in enumerate(rows):
        data[f"{prefix}-{index}-id"] = row[0]
        for name, value in zip(fields, row[1:], strict=True):
            data[f"{prefix}-{index}-{name}"] = value
    return data


def _describe_rows(rows):
    return "; ".join(str(row) for row in rows) or "(none)"


def refuse_unchosen_inlines(form, request):
    """The inline conflicts found while binding the formsets; on a save that is not stale
    itself, each is an error until chosen."""
    conflicts = list(getattr(request, "desk_inline_conflicts", []))
    if form.cleaned_data.get("loaded_version") == getattr(form.story, "version", None):
        for conflict in conflicts:
            form.add_error(
                None,
                f"Someone else also changed the {conflict.label} while you were editing. "
                f"Choose whose {conflict.label} to keep (at the top of the form): yours, as "
                "below, or theirs.",
            )
    return conflicts
