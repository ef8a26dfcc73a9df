"""What a page is told when the session ended, its CSRF token was rotated, or the assessment
was locked meanwhile: a small answer an autosave's page can explain, or a page in the app's
words; never the login page in the save bar, never a 500."""

from __future__ import annotations

from unittest import mock
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import formats, timezone

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import AssessmentEvent

SECTION = get_instrument(CURRENT_VERSION).sections[0]
URL = f"/assessments/XA/2026/sections/{SECTION.key}/"
QUESTION = next(q for q in SECTION.questions if q.kind == "risk")


def test_an_autosave_after_the_session_ended_gets_a_401_not_the_login_page(client, world):
    response = client.post(URL, {QUESTION.key: "low"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["R2P-Reason"] == "signed-out"
    assert b"<form" not in response.content


def test_a_page_after_the_session_ended_is_still_sent_to_sign_in(client, world) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_rotated_csrf_token_is_explained(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor)
    client.get(URL)
    stale = {"csrfmiddlewaretoken": "x" * 64, QUESTION.key: "low"}
    autosave = client.post(URL, stale, HTTP_HX_REQUEST="true")
    assert (autosave.status_code, autosave["R2P-Reason"]) == (403, "csrf")
    page = client.post(URL, stale)
    assert page.status_code == 403
    assert "Not saved: your session changed" in page.content.decode()
    assert not world.assessment.answers.exists()


def test_an_assessment_locked_meanwhile_is_a_409_page_or_a_403_the_bar_explains(client, world):
    client.force_login(world.editor)
    locked = services.AssessmentLocked("Submitted for review")
    with mock.patch.object(services, "save_answers", side_effect=locked):
        page = client.post(URL, {"section_revision": "0", QUESTION.key: "low"})
        autosave = client.post(
            URL, {"section_revision": "0", QUESTION.key: "low"}, HTTP_HX_REQUEST="true"
        )
    assert page.status_code == 409
    assert "can no longer be changed this way" in page.content.decode()
    assert (autosave.status_code, autosave["R2P-Reason"]) == (403, "locked")


def test_a_refused_login_is_announced_and_titled_as_an_error(client, world) -> None:
    html = client.post(
        "/accounts/login/", {"username": "focal", "password": "wrong"}
    ).content.decode()
    assert '<div class="alert alert-block alert-danger" role="alert">' in html
    assert "<title>Error: Log in" in html


def shown_in(zone: str, moment) -> str:
    """A time as the app shows it to a reader in `zone`."""
    with timezone.override(ZoneInfo(zone)):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def test_a_person_sets_their_name_and_time_zone(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(
        "/accounts/settings/",
        {"first_name": "Amara", "last_name": "Okafor", "time_zone": "Asia/Tokyo"},
    )
    assert response.status_code == 302
    world.editor.refresh_from_db()
    assert world.editor.get_full_name() == "Amara Okafor"
    event = AssessmentEvent.objects.create(assessment=world.assessment, user=world.editor)
    html = client.get("/assessments/XA/2026/history/").content.decode()
    assert "Amara Okafor" in html  # a name, not the username
    assert shown_in("Asia/Tokyo", event.at) in html
    assert shown_in("UTC", event.at) not in html


def test_an_unknown_time_zone_is_refused_at_its_field(client, world) -> None:
    client.force_login(world.editor)
    html = client.post("/accounts/settings/", {"time_zone": "Mars/Olympus"}).content.decode()
    assert "Select a valid choice" in html
    assert not hasattr(world.editor, "r2p_settings")


def test_the_browsers_time_zone_applies_when_none_was_chosen(client, world) -> None:
    event = AssessmentEvent.objects.create(assessment=world.assessment, user=world.editor)
    client.force_login(world.editor)
    client.cookies["r2p_tz"] = "America/Lima"
    html = client.get("/assessments/XA/2026/history/").content.decode()
    assert shown_in("America/Lima", event.at) in html
    assert shown_in("UTC", event.at) not in html
