"""Two-factor sign-in for the desk: a code from an authenticator app after the password.

django-otp keeps the devices (TOTP), checks codes with its own throttling and marks a session
verified (``django_otp.login``); this module decides who must give a code and holds everyone
else at that step. The password step is Django's admin login, unchanged, so django-axes still
throttles it. With ``STAFF_2FA_REQUIRED`` on, Editors and Administrators without a device are
sent to set one up at their first sign-in; anyone with a device is asked for its code.
"""

import io
from base64 import b32encode

import django_otp
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

# The roles whose accounts can publish or change other accounts.
SECOND_FACTOR_ROLES = ["Editor", "Administrator"]


def must_use_second_factor(user):
    return settings.STAFF_2FA_REQUIRED and (
        user.is_superuser or user.groups.filter(name__in=SECOND_FACTOR_ROLES).exists()
    )


def second_step(user):
    """What a signed-in person must still do before the desk opens: "verify" (give a code),
    "enrol" (set up an authenticator app), or None."""
    if not user.is_authenticated or user.is_verified():
        return None
    if django_otp.user_has_device(user):
        return "verify"
    if must_use_second_factor(user):
        return "enrol"
    return None


class SecondStepMiddleware:
    """A person who has given only their password, where a code is due, is sent to that step
    from every desk page, and is a reader everywhere else (no previews) until they pass it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Readers have no session cookie; looking at request.user would read the session.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and (step := second_step(request.user)):
            desk = reverse("admin:index")
            if not request.path_info.startswith(desk):
                request.user = AnonymousUser()
            elif not request.path_info.startswith(
                (reverse("two_factor:verify"), reverse("admin:logout"))
            ):
                return redirect_to_login(request.get_full_path(), reverse(f"two_factor:{step}"))
        return self.get_response(request)


class CodeForm(forms.Form):
    """A code from the person's authenticator app, checked against one device."""

    code = forms.CharField(
        label="Code from your app",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, user, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not self.device.verify_is_allowed()[0]:
            raise ValidationError("Too many wrong codes in a row: wait a minute, then try again.")
        # Checked under a row lock, so one code cannot be used twice at once; each wrong code
        # makes the next try wait longer (django-otp's throttling).
        if django_otp.verify_token(self.user, self.device.persistent_id, code) is None:
            raise ValidationError("That code is not right. Enter the code your app shows now.")
        return code


def next_page(request):
    """Where to go once the step is done: the page asked for, if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def render_step(request, template, context):
    context = admin.site.each_context(request) | {"next": next_page(request)} | context
    return render(request, template, context)


def pass_second_step(request, device):
    django_otp.login(request, device)
    request.session.cycle_key()  # the session now opens more than it did


@never_cache
@staff_member_required(login_url="admin:login")
def verify(request):
    """The code, asked for after the password from anyone who has set up an app."""
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    if device is None or request.user.is_verified():
        return redirect(next_page(request))
    form = CodeForm(request.user, device, request.POST or None)
    if form.is_valid():
        pass_second_step(request, device)
        return redirect(next_page(request))
    return render_step(
        request, "registration/two_factor_verify.html", {"form": form, "title": "Enter your code"}
    )


def pending_device(user):
    """The authenticator app being set up: one unconfirmed device, the same on every visit."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").last()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@never_cache
@staff_member_required(login_url="admin:login")
def enrol(request):
    """Setting up an authenticator app: required at first sign-in for Editors and
    Administrators, offered to everyone else from the desk's header."""
    user = request.user
    if django_otp.user_has_device(user):
        if not user.is_verified():
            return redirect_to_login(next_page(request), reverse("two_factor:verify"))
        return render_step(
            request,
            "registration/two_factor_enrol.html",
            {"enrolled": True, "title": "Two-factor sign-in"},
        )
    device = pending_device(user)
    form = CodeForm(user, device, request.POST or None)
    if form.is_valid():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
        device.refresh_from_db()
        pass_second_step(request, device)
        messages.success(
            request, "Two-factor sign-in is on: after your password, you will give a code."
        )
        return redirect(next_page(request))
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "title": "Set up two-factor sign-in",
        "required": must_use_second_factor(user),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "config_url": device.config_url,
    }
    return render_step(request, "registration/two_factor_enrol.html", context)


@never_cache
@staff_member_required(login_url="admin:login")
def enrol_qr(request):
    """The app being set up, as a QR code: an SVG of plain shapes (no style, no script)."""
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=False).last()
    if device is None or django_otp.user_has_device(request.user):
        raise Http404("Nothing is being set up.")
    # Imported here: qrcode brings lxml, which no other request needs (a worker's memory).
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    svg = io.BytesIO()
    image.save(svg)
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


app_name = "two_factor"
urlpatterns = [
    path("", verify, name="verify"),
    path("setup/", enrol, name="enrol"),
    path("setup/qr.svg", enrol_qr, name="qr"),
]
