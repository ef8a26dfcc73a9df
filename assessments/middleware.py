"""Middleware of the app's own: the second factor, a reader's time zone, and a locked
assessment's answer.

A write that its assessment's status no longer allows is answered plainly. Views check the
status before they write, but two requests can race: the second of three simultaneous
submits, or a save a moment after the assessment was submitted in another tab, meets
services.AssessmentLocked inside the service. It is answered with a 409 page in the
app's words (an autosave with a 403 that its page explains), never a 500.
"""

from __future__ import annotations

import functools
import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header
from django_otp import user_has_device

from assessments import access
from assessments.htmx import is_htmx
from assessments.services import AssessmentLocked


class AssessmentLockedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AssessmentLocked):
            return None
        if is_htmx(request):
            response = HttpResponse(str(exception), status=403, content_type="text/plain")
            response["R2P-Reason"] = "locked"
            return response
        return render(request, "assessments/locked.html", {"reason": str(exception)}, status=409)


TIME_ZONE_COOKIE = "r2p_tz"  # the browser's zone, set by app.js
TIME_ZONE_SESSION_KEY = "r2p_time_zone"


@functools.cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class TimeZoneMiddleware:
    """Times are shown in the reader's time zone: the one they chose (kept in their session
    once read, so no query per request), else their browser's, else the site's. Goes after
    AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = ""
        if request.user.is_authenticated:
            if TIME_ZONE_SESSION_KEY not in request.session:
                chosen = getattr(getattr(request.user, "r2p_settings", None), "time_zone", "")
                request.session[TIME_ZONE_SESSION_KEY] = chosen
            name = request.session[TIME_ZONE_SESSION_KEY]
        name = name or request.COOKIES.get(TIME_ZONE_COOKIE, "")
        if name in known_time_zones():
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        return self.get_response(request)


# What a signed-in person may still open before their second factor is in order: the pages
# that put it in order, signing out, and what every page needs.
SECOND_FACTOR_EXEMPT = {
    "second_factor_verify",
    "second_factor_enrol",
    "logout",
    "set_language",
    "healthz",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_confirm",
}
SECOND_FACTOR_CHECKED = "r2p_second_factor_checked_at"
RECHECK_SECONDS = 600


class SecondFactorMiddleware:
    """A person with an authenticator must enter its code before anything else; one who
    needs a second factor (access.needs_second_factor) and has none must set it up first.
    Whether a session needs neither is remembered for ten minutes, so that a page costs no
    query for it. Goes after django-otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = self.step_needed(request)
        if step and resolve(request.path_info).view_name not in SECOND_FACTOR_EXEMPT:
            if is_htmx(request):
                response = HttpResponse("second factor needed", status=401)
                response["R2P-Reason"] = "signed-out"
                return response
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def step_needed(self, request: HttpRequest) -> str:
        user = request.user
        if not user.is_authenticated or access.is_verified(user):
            return ""
        checked = request.session.get(SECOND_FACTOR_CHECKED, 0)
        if time.time() - checked < RECHECK_SECONDS:
            return ""
        if user_has_device(user):
            return "second_factor_verify"
        if access.needs_second_factor(user):
            return "second_factor_enrol"
        request.session[SECOND_FACTOR_CHECKED] = int(time.time())
        return ""


LANGUAGE_SESSION_KEY = "r2p_language"


def chosen_language(request: HttpRequest) -> str:
    """The language the person chose: on their profile when signed in (kept in the session
    once read), else with the picker (its cookie), else the site's. Never the browser's
    Accept-Language alone: that only suggests one (suggested_language)."""
    if request.user.is_authenticated:
        if LANGUAGE_SESSION_KEY not in request.session:
            chosen = getattr(getattr(request.user, "r2p_settings", None), "language", "")
            request.session[LANGUAGE_SESSION_KEY] = chosen
        if request.session[LANGUAGE_SESSION_KEY]:
            return request.session[LANGUAGE_SESSION_KEY]
    picked = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if picked in dict(settings.LANGUAGES):
        return picked
    return settings.LANGUAGE_CODE


def suggested_language(request: HttpRequest) -> str | None:
    """On a first visit (no language chosen yet), the browser's preferred language when the
    app offers it and it is not the one shown."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or (
        request.user.is_authenticated and request.session.get(LANGUAGE_SESSION_KEY)
    ):
        return None
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        try:
            language = get_supported_language_variant(code)
        except LookupError:
            continue
        return None if language == translation.get_language() else language
    return None


class LanguageMiddleware(LocaleMiddleware):
    """Django's, but the language is the one the person chose (chosen_language). Goes after
    AuthenticationMiddleware."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
