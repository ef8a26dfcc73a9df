"""Middleware of the app's own: a reader's time zone, and a locked assessment's answer.

A write that its assessment's status no longer allows is answered plainly. Views check the
status before they write, but two requests can race: the second of three simultaneous
submits, or a save a moment after the assessment was submitted in another tab, meets
services.AssessmentLocked inside the service. It is answered with a 409 page in the
app's words (an autosave with a 403 that its page explains), never a 500.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

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
