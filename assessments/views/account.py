"""A person's own settings (their name as others see it, their time zone), and asking for a
password reset."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken

from assessments import access, services, throttles
from assessments.forms import PasswordResetForm, SettingsForm
from assessments.middleware import (
    LANGUAGE_SESSION_KEY,
    TIME_ZONE_COOKIE,
    TIME_ZONE_SESSION_KEY,
    known_time_zones,
)
from assessments.models import UserSettings

logger = logging.getLogger(__name__)


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    current = UserSettings.objects.filter(user=request.user).first()
    browser_zone = request.COOKIES.get(TIME_ZONE_COOKIE, "")
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        zones=sorted(known_time_zones()),
        browser_zone=browser_zone if browser_zone in known_time_zones() else "",
        initial={
            "first_name": request.user.first_name,
            "last_name": request.user.last_name,
            "time_zone": current.time_zone if current else "",
            "language": current.language if current else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        services.update_settings(user=request.user, **form.cleaned_data)
        request.session[TIME_ZONE_SESSION_KEY] = form.cleaned_data["time_zone"]
        request.session[LANGUAGE_SESSION_KEY] = form.cleaned_data["language"]
        translation.activate(form.cleaned_data["language"] or settings.LANGUAGE_CODE)
        messages.success(request, _("Your settings were saved."))
        return redirect("account_settings")
    return render(
        request,
        "registration/settings.html",
        {
            "form": form,
            "second_factor": user_has_device(request.user),
            "recovery_codes_left": StaticToken.objects.filter(device__user=request.user).count(),
            "second_factor_required": access.needs_second_factor(request.user),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with its email queued and its link built from DJANGO_SITE_URL (never from
    the request's Host header, which whoever asks chooses: forms.PasswordResetForm), and
    limited per address and per IP (throttles.py). Beyond the limit the page answers as
    usual, and sends nothing: it says no more about which addresses have accounts than it
    ever did."""

    form_class = PasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email, ip = form.cleaned_data["email"], throttles.client_ip(self.request)
        if not throttles.reset_allowed(email, ip):
            logger.warning("Password reset refused: too many requests (%s, from %s)", email, ip)
            return redirect(self.get_success_url())
        throttles.record_reset_request(email, ip)
        return super().form_valid(form)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language picker, which also keeps a signed-in person's choice on their profile,
    so that it follows them to every device (middleware.chosen_language)."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        services.choose_language(user=request.user, language=language)
        request.session[LANGUAGE_SESSION_KEY] = language
    return response
