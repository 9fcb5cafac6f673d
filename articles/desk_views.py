"""The story form's helpers that keep work from being lost: autosave (with restore or discard),
who else has the story open and whether they saved it, and a picture kept over a failed save.

The views are ArticleAdmin's (``urls()``), so they run behind the admin's sign-in, and each
checks what the person may do with that story; writes are POSTs, so CSRF-protected. Nothing here
is a revision: an autosave is the person's own, and goes when they save the story.
"""

import contextlib
import json
import secrets

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from . import history, merging
from .models import Article, Autosave, KeptUpload, Presence
from .models.desk import KEPT_UPLOAD_LIFETIME

# The form's fields an autosave keeps: what a person types.
AUTOSAVED_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "hero_alt",
    "hero_caption",
    "hero_credit",
    "seo_title",
    "seo_description",
    "update_note",
    "revision_note",
]
AUTOSAVE_MAX_BYTES = 1024 * 1024  # a long story is a tenth of this
NEW = "new"


def urls(model_admin):
    view = model_admin.admin_site.admin_view
    return [
        path(
            "<path:object_id>/autosave/",
            view(require_POST(_bound(autosave, model_admin))),
            name="articles_article_autosave",
        ),
        path(
            "<path:object_id>/autosave/discard/",
            view(require_POST(_bound(discard_autosave, model_admin))),
            name="articles_article_autosave_discard",
        ),
        path(
            "<path:object_id>/presence/",
            view(require_POST(_bound(presence, model_admin))),
            name="articles_article_presence",
        ),
    ]


def _bound(function, model_admin):
    def view(request, object_id):
        return function(request, model_admin, object_id)

    return view


def _story_for(request, model_admin, object_id):
    """The story the person may edit (None for "new", if they may add stories)."""
    if object_id == NEW:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        return None
    object_id = unquote(object_id)
    # Not the admin's get_object: it locks the row on a POST and prefetches the bylines.
    story = Article.objects.filter(pk=object_id).first() if object_id.isdigit() else None
    if story is None:
        raise Http404
    if not model_admin.has_change_permission(request, story):
        raise PermissionDenied
    return story


# Autosave


def autosave(request, model_admin, object_id):
    story = _story_for(request, model_admin, object_id)
    # The header, not request.body: the CSRF check has read the posted form by now.
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > AUTOSAVE_MAX_BYTES:
        return JsonResponse({"error": "Too long to autosave."}, status=413)
    data = {name: request.POST[name] for name in AUTOSAVED_FIELDS if name in request.POST}
    loaded = request.POST.get("loaded_version", "")
    if loaded.isdigit():
        data["loaded_version"] = int(loaded)
    now = timezone.now()
    try:
        with transaction.atomic():
            Autosave.objects.update_or_create(
                user=request.user, story=story, defaults={"data": data, "saved_at": now}
            )
    except IntegrityError:  # two autosaves of a new story at once: the other one won
        pass
    return JsonResponse({"saved_at": f"{timezone.localtime(now):%H:%M:%S}"})


def discard_autosave(request, model_admin, object_id):
    story = _story_for(request, model_admin, object_id)
    Autosave.objects.filter(user=request.user, story=story).delete()
    if story is None:
        return redirect("admin:articles_article_add")
    return redirect("admin:articles_article_change", story.pk)


def forget_autosave(request, story, *, added):
    """The person saved the story: their autosave of it (or of the new story) has served."""
    Autosave.objects.filter(user=request.user, story=None if added else story).delete()


def restore_data(request, story):
    """The autosaved values to open the form with, when the person asked to restore them."""
    if request.method != "GET" or "restore" not in request.GET:
        return {}
    saved = Autosave.objects.filter(user=request.user, story=story).first()
    return dict(saved.data) if saved else {}


def restore_into_form(form, data):
    """Open a form (unbound) with autosaved text in place of the stored text."""
    for name in AUTOSAVED_FIELDS:
        if name in data and name in form.fields and not form.fields[name].disabled:
            form.initial[name] = str(data[name])
    if isinstance(data.get("loaded_version"), int) and "loaded_version" in form.fields:
        # Saved later, this text is merged with whatever was saved since it was typed.
        form.initial["loaded_version"] = data["loaded_version"]


# Presence


