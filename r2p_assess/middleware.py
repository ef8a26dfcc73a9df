from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
