"""The screen shell: language and direction, skip link, landmarks, language switcher."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.templatetags.static import static

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_page_has_landmarks_and_a_skip_link(client) -> None:
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert 'class="visually-hidden-focusable skip-link" href="#main"' in html
    for landmark in ("<header>", "<nav ", "<main ", "<footer "):
        assert landmark in html


def test_language_switcher_posts_to_set_language_and_arabic_is_right_to_left(client) -> None:
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert static("vendor/bootstrap-5.3.9/css/bootstrap.rtl.min.css") in html


def test_security_headers(client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_sessions_end_after_eight_idle_hours_and_activity_renews_them(client) -> None:
    client.force_login(UserFactory())
    first = client.get("/").cookies["sessionid"]
    assert first["max-age"] == 8 * 60 * 60
    assert first["httponly"]
    # Within the minute nothing is written again...
    assert "sessionid" not in client.get("/").cookies
    # ...a minute later the session is renewed for another eight hours.
    later = time.time() + 61
    with mock.patch("r2p_assess.middleware.time.time", return_value=later):
        renewed = client.get("/").cookies["sessionid"]
    assert renewed["max-age"] == 8 * 60 * 60


def test_every_page_sends_the_security_headers(client) -> None:
    for url in ("/accounts/login/", "/healthz", "/admin/login/"):
        response = client.get(url)
        assert "script-src 'self'" in response["Content-Security-Policy"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
