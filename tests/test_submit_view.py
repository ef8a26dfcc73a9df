from __future__ import annotations

from html import unescape

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment, AssessmentEvent
from assessments.scoring import Response
from tests.factories import AssessmentFactory, write_summary

INSTRUMENT = get_instrument(CURRENT_VERSION)
URL = "/assessments/XA/2026/submit/"
SUMMARY_NEEDED = "The focal point's summary is needed"
REFUSED = "Write the focal point's summary before submitting: it opens the report."


def answer_everything(assessment, user, value_for=lambda q: "dont_know") -> None:
    for section in INSTRUMENT.sections:
        services.save_answers(
            assessment=assessment,
            section_key=section.key,
            responses={
                q.key: Response("" if q.kind == "text" else value_for(q), "Evidence")
                for q in section.questions
            },
            user=user,
            expected_revision=0,
        )


def test_it_lists_unanswered_questions_by_section_with_links(client, world) -> None:
    client.force_login(world.editor)
    html = client.get(URL).content.decode()
    first = INSTRUMENT.sections[0]
    assert first.title in html
    assert f"/assessments/XA/2026/sections/{first.key}/#q-{first.questions[0].key}" in html


def test_dont_know_counts_as_answered(client, world) -> None:
    answer_everything(world.assessment, world.editor)
    client.force_login(world.editor)
    html = client.get(URL).content.decode()
    assert "Every question is answered." in html


def test_without_a_summary_the_page_says_it_is_needed_and_links_to_it(client, world) -> None:
    client.force_login(world.editor)
    html = client.get(URL).content.decode()
    assert 'id="summary-needed"' in html
    assert SUMMARY_NEEDED in html
    summary = INSTRUMENT.summary_question
    assert f"/assessments/XA/2026/sections/{summary.section_key}/#q-{summary.key}" in html


def test_without_a_summary_submitting_is_refused_with_the_reason(client, world) -> None:
    # Every question answered, but a summary of blanks is no summary.
    answer_everything(world.assessment, world.editor)
    write_summary(world.assessment, "  \n ")
    world.assessment.refresh_from_db()
    revision = world.assessment.revision
    client.force_login(world.editor)
    response = client.post(URL)
    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert REFUSED in html
    assert 'id="submit-error"' in html
    assert SUMMARY_NEEDED in html
    world.assessment.refresh_from_db()
    assert world.assessment.status == Assessment.Status.DRAFT
    assert world.assessment.submitted_at is None
    assert world.assessment.revision == revision
    assert not world.assessment.events.filter(kind=AssessmentEvent.Kind.SUBMITTED).exists()


def test_with_a_summary_the_box_is_gone_and_it_submits(client, world) -> None:
    write_summary(world.assessment)
    client.force_login(world.editor)
    html = client.get(URL).content.decode()
    assert SUMMARY_NEEDED not in html
    assert client.post(URL).status_code == 302
    world.assessment.refresh_from_db()
    assert world.assessment.status == Assessment.Status.SUBMITTED


def test_a_v1_assessment_submits_without_any_summary(client, world) -> None:
    earlier = AssessmentFactory(
        country=world.arcadia, cycle=2025, instrument_version="2013-summary/v1"
    )
    client.force_login(world.editor)
    url = "/assessments/XA/2025/submit/"
    assert SUMMARY_NEEDED not in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == "/assessments/XA/2025/"
    earlier.refresh_from_db()
    assert earlier.status == Assessment.Status.SUBMITTED
    assert not earlier.answers.exists()


def test_submit_locks_and_records(client, world) -> None:
    write_summary(world.assessment)
    client.force_login(world.editor)
    response = client.post(URL)
    assert response["Location"] == "/assessments/XA/2026/"
    world.assessment.refresh_from_db()
    assert world.assessment.status == Assessment.Status.SUBMITTED
    assert world.assessment.submitted_at is not None
    assert world.assessment.events.filter(kind=AssessmentEvent.Kind.SUBMITTED).exists()
    # Locked: a second submit and any edit are refused.
    assert client.post(URL).status_code == 403
    assert client.get(URL).status_code == 403


def test_viewer_and_reviewer_cannot_submit(client, world) -> None:
    client.force_login(world.viewer)
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403
    client.force_login(world.reviewer)  # a draft is not theirs to see
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404
    world.assessment.refresh_from_db()
    assert world.assessment.status == Assessment.Status.DRAFT


def test_other_country_is_not_found(client, world) -> None:
    client.force_login(world.other_editor)
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404


def test_anonymous_is_sent_to_login(client, world) -> None:
    assert client.post(URL)["Location"].startswith("/accounts/login/")
