from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control

from assessments.htmx import is_htmx

RENEW_AFTER_SECONDS = 60


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE without activity.

    Django's SESSION_SAVE_EVERY_REQUEST would renew the session with a database write on every
    request, and autosave sends one every few seconds of typing; renewing at most once a
    minute keeps the same rule, to the minute, without the writes. Goes after
    SessionMiddleware, so that a renewal is saved with the response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session the request used (a signed-in user's): never load one just for this.
        if session is not None and session.accessed and session.session_key:
            now = int(time.time())
            if now - session.get("renewed_at", 0) >= RENEW_AFTER_SECONDS:
                session["renewed_at"] = now
        return response


class HtmxSignedOutMiddleware:
    """An autosave that meets an ended session gets a small 401, not the login page.

    `login_required` answers a signed-out request with a redirect to the login page; the
    browser would follow it and hand the page to htmx, which would put it in the save bar. The
    page's script reads the 401 (and the `R2P-Reason` header) and keeps what was typed. Goes
    after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            is_htmx(request)
            and response.status_code == 302
            and not request.user.is_authenticated
            and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        ):
            return signed_out_response()
        return response


def signed_out_response() -> HttpResponse:
    response = HttpResponse("signed out", status=401, content_type="text/plain")
    response["R2P-Reason"] = "signed-out"
    return response


SIGNED_IN_AT = "r2p_signed_in_at"


class AbsoluteSessionMiddleware:
    """A session ends SESSION_ABSOLUTE_LIFETIME after signing in, however active it is: the
    idle limit alone would let a session kept busy live for ever. Goes after
    AuthenticationMiddleware (and before HtmxSignedOutMiddleware, whose 401 it then gets)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Every page a signed-in person sees is theirs alone: never kept by a browser's cache or
    a proxy (`Cache-Control: private, no-store`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class ReportingEndpointsMiddleware:
    """Names the endpoints (REPORTING_ENDPOINTS) that the policy's `report-to` refers to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if endpoints := settings.REPORTING_ENDPOINTS:
            response["Reporting-Endpoints"] = ", ".join(
                f'{name}="{url}"' for name, url in endpoints.items()
            )
        return response
