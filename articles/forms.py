"""The desk's forms: what each role may change in a story, and what an editor compares.

The rules live here, on the server: a field a role may not set is disabled, and a crafted POST
that changes it anyway is refused with a plain message, so nothing depends on hidden buttons.
"""

import copy
import re
from datetime import UTC, datetime

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from . import checks, desk_views, history, merging, publishing
from .models import Article, Byline, Status, sanitise_body

REPORTER_STATUSES = [Status.DRAFT, Status.IN_REVIEW]
SUBSTANTIVE_FIELDS = ["headline", "standfirst", "body"]
PAST_GRACE = publishing.PAST_GRACE


def can_publish(user):
    return user.has_perm("articles.publish_article")


def slug_from(text):
    """A web address from a headline: "PEEL 2021/22" reads peel-2021-22, not peel-202122
    (Django's slugify drops the slash and joins the numbers). The admin's prepopulating
    script does the same in static/admin/newsroom/desk-polish.js."""
    return slugify(re.sub(r"[/\\.,:;&+_\u2013\u2014]+", " ", text or ""))[:200].strip("-")


# How long a field may be before search results and shared cards cut it. The form says so in
# words (the help text); desk-polish.js counts as the editor types.
SEARCH_LIMITS = {"headline": 70, "standfirst": 160, "seo_title": 70, "seo_description": 160}


class UKDateTimeWidget(forms.MultiWidget):
    """Date, time and the UK clock (BST or GMT) in one row, each with its own label."""

    template_name = "articles/widgets/uk_datetime.html"  # the form renderer looks in app dirs

    def __init__(self, attrs=None):
        zones = [("", "Work it out"), ("BST", "BST (summer time)"), ("GMT", "GMT")]
        super().__init__(
            [
                AdminDateWidget(attrs={"placeholder": "DD/MM/YYYY"}),
                AdminTimeWidget(attrs={"placeholder": "HH:MM"}, format="%H:%M"),
                forms.Select(choices=zones),
            ],
            attrs,
        )

    def id_for_label(self, id_):
        # The field's label, help text and error-summary link go to the date, its first part.
        return f"{id_}_0" if id_ else id_

    def decompress(self, value):
        if not value:
            return [None, None, ""]
        local = timezone.localtime(value)
        return [local.date(), local.time().replace(second=0, microsecond=0), local.tzname()]


class UKDateTimeField(forms.MultiValueField):
    """A date and time on the UK clock. An hour that happens twice (the clocks go back) needs
    the editor's choice of BST or GMT; a time that never happens (the clocks go forward) is
    refused with the reason. Django's own field refuses both with one puzzling message."""

    widget = UKDateTimeWidget

    def __init__(self, **kwargs):
        fields = [
            forms.DateField(required=False),
            forms.TimeField(required=False),
            forms.ChoiceField(required=False, choices=[("", ""), ("BST", "BST"), ("GMT", "GMT")]),
        ]
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        day, time, zone = (list(data_list) + [None, None, ""])[:3]
        if day is None and time is None:
            return None
        if day is None or time is None:
            raise ValidationError("Enter both a date and a time.", code="incomplete")
        naive = datetime.combine(day, time)
        tz = timezone.get_current_timezone()
        first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
        if first.utcoffset() == second.utcoffset():
            return first
        when = f"{naive:%H:%M} on {naive.day} {naive:%B %Y}"
        if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
            raise ValidationError(
                f"{when} does not exist in UK time: the clocks go forward an hour that night. "
                "Choose a time before or after the missing hour.",
                code="nonexistent",
            )
        for candidate in (first, second):
            if zone and candidate.tzname() == zone:
                return candidate
        raise ValidationError(
            f"{when} happens twice in UK time: the clocks go back an hour that night. Choose "
            f"“{first.tzname()}” for the first {naive:%H:%M} or “{second.tzname()}” for the "
            "second, under “UK clock”.",
            code="ambiguous",
        )


