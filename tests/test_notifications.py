"""Emails go to the right people, say what happened with a link, and carry no answer content."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.scoring import Response
from tests.factories import write_summary
from tests.tasks import run_tasks

SECRET_NOTE = "Confidential: troop movements near the border"
SECRET_SUMMARY = "Our judgement: the northern province is the main concern"


@pytest.fixture
def answered(world):
    question = next(q for q in get_instrument(CURRENT_VERSION).questions if q.kind == "risk")
    services.save_answers(
        assessment=world.assessment,
        section_key=question.section_key,
        responses={question.key: Response("high", SECRET_NOTE)},
        user=world.editor,
        expected_revision=0,
    )
    write_summary(world.assessment, SECRET_SUMMARY)
    return world


def bodies(message) -> str:
    return message.body + "".join(content for content, _ in message.alternatives)


def test_submit_tells_the_reviewers(answered) -> None:
    world = answered
    services.submit(assessment=world.assessment, user=world.editor)
    run_tasks()
    assert [m.to for m in mail.outbox] == [[world.reviewer.email]]
    message = mail.outbox[0]
    assert "Arcadia 2026 was submitted for review" in message.subject
    assert f"/admin/assessments/assessment/{world.assessment.pk}/change/" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert SECRET_NOTE not in bodies(message)
    assert SECRET_SUMMARY not in bodies(message)
    assert "High" not in bodies(message)


def test_each_recipient_reads_it_in_the_language_they_chose(answered) -> None:
    world = answered
    services.choose_language(user=world.viewer, language="fr")
    services.submit(assessment=world.assessment, user=world.editor)  # working in English
    run_tasks()
    mail.outbox.clear()
    with translation.override("es"):  # the reviewer works in Spanish, and chose nothing
        services.return_for_revision(
            assessment=world.assessment, user=world.reviewer, comment="Cite the survey."
        )
    run_tasks()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    with translation.override("fr"):
        french = gettext("%(assessment)s was returned for revision")
    with translation.override("es"):
        spanish = gettext("%(assessment)s was returned for revision")
    assert subjects == {
        world.viewer.email: french % {"assessment": "Arcadia 2026"},
        world.editor.email: spanish % {"assessment": "Arcadia 2026"},
    }
    assert french != spanish


def test_return_and_accept_tell_every_member_of_the_country(answered) -> None:
    world = answered
    members = sorted([world.editor.email, world.viewer.email])
    services.submit(assessment=world.assessment, user=world.editor)
    run_tasks()
    mail.outbox.clear()
    services.return_for_revision(
        assessment=world.assessment, user=world.reviewer, comment=f"About '{SECRET_NOTE}'"
    )
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == members
    assert all("returned for revision" in m.subject for m in mail.outbox)
    assert all("/assessments/XA/2026/" in m.body for m in mail.outbox)
    assert all(SECRET_NOTE not in bodies(m) for m in mail.outbox)
    assert all(SECRET_SUMMARY not in bodies(m) for m in mail.outbox)
    mail.outbox.clear()
    services.submit(assessment=world.assessment, user=world.editor)
    run_tasks()
    assert [m.to for m in mail.outbox] == [[world.reviewer.email]]
    mail.outbox.clear()
    services.accept(assessment=world.assessment, user=world.reviewer)
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == members
    assert all("was accepted" in m.subject for m in mail.outbox)
    # Nobody from another country hears of it.
    assert world.other_editor.email not in {m.to[0] for m in mail.outbox}


def test_the_reviewers_are_told_how_many_questions_are_unanswered(answered) -> None:
    from assessments.scoring import overall_progress

    world = answered
    progress = overall_progress(get_instrument(CURRENT_VERSION), world.assessment.responses())
    unanswered = progress.total - progress.answered
    services.submit(assessment=world.assessment, user=world.editor)
    run_tasks()
    text = bodies(mail.outbox[0])
    assert f"{unanswered} of its {progress.total} questions are unanswered." in text


def test_a_line_break_in_a_countrys_name_never_stops_the_email(answered) -> None:
    world = answered
    world.arcadia.name = "Arcadia\r\nBcc: someone@example.org"
    world.arcadia.save()
    services.submit(assessment=world.assessment, user=world.editor)
    run_tasks()
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
