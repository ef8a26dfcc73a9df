"""Thin views: fetch through access, bind a form, call a service, render or redirect.

answering.py holds the pages on which an assessment is answered and submitted; findings.py
the results, the links marked not relevant and the PDFs. Here: what is neither.
"""

from __future__ import annotations

from datetime import date

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessments.htmx import is_htmx
from assessments.presenters import dashboard_rows, review_listing


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form's security token no longer matches the session's: the person was signed out,
    or signed in again in another tab. An autosave gets a small 403 its page explains (and
    retries with the new token); a full page, a page saying so in the app's words."""
    if is_htmx(request):
        response = HttpResponse("session changed", status=403, content_type="text/plain")
        response["R2P-Reason"] = "csrf"
        return response
    return render(request, "csrf_failure.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's own 400 view checks the CSRF token, which parses the body again: a form declared
    in an encoding other than UTF-8 then failed a second time, inside the handler, as a 500."""
    return render(request, "400.html", status=400)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the user's own countries' assessments; for a reviewer, also every
    country's submitted ones, filtered (by the page's query) and a page at a time."""
    if not request.user.is_authenticated:
        return render(request, "assessments/home.html")
    cycle = date.today().year
    listing = review_listing(request.user, request.GET)
    return render(
        request,
        "assessments/dashboard.html",
        {
            "heading": _("Assessments") if listing else _("Your assessments"),
            "countries": dashboard_rows(request.user, cycle=cycle),
            "cycle": cycle,
            "listing": listing,
        },
    )


from assessments.views.answering import (  # noqa: E402
    comment,
    history,
    marking,
    overview,
    section,
    start,
    submit,
    withdraw,
)
from assessments.views.findings import (  # noqa: E402
    dismiss_link,
    questionnaire,
    reads,
    report,
    restore_link,
    results,
)

__all__ = [
    "bad_request",
    "comment",
    "dismiss_link",
    "healthz",
    "history",
    "home",
    "marking",
    "overview",
    "questionnaire",
    "reads",
    "report",
    "restore_link",
    "results",
    "section",
    "start",
    "submit",
    "withdraw",
]
