"""A person's own settings: their name as others see it, and their time zone."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import services
from assessments.forms import SettingsForm
from assessments.middleware import TIME_ZONE_COOKIE, TIME_ZONE_SESSION_KEY, known_time_zones
from assessments.models import UserSettings


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
        },
    )
    if request.method == "POST" and form.is_valid():
        services.update_settings(user=request.user, **form.cleaned_data)
        request.session[TIME_ZONE_SESSION_KEY] = form.cleaned_data["time_zone"]
        messages.success(request, _("Your settings were saved."))
        return redirect("account_settings")
    return render(request, "registration/settings.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with the link in the email built from DJANGO_SITE_URL: never from the
    request's Host header, which whoever asks for the reset chooses."""

    @property
    def extra_email_context(self) -> dict[str, str]:
        return {"site_url": settings.SITE_URL}
