"""What no page may be kept by, how long a session may live, and how much a request may
carry."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from r2p_assess.middleware import SIGNED_IN_AT

PAGES = [
    "/",
    "/assessments/XA/2026/",
    "/assessments/XA/2026/sections/risks/",
    "/assessments/XA/2026/results/",
    "/assessments/XA/2026/history/",
    "/accounts/settings/",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_signed_in_page_is_kept_by_a_browser_or_a_proxy(client, world, path) -> None:
    client.force_login(world.editor)
    response = client.get(path)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_a_session_ends_a_week_after_signing_in_however_busy(client, world, settings) -> None:
    settings.SESSION_ABSOLUTE_LIFETIME = 7 * 24 * 3600
    client.force_login(world.editor)
    assert client.get("/assessments/XA/2026/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 7 * 24 * 3600 - 60
    session.save()
    response = client.get("/assessments/XA/2026/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # An autosave meeting it gets the page's small 401, not the login page.
    client.force_login(world.editor)
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 8 * 24 * 3600
    session.save()
    autosave = client.post("/assessments/XA/2026/sections/risks/", {}, HTTP_HX_REQUEST="true")
    assert autosave.status_code == 401


def test_an_oversized_post_is_refused_before_it_is_read(world, settings) -> None:
    client = Client(raise_request_exception=False)
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/accounts/login/", {"username": big, "password": "p"})
    assert response.status_code == 400


def test_the_policy_reports_to_the_endpoint_it_names(client, world, settings) -> None:
    settings.REPORTING_ENDPOINTS = {"csp": "https://reports.example.org/csp"}
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "report-to": "csp"}}
    response = client.get("/accounts/login/")
    assert response["Reporting-Endpoints"] == 'csp="https://reports.example.org/csp"'
    assert "report-to csp" in response["Content-Security-Policy"]


def test_no_reporting_endpoint_unless_one_is_configured(client, world) -> None:
    response = client.get("/accounts/login/")
    assert "Reporting-Endpoints" not in response
    assert "report-" not in response["Content-Security-Policy"]
