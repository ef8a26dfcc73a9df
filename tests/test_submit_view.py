from __future__ import annotations

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment, AssessmentEvent
from assessments.scoring import Response

INSTRUMENT = get_instrument(CURRENT_VERSION)
URL = "/assessments/XA/2026/submit/"


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


def test_submit_locks_and_records(client, world) -> None:
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
    for user in (world.viewer, world.reviewer):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL).status_code == 403
    world.assessment.refresh_from_db()
    assert world.assessment.status == Assessment.Status.DRAFT


def test_other_country_is_not_found(client, world) -> None:
    client.force_login(world.other_editor)
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404


def test_anonymous_is_sent_to_login(client, world) -> None:
    assert client.post(URL)["Location"].startswith("/accounts/login/")
