from __future__ import annotations

import pytest

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment, AssessmentEvent
from tests.factories import write_summary

QUESTION = next(q for q in get_instrument(CURRENT_VERSION).questions if q.kind == "risk")


@pytest.fixture
def returned(world):
    """Arcadia 2026, submitted, commented on one question, returned with a general comment."""
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    comment = services.add_comment(
        assessment=world.assessment,
        user=world.reviewer,
        question_key=QUESTION.key,
        text="What is the source for this level?",
    )
    services.return_for_revision(
        assessment=world.assessment, user=world.reviewer, comment="Please add sources."
    )
    world.comment = comment
    world.url = f"/assessments/XA/2026/comments/{comment.pk}/"
    return world


def test_returned_overview_shows_the_comments_and_what_they_are_about(client, returned) -> None:
    client.force_login(returned.editor)
    html = client.get("/assessments/XA/2026/").content.decode()
    assert "Returned for revision" in html
    assert "Please add sources." in html
    assert "What is the source for this level?" in html
    assert returned.url in html


def test_the_comment_shows_beside_its_question(client, returned) -> None:
    client.force_login(returned.editor)
    html = client.get(f"/assessments/XA/2026/sections/{QUESTION.section_key}/").content.decode()
    fieldset = html[html.index(f'id="q-{QUESTION.key}"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "What is the source for this level?" in fieldset
    assert "Reply or mark resolved" in fieldset


def test_an_editor_replies_and_resolves(client, returned) -> None:
    client.force_login(returned.editor)
    response = client.post(returned.url, {"reply": "National survey 2024.", "resolved": "on"})
    assert response["Location"] == (
        f"/assessments/XA/2026/sections/{QUESTION.section_key}/#q-{QUESTION.key}"
    )
    returned.comment.refresh_from_db()
    assert returned.comment.reply == "National survey 2024."
    assert returned.comment.resolved
    assert returned.comment.replied_by == returned.editor
    assert returned.assessment.events.filter(kind=AssessmentEvent.Kind.REPLIED).exists()
    html = client.get(f"/assessments/XA/2026/sections/{QUESTION.section_key}/").content.decode()
    assert "National survey 2024." in html


def test_a_viewer_reads_but_cannot_reply(client, returned) -> None:
    client.force_login(returned.viewer)
    html = client.get(returned.url).content.decode()
    assert "What is the source for this level?" in html
    assert 'name="reply"' not in html
    assert client.post(returned.url, {"reply": "x"}).status_code == 403


def test_no_reply_once_resubmitted(client, returned) -> None:
    Assessment.objects.filter(pk=returned.assessment.pk).update(status="submitted")
    client.force_login(returned.editor)
    assert client.post(returned.url, {"reply": "late"}).status_code == 403


def test_an_overlong_reply_is_refused_and_kept(client, returned) -> None:
    client.force_login(returned.editor)
    reply = "word " * 1100
    response = client.post(returned.url, {"reply": reply})
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    returned.comment.refresh_from_db()
    assert returned.comment.reply == ""


def test_other_country_and_anonymous(client, returned) -> None:
    assert client.get(returned.url)["Location"].startswith("/accounts/login/")
    client.force_login(returned.other_editor)
    assert client.get(returned.url).status_code == 404
    assert client.post(returned.url, {"reply": "x"}).status_code == 404


def test_a_comment_of_another_assessment_is_not_found(client, returned) -> None:
    other = services.add_comment(
        assessment=returned.other_assessment, user=returned.reviewer, question_key="", text="B"
    )
    client.force_login(returned.editor)
    assert client.get(f"/assessments/XA/2026/comments/{other.pk}/").status_code == 404


def test_a_comment_on_the_summary_shows_it_and_leads_back_to_it(client, returned) -> None:
    summary = get_instrument(CURRENT_VERSION).summary_question
    comment = services.add_comment(
        assessment=returned.assessment,
        user=returned.reviewer,
        question_key=summary.key,
        text="Say who was consulted.",
    )
    client.force_login(returned.editor)
    html = client.get(f"/assessments/XA/2026/comments/{comment.pk}/").content.decode()
    assert "Our overall judgement, in brief." in html
    assert "Say who was consulted." in html
    back = f"/assessments/XA/2026/sections/{summary.section_key}/#q-{summary.key}"
    assert f'href="{back}"' in html
    response = client.post(f"/assessments/XA/2026/comments/{comment.pk}/", {"reply": "Done."})
    assert response["Location"] == back