def presence(request, model_admin, object_id):
    story = _story_for(request, model_admin, object_id)
    if story is None:
        return JsonResponse({"others": [], "saved": None})
    seen = Presence.objects.filter(user=request.user, story=story)
    if not seen.update(last_seen=timezone.now()):
        with contextlib.suppress(IntegrityError), transaction.atomic():
            Presence.objects.create(user=request.user, story=story)
    others = (
        Presence.objects.current()
        .filter(story=story)
        .exclude(user=request.user)
        .select_related("user")
        .order_by("user__username")
    )
    answer = {"others": [_name(row.user) for row in others], "version": story.version}
    loaded = request.POST.get("loaded_version", "")
    answer["saved"] = None
    if loaded.isdigit() and int(loaded) < story.version:
        revision = history.latest_revision(story)
        saved_at = revision.date_created if revision else story.modified_at
        version, _ = history.changes_since(story, int(loaded))
        compare = reverse("admin:articles_article_compare", args=[story.pk])
        answer["saved"] = {
            "by": _name(revision.user) if revision and revision.user else "Someone else",
            "at": f"{timezone.localtime(saved_at):%H:%M}",
            "compare_url": f"{compare}?a={version.pk}&b=live" if version else compare,
        }
    return JsonResponse(answer)


def _name(user):
    return user.get_full_name() or user.get_username()


# A picture kept over a failed save


def keep_upload(request, form):
    """On a save that failed, keep the picture it uploaded for the next save (its token goes in
    the form, as ``kept_hero_image``) and say so beside the file input."""
    if "hero_image" not in form.fields:
        return
    upload = request.FILES.get("hero_image")
    if upload is not None and not form.has_error("hero_image"):
        KeptUpload.objects.filter(created_at__lt=timezone.now() - KEPT_UPLOAD_LIFETIME).delete()
        upload.seek(0)
        checked = form.cleaned_data.get("hero_image")
        form.kept_upload = KeptUpload.objects.create(
            user=request.user,
            token=secrets.token_urlsafe(24),
            name=getattr(checked, "name", None) or upload.name,
            content_type=getattr(upload, "content_type", "") or "",
            content=upload.read(),
        )
    if kept := getattr(form, "kept_upload", None):
        note = format_html("Kept: {} (choose another to replace it).", kept.name)
        form.fields["hero_image"].help_text = note
        form["hero_image"].help_text = note  # the bound field copied it when made


def with_kept_upload(user, data, files):
    """The files to bind a story form with: the picture kept for this person, when the form
    posts its token and no new file (and does not ask to clear the picture)."""
    if data is None or user is None or not data.get("kept_hero_image"):
        return files, None
    if (files and files.get("hero_image")) or data.get("hero_image-clear"):
        return files, None
    kept = KeptUpload.objects.filter(user=user, token=data["kept_hero_image"]).first()
    if kept is None:
        return files, None
    files = MultiValueDict(dict(files.lists()) if files is not None else {})
    files["hero_image"] = SimpleUploadedFile(kept.name, bytes(kept.content), kept.content_type)
    return files, kept


def forget_kept_upload(form):
    if kept := getattr(form, "kept_upload", None):
        KeptUpload.objects.filter(pk=kept.pk).delete()


# The form's page


def change_form_context(request, model_admin, form, story):
    """What the desk-merge partial shows: the conflicts to choose, the autosave on offer, and
    the addresses the page's script talks to (none for those who only read the story)."""
    if story is None:
        edits = model_admin.has_add_permission(request)
    else:
        edits = model_admin.has_change_permission(request, story)
    if not edits:
        return {}
    key = str(story.pk) if story is not None else NEW
    saved = None
    if request.method == "GET" and "restore" not in request.GET:
        saved = Autosave.objects.filter(user=request.user, story=story).first()
    conflicts = getattr(form, "merge_conflicts", [])
    return {
        "conflicts": conflicts,
        "conflict_names": ",".join(conflict.name for conflict in conflicts),
        "merge_base": form.data.get("merge_base", "") if form.is_bound else "",
        "loaded_inlines": json.dumps(getattr(request, "desk_inline_digests", {})),
        "autosave": saved,
        "autosave_url": reverse("admin:articles_article_autosave", args=[key]),
        "discard_url": reverse("admin:articles_article_autosave_discard", args=[key]),
        "presence_url": reverse("admin:articles_article_presence", args=[key])
        if story is not None
        else "",
        "restore_url": "?restore=1",
        "kept": getattr(form, "kept_upload", None),
        "today": f"{timezone.localdate():%Y%m%d}",
        "THEIRS": merging.THEIRS,
    }