class ArticleAdminForm(forms.ModelForm):
    """A story as the signed-in user may edit it (ArticleAdmin.get_form sets ``user``)."""

    user = None
    request = None
    restore = None  # autosaved text to open the form with (desk_views.restore_data)

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    published_at = UKDateTimeField(
        label="Publish time",
        required=False,
        help_text="UK time (Europe/London): date as DD/MM/YYYY, time as HH:MM on the 24-hour "
        "clock. Live once status is Published and this time has passed. “UK clock” shows "
        "whether the time is BST or GMT; choose one only for a time in the hour the clocks go "
        "back, which happens twice.",
    )
    minor_edit = forms.BooleanField(
        label="Minor edit (typo, formatting; no notice)",
        required=False,
        help_text="Tick only for a change readers would not call news.",
    )
    update_note = forms.CharField(
        label="Update note for readers",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the story as an “Update”, and moves its “Updated” time. Needed "
        "when you change the headline, standfirst or body of a live story, unless minor.",
    )
    # Drawn in the pre-publish panel (admin/articles/article/_prepublish.html), not a fieldset.
    publish_despite_warnings = forms.BooleanField(
        label="Publish despite these warnings", required=False
    )
    acknowledgement = ""  # set by clean(): the history's record of warnings published despite
    revision_note = forms.CharField(
        label="Revision note",
        required=False,
        max_length=200,
        help_text="Optional, for the desk: why you made this change. Kept in the history.",
    )

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "standfirst",
            "body",
            "section",
            "tags",
            "reports",
            "is_lead",
            "hero_image",
            "hero_alt",
            "hero_is_decorative",
            "hero_caption",
            "hero_credit",
            "seo_title",
            "seo_description",
            "status",
            "published_at",
        ]
        widgets = {
            "headline": forms.TextInput(attrs={"data-search-limit": SEARCH_LIMITS["headline"]}),
            "standfirst": forms.Textarea(
                attrs={"rows": 3, "data-search-limit": SEARCH_LIMITS["standfirst"]}
            ),
            "seo_title": forms.TextInput(attrs={"data-search-limit": SEARCH_LIMITS["seo_title"]}),
            "seo_description": forms.Textarea(
                attrs={"rows": 3, "data-search-limit": SEARCH_LIMITS["seo_description"]}
            ),
        }
        help_texts = {
            "headline": "Up to 200 characters; search results show up to 70 of it, unless you "
            "write an SEO title.",
            "slug": "The story's web address, made from the headline if you leave it empty. "
            "Old addresses keep working.",
            "standfirst": "One or two sentences under the headline, up to 400 characters; "
            "search results and shared cards show up to 160 of it, unless you write an SEO "
            "description.",
            "seo_title": "Up to 70 characters, for search results; the headline if empty.",
            "seo_description": "Up to 160 characters, for search results and social posts; "
            "the standfirst if empty.",
        }
        error_messages = {
            "seo_title": {
                "max_length": "Keep the SEO title to %(limit_value)d characters or fewer, so "
                "search engines show all of it (it has %(show_value)d)."
            },
            "seo_description": {
                "max_length": "Keep the SEO description to %(limit_value)d characters or "
                "fewer, so search engines show all of it (it has %(show_value)d)."
            },
        }

    def __init__(self, data=None, files=None, *args, **kwargs):
        files, self.kept_upload = desk_views.with_kept_upload(self.user, data, files)
        super().__init__(data, files, *args, **kwargs)
        self.story = self.instance if self.instance.pk else None
        if self.restore and not self.is_bound:
            desk_views.restore_into_form(self, self.restore)
        self.locked = {}  # field name -> why this user may not change it
        if self.story is not None:
            self.fields["loaded_version"].initial = self.story.version
        if "slug" in self.fields:
            self.fields["slug"].required = False  # made from the headline when left empty
        if not can_publish(self.user):
            self.locked = {
                "published_at": "only an editor can publish or schedule a story.",
                "is_lead": "only an editor chooses the home page’s lead story.",
            }
            if "status" in self.fields:
                status = self.fields["status"]
                status.choices = [(v, n) for v, n in Status.choices if v in REPORTER_STATUSES]
                status.error_messages["invalid_choice"] = (
                    "Only an editor can publish, schedule or unpublish a story. Choose "
                    "“In review” to send it to the editors."
                )
        for name in self.locked:
            if name in self.fields:
                self.fields[name].disabled = True

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug and not (slug := slug_from(self.cleaned_data.get("headline", ""))):
            raise ValidationError("Enter a web address (slug) for the story.", code="required")
        return slug

    def clean(self):
        cleaned = super().clean()
        self._refuse_locked_changes()
        self.merge_conflicts = []  # fields both people changed, shown side by side
        if self.story is not None and self.cleaned_data.get("loaded_version") == self.story.version:
            self.merge_conflicts = merging.apply_choices(self)
            self.merge_conflicts += merging.refuse_unchosen_inlines(self, self.request)
        self._refuse_stale_version()
        status = cleaned.get("status", self.instance.status)
        if status == Status.PUBLISHED:
            self._check_publish_time(cleaned)
            self._check_embargoes(cleaned)
        if self.story is not None and self.story.is_published() and status == Status.PUBLISHED:
            self._require_reason_for_update(cleaned)
        if status == Status.PUBLISHED and not self.errors:
            self._require_acknowledgement(cleaned)
        return cleaned

    def _require_acknowledgement(self, cleaned):
        """Publishing with warnings needs the tick, and the tick is recorded (checks.py)."""
        if warnings := checks.warnings_to_acknowledge(self, cleaned):
            if not cleaned.get(checks.ACKNOWLEDGE_FIELD):
                raise forms.ValidationError(checks.ACKNOWLEDGEMENT_NEEDED, code="unacknowledged")
            self.acknowledgement = checks.acknowledgement_note(warnings, self.user)

    def _refuse_locked_changes(self):
        for name, reason in self.locked.items():
            field = self.fields.get(name)
            key = self.add_prefix(name)
            if field is None or field.widget.value_omitted_from_data(self.data, self.files, key):
                continue
            posted = field.widget.value_from_datadict(self.data, self.files, key)
            probe = copy.copy(field)
            probe.disabled = False
            if probe.has_changed(self[name].initial, posted):
                self.add_error(
                    None,
                    f"You can’t change the {field.label.lower()} of this story: {reason} "
                    "Nothing was saved.",
                )

    def _refuse_stale_version(self):
        """Refuse a save made from a form loaded before someone else's save.

        ArticleAdmin.get_object locks the row (SELECT ... FOR UPDATE; SQLite's IMMEDIATE
        transactions serialise writers), so the version read here cannot move until commit.
        """
        if self.story is None:
            return
        loaded = self.cleaned_data.get("loaded_version")
        current = self.story.version
        if loaded == current:
            return
        loaded_version, self.conflict = history.changes_since(self.story, loaded)
        taken, self.merge_conflicts = merging.merge_into_form(self, loaded_version)
        self.merge_conflicts += merging.refuse_unchosen_inlines(self, self.request)
        data = self.data.copy()
        data[self.add_prefix("loaded_version")] = current  # the merge is made on this version
        self.data = data
        revision = history.latest_revision(self.story)
        who = revision.user.get_username() if revision and revision.user else "Someone else"
        when = f" at {timezone.localtime(revision.date_created):%H:%M}" if revision else ""
        changed = ", ".join(self.conflict) if self.conflict else "the story"
        compare = reverse("admin:articles_article_compare", args=[self.story.pk])
        if loaded_version is not None:
            compare += f"?a={loaded_version.pk}&b=live"
        if self.merge_conflicts:
            both = ", ".join(c.label.lower() for c in self.merge_conflicts)
            next_step = f"You both changed the {both}: choose whose to keep (at the top of the "
            next_step += "form), then save again."
        else:
            next_step = "Check the form, then save again to keep both."
        merged = f"Their changes to the {', '.join(t.lower() for t in taken)} are now in the form "
        merged = merged + "with yours. " if taken else "The form below still holds yours. "
        raise forms.ValidationError(
            format_html(
                "{}{} saved this story while you were editing it, changing: {}. Your changes "
                'have not been saved yet. {}{} <a href="{}">See what changed</a>.',
                who,
                when,
                changed,
                merged,
                next_step,
                compare,
            ),
            code="stale",
        )

    def _check_publish_time(self, cleaned):
        if "published_at" in self.locked:
            return
        publish_at = cleaned.get("published_at")
        if publish_at is None:
            cleaned["published_at"] = timezone.now()
            return
        first_publish = not publishing.went_live(self.instance.first_published_at)
        moved = "published_at" in self.changed_data or (
            first_publish and self.instance.status != Status.PUBLISHED
        )
        if moved and first_publish and publish_at < timezone.now() - PAST_GRACE:
            self.add_error(
                "published_at",
                f"{timezone.localtime(publish_at):%d %B %Y, %H:%M %Z} is in the past. To publish "
                "now, leave the publish time empty; to schedule, choose a time ahead.",
            )

    def _check_embargoes(self, cleaned):
        """A report's embargo, from publish_problems (bylines are the byline formset's)."""
        story = copy.copy(self.instance)
        story.status = Status.PUBLISHED
        story.published_at = cleaned.get("published_at") or timezone.now()
        reports = cleaned.get("reports", self.instance.reports.all() if self.story else [])
        for field, message in publishing.publish_problems(story, byline_count=1, reports=reports):
            if field == "reports":
                self.add_error("reports" if "reports" in self.fields else None, message)

    def _require_reason_for_update(self, cleaned):
        changed = [
            name
            for name in SUBSTANTIVE_FIELDS
            if name in cleaned
            and name not in self.locked
            and _normalise(name, cleaned[name]) != _normalise(name, getattr(self.story, name))
        ]
        minor, note = cleaned.get("minor_edit"), cleaned.get("update_note", "").strip()
        if changed and not minor and not note:
            labels = " and ".join(self.fields[name].label.lower() for name in changed)
            self.add_error(
                "update_note",
                f"You changed the {labels} of a published story. Write an update note for "
                "readers, or tick “Minor edit” if it was a typo or formatting fix.",
            )
        if minor and note:
            self.add_error(
                "minor_edit",
                "Either tick “Minor edit” or write an update note, not both.",
            )


