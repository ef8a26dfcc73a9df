from __future__ import annotations

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.scoring import overall_progress

INSTRUMENT = get_instrument(CURRENT_VERSION)
URL = "/assessments/XA/2026/"


def test_anonymous_is_sent_to_login(client, world) -> None:
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_another_country_is_not_found(client, world) -> None:
    client.force_login(world.other_editor)
    assert client.get(URL).status_code == 404
    client.force_login(world.outsider)
    assert client.get(URL).status_code == 404


def test_editor_sees_sections_progress_and_the_submit_link(client, world) -> None:
    client.force_login(world.editor)
    html = client.get(URL).content.decode()
    for section in INSTRUMENT.sections:
        assert section.title in html
        assert f"/assessments/XA/2026/sections/{section.key}/" in html
    assert "/assessments/XA/2026/submit/" in html
    assert "/assessments/XA/2026/history/" in html
    total = overall_progress(INSTRUMENT, {}).total
    assert f"0 of {total} questions answered" in html


def test_viewer_has_no_submit_link(client, world) -> None:
    client.force_login(world.viewer)
    html = client.get(URL).content.decode()
    assert "/assessments/XA/2026/submit/" not in html
    assert "only the country's editors can change it" in html


def test_submitted_shows_a_status_banner(client, world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    client.force_login(world.editor)
    html = client.get(URL).content.decode()
    assert "Submitted for review on" in html
    assert "/assessments/XA/2026/submit/" not in html


def test_reviewer_sees_every_country(client, world) -> None:
    client.force_login(world.reviewer)
    assert client.get(URL).status_code == 200
    assert client.get("/assessments/XB/2026/").status_code == 200


def test_post_is_not_allowed(client, world) -> None:
    client.force_login(world.editor)
    assert client.post(URL).status_code == 405
