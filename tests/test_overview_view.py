from __future__ import annotations

import re
from html import unescape

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment, AssessmentEvent
from assessments.scoring import overall_progress
from tests.factories import write_summary

INSTRUMENT = get_instrument(CURRENT_VERSION)
URL = "/assessments/XA/2026/"
MARKING_URL = "/assessments/XA/2026/marking/"


def marking_state(assessment: Assessment) -> tuple[str, int, int]:
    assessment.refresh_from_db()
    events = assessment.events.filter(kind=AssessmentEvent.Kind.MARKING_SET).count()
    return assessment.marking, assessment.revision, events


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
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    client.force_login(world.editor)
    html = client.get(URL).content.decode()
    assert "Submitted for review on" in html
    assert "/assessments/XA/2026/submit/" not in html


def test_editor_sees_the_marking_form_with_the_current_marking(client, world) -> None:
    client.force_login(world.editor)
    html = client.get(URL).content.decode()
    assert f'action="{MARKING_URL}"' in html
    assert 'name="marking"' in html
    for label in ("Unclassified", "Restricted", "Confidential"):
        assert f">{label}</option>" in html
    # Restricted until the State chooses otherwise.
    assert re.search(r'value="restricted"\s+selected', html)
    assert "Printed on every page of the PDF report." in html


def test_editor_changes_the_marking(client, world) -> None:
    _, revision, _ = marking_state(world.assessment)
    client.force_login(world.editor)
    response = client.post(MARKING_URL, {"marking": "confidential"})
    assert response["Location"] == URL
    assert marking_state(world.assessment) == ("confidential", revision + 1, 1)
    event = world.assessment.events.get(kind=AssessmentEvent.Kind.MARKING_SET)
    assert (event.user, event.detail) == (
        world.editor,
        {"old": "restricted", "new": "confidential"},
    )
    html = unescape(client.get(URL).content.decode())
    assert "The report's security marking was saved." in html
    assert re.search(r'value="confidential"\s+selected', html)
    # Choosing the same marking again changes nothing.
    client.post(MARKING_URL, {"marking": "confidential"})
    assert marking_state(world.assessment) == ("confidential", revision + 1, 1)


def test_viewer_sees_the_marking_as_text_and_cannot_change_it(client, world) -> None:
    Assessment.objects.filter(pk=world.assessment.pk).update(marking="unclassified")
    before = marking_state(world.assessment)
    client.force_login(world.viewer)
    html = client.get(URL).content.decode()
    assert 'name="marking"' not in html
    assert MARKING_URL not in html
    assert re.search(r"<p class=\"mb-0\">Unclassified</p>", html)
    assert client.post(MARKING_URL, {"marking": "confidential"}).status_code == 403
    assert marking_state(world.assessment) == before


def test_an_invalid_marking_is_refused_with_a_message(client, world) -> None:
    before = marking_state(world.assessment)
    client.force_login(world.editor)
    for data in ({"marking": "top_secret"}, {"marking": ""}, {}, {"marking": "RESTRICTED"}):
        response = client.post(MARKING_URL, data, follow=True)
        assert response.status_code == 200
        assert "Choose one of the markings offered." in response.content.decode()
        assert marking_state(world.assessment) == before


def test_a_submitted_assessment_keeps_its_marking(client, world) -> None:
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    before = marking_state(world.assessment)
    client.force_login(world.editor)
    html = client.get(URL).content.decode()
    assert 'name="marking"' not in html
    assert "Restricted" in html
    assert client.post(MARKING_URL, {"marking": "unclassified"}).status_code == 403
    assert marking_state(world.assessment) == before


def test_reviewer_sees_every_countrys_submissions_and_no_draft(client, world) -> None:
    Assessment.objects.update(status=Assessment.Status.SUBMITTED)
    client.force_login(world.reviewer)
    assert client.get(URL).status_code == 200
    assert client.get("/assessments/XB/2026/").status_code == 200
    Assessment.objects.filter(country__code="XB").update(status=Assessment.Status.DRAFT)
    assert client.get("/assessments/XB/2026/").status_code == 404


def test_post_is_not_allowed(client, world) -> None:
    client.force_login(world.editor)
    assert client.post(URL).status_code == 405


def test_comments_are_listed_with_their_question_numbers_and_sections_count_open_ones(
    client, world
) -> None:
    question = INSTRUMENT.sections[1].questions[2]
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    services.add_comment(
        assessment=world.assessment,
        user=world.reviewer,
        question_key=question.key,
        text="Please cite the 2024 figures.",
    )
    services.return_for_revision(assessment=world.assessment, user=world.reviewer, comment="See.")
    client.force_login(world.editor)
    html = unescape(client.get(URL).content.decode())
    assert f"2.3 {question.title}</a>:" in html
    assert "1 open comment" in html
    section = client.get(f"{URL}sections/{question.section_key}/").content.decode()
    assert "1 open comment from the secretariat in this section" in section
    assert f'href="#q-{question.key}">2.3 ' in section


def test_an_editor_withdraws_a_submission_no_reviewer_has_opened(client, world) -> None:
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    client.force_login(world.editor)
    assert "/assessments/XA/2026/withdraw/" in client.get(URL).content.decode()
    page = client.get(f"{URL}withdraw/").content.decode()
    assert "The secretariat has not opened it yet" in page
    response = client.post(f"{URL}withdraw/")
    assert response.status_code == 302
    world.assessment.refresh_from_db()
    assert world.assessment.status == Assessment.Status.DRAFT


def test_no_withdrawal_once_the_review_has_begun(client, world) -> None:
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    world.assessment.refresh_from_db()
    services.record_read(assessment=world.assessment, user=world.reviewer, what="review")
    client.force_login(world.editor)
    assert "/withdraw/" not in client.get(URL).content.decode()
    page = client.get(f"{URL}withdraw/").content.decode()
    assert "can no longer be withdrawn" in page
    response = client.post(f"{URL}withdraw/")
    assert response.status_code == 409
    world.assessment.refresh_from_db()
    assert world.assessment.status == Assessment.Status.SUBMITTED


def test_a_viewer_cannot_withdraw(client, world) -> None:
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    client.force_login(world.viewer)
    assert client.post(f"{URL}withdraw/").status_code == 403


def test_the_overview_names_the_questionnaire_version(client, world) -> None:
    client.force_login(world.viewer)
    assert CURRENT_VERSION in client.get(URL).content.decode()
