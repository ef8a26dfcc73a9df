"""The second factor: entering its code after the password, setting up an authenticator
app (with one-time recovery codes), new recovery codes, and turning it off where it is not
required. Who must have one is access.needs_second_factor's decision; the middleware
(assessments.middleware.SecondFactorMiddleware) sends people here."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import access, services
from assessments.forms import SecondFactorForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else resolve_url("home")


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or a recovery code."""
    if access.is_verified(request.user) or not user_has_device(request.user):
        return redirect(_next(request))
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_second_factor(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(left)s is left. Make new ones in "
                        "your settings if you are running out.",
                        "You signed in with a recovery code; %(left)s are left. Make new ones in "
                        "your settings if you are running out.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(_next(request))
        form.add_error(
            "code",
            _(
                "That code was not accepted: enter the one your app shows now (each works "
                "once), or an unused recovery code. After a wrong code, wait a few seconds."
            ),
        )
    return render(
        request, "registration/second_factor_verify.html", {"form": form, "next": _next(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code (or type the key), then enter the first
    code it shows. One who already has one must have entered its code in this session."""
    if user_has_device(request.user) and not access.is_verified(request.user):
        return redirect(f"{resolve_url('second_factor_verify')}?next={request.path}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = services.begin_second_factor(user=request.user)
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        if device.verify_token(code):
            codes = services.confirm_second_factor(user=request.user, device=device)
            otp_login(request, device)
            return render(
                request,
                "registration/second_factor_codes.html",
                {"codes": codes, "next": _next(request), "new_device": True},
            )
        form.add_error(
            "code",
            _("That code was not accepted: check the app's clock, and enter the one it shows now."),
        )
    key = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "registration/second_factor_enrol.html",
        {
            "form": form,
            "next": _next(request),
            # Safe: segno draws the QR code as paths, from the otpauth: URL alone.
            "qr": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4)),
            "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "required": access.needs_second_factor(request.user),
        },
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, replacing those left: for a person signed in with their factor."""
    if not access.is_verified(request.user):
        raise PermissionDenied
    codes = services.new_recovery_codes(user=request.user)
    return render(
        request,
        "registration/second_factor_codes.html",
        {"codes": codes, "next": resolve_url("account_settings"), "new_device": False},
    )


@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    """Turn the second factor off, where nothing requires it."""
    if access.needs_second_factor(request.user) or not access.is_verified(request.user):
        raise PermissionDenied
    services.remove_second_factor(user=request.user)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("account_settings")