def _normalise(name, value):
    return sanitise_body(value) if name == "body" else (value or "")


class BylineForm(forms.ModelForm):
    """One byline row. A row offered filled in (the reporter's own byline on a new story) is
    saved as it stands: Django would otherwise skip it as an untouched extra row."""

    class Meta:
        model = Byline
        fields = ["position", "author", "role"]

    def has_changed(self):
        offered = self.instance.pk is None and bool(self.initial.get("author"))
        return super().has_changed() or offered


class BylineFormSet(BaseInlineFormSet):
    """A story's bylines, numbered 1, 2, 3 in the order shown; a story being published, or a
    live story, keeps at least one."""

    def clean(self):
        super().clean()
        self._number_positions()
        story = self.instance
        if story.status != Status.PUBLISHED or any(form.errors for form in self.forms):
            return
        stored = Article.objects.filter(pk=story.pk).values_list("status", flat=True).first()
        if stored == Status.PUBLISHED and not self.has_changed():
            return
        credited = [
            form
            for form in self.forms
            if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
        ]
        problems = publishing.publish_problems(story, byline_count=len(credited))
        raise_problems = [message for field, message in problems if field == "bylines"]
        if raise_problems:
            raise forms.ValidationError(raise_problems)

    def _number_positions(self):
        """Positions become 1..n in the order given; a new row left at 0 (the default) takes
        the next position, so rows added without the up/down buttons never all read 0."""
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("author")
            and not self._should_delete_form(form)
        ]

        def order(item):
            index, form = item
            position = form.cleaned_data.get("position") or 0
            untouched = form.instance.pk is None and position == 0
            return (float("inf") if untouched else position, index)

        self.renumbered = []
        for number, (_, form) in enumerate(sorted(kept, key=order), start=1):
            if form.instance.position != number or form.cleaned_data.get("position") != number:
                form.cleaned_data["position"] = form.instance.position = number
                self.renumbered.append(form)

    def save(self, commit=True):
        saved = super().save(commit)
        if commit:
            # An existing row that only moved is not "changed" to Django's formset.
            for form in getattr(self, "renumbered", []):
                if form.instance.pk and not form.has_changed():
                    Byline.objects.filter(pk=form.instance.pk).update(
                        position=form.instance.position
                    )
        return saved
