"""Thin views: fetch through access, bind a form, call a service, render or redirect.

answering.py holds the pages on which an assessment is answered and submitted; findings.py
the results, the links marked not relevant and the PDFs; evidence.py a question's sources;
exports.py the downloads of a whole assessment and the secretariat's CSV. Here: what is none
of these.
"""

from __future__ import annotations

import logging
from datetime import date

from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

from assessments.htmx import is_htmx
from assessments.presenters import dashboard_rows, review_listing

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when this app server reaches the database and
    the file storage and can read the task queue; 503, naming what failed, otherwise. The
    queue's backlog (tasks due and not yet taken; the oldest one's wait) is reported, not
    judged: a stopped worker must not take every app server out of the load balancer."""
    checks = {"database": "ok", "storage": "ok", "queue": "ok"}
    backlog: dict[str, int] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        checks["database"] = "unavailable"
    try:
        due = DBTaskResult.objects.ready()
        oldest = due.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        backlog["backlog"] = due.count()
        backlog["oldest_seconds"] = (
            round((timezone.now() - oldest).total_seconds()) if oldest else 0
        )
    except DatabaseError:
        checks["queue"] = "unavailable"
    try:
        default_storage.exists("healthz")
    except Exception:  # whatever the storage's client raises: unreachable, refused, misconfigured
        logger.exception("Health check: the file storage failed")
        checks["storage"] = "unavailable"
    healthy = set(checks.values()) == {"ok"}
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **checks, **backlog},
        status=200 if healthy else 503,
    )


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
from assessments.views.evidence import evidence, remove_source, source_file  # noqa: E402
from assessments.views.exports import (  # noqa: E402
    evidence_zip,
    export_json,
    export_xlsx,
    review_csv,
)
from assessments.views.findings import (  # noqa: E402
    dismiss_link,
    questionnaire,
    reads,
    report,
    restore_link,
    results,
)
from assessments.views.plan import (  # noqa: E402
    action_comment,
    action_confirm,
    action_detail,
    action_new,
    plan,
)

__all__ = [
    "action_comment",
    "action_confirm",
    "action_detail",
    "action_new",
    "bad_request",
    "comment",
    "dismiss_link",
    "evidence",
    "evidence_zip",
    "export_json",
    "export_xlsx",
    "healthz",
    "history",
    "home",
    "marking",
    "overview",
    "plan",
    "questionnaire",
    "reads",
    "remove_source",
    "report",
    "restore_link",
    "results",
    "review_csv",
    "section",
    "source_file",
    "start",
    "submit",
    "withdraw",
]
