"""Status moves only through services: every transition from every status."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import Assessment, AssessmentEvent, ReviewComment
from tests.factories import write_summary
from tests.tasks import queued, run_tasks

Status = Assessment.Status

ALLOWED = {
    "submit": {Status.DRAFT: Status.SUBMITTED, Status.RETURNED: Status.SUBMITTED},
    "return": {Status.SUBMITTED: Status.RETURNED},
    "accept": {Status.SUBMITTED: Status.ACCEPTED},
    "withdraw": {Status.SUBMITTED: Status.DRAFT},
}


@pytest.fixture(autouse=True)
def summary_written(world) -> None:
    """Submitting a v2 assessment needs the focal point's summary (tests/test_submit_view.py)."""
    write_summary(world.assessment)


def act(action: str, world) -> None:
    if action == "submit":
        services.submit(assessment=world.assessment, user=world.editor)
    elif action == "return":
        services.return_for_revision(
            assessment=world.assessment, user=world.reviewer, comment="Please add evidence."
        )
    elif action == "withdraw":
        services.withdraw(assessment=world.assessment, user=world.editor)
    else:
        services.accept(assessment=world.assessment, user=world.reviewer)


@pytest.mark.parametrize("action", ALLOWED)
@pytest.mark.parametrize("status", list(Status))
def test_each_transition_from_each_status(world, action, status) -> None:
    Assessment.objects.filter(pk=world.assessment.pk).update(status=status)
    world.assessment.refresh_from_db()
    if status in ALLOWED[action]:
        act(action, world)
        world.assessment.refresh_from_db()
        assert world.assessment.status == ALLOWED[action][status]
        assert world.assessment.events.exists()
    else:
        with pytest.raises(services.AssessmentLocked):
            act(action, world)
        world.assessment.refresh_from_db()
        assert world.assessment.status == status
        assert not world.assessment.events.exists()


def test_return_needs_a_comment_and_records_it_as_a_general_comment(world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    with pytest.raises(ValidationError):
        services.return_for_revision(assessment=world.assessment, user=world.reviewer, comment=" ")
    services.return_for_revision(
        assessment=world.assessment, user=world.reviewer, comment="Add sources to 1.2"
    )
    comment = ReviewComment.objects.get()
    assert (comment.question_key, comment.text, comment.author) == (
        "",
        "Add sources to 1.2",
        world.reviewer,
    )
    assert world.assessment.events.filter(kind=AssessmentEvent.Kind.RETURNED).exists()


def test_accept_stamps_the_time(world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    services.accept(assessment=world.assessment, user=world.reviewer)
    world.assessment.refresh_from_db()
    assert world.assessment.accepted_at is not None
    assert not world.assessment.is_editable


def test_reply_is_refused_once_locked(world) -> None:
    comment = services.add_comment(
        assessment=world.assessment, user=world.reviewer, question_key="", text="Why?"
    )
    services.submit(assessment=world.assessment, user=world.editor)
    with pytest.raises(services.AssessmentLocked):
        services.reply_to_comment(comment=comment, user=world.editor, reply="x", resolved=True)


def test_a_comment_on_an_unknown_question_is_refused(world) -> None:
    with pytest.raises(KeyError):
        services.add_comment(
            assessment=world.assessment, user=world.reviewer, question_key="risk.nope", text="?"
        )
    assert not ReviewComment.objects.exists()


def test_the_email_waits_in_the_queue_for_the_worker(world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    assert mail.outbox == []
    [task] = queued("send_email")
    assert list(task.args) == ["submitted"]
    assert task.kwargs == {
        "language": "en",
        "assessment": world.assessment.pk,
        "by": world.editor.pk,
    }
    run_tasks()
    assert len(mail.outbox) == 1


def test_a_withdrawn_resubmission_goes_back_to_returned(world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    services.return_for_revision(assessment=world.assessment, user=world.reviewer, comment="Add.")
    services.submit(assessment=world.assessment, user=world.editor)
    services.withdraw(assessment=world.assessment, user=world.editor)
    world.assessment.refresh_from_db()
    assert (world.assessment.status, world.assessment.submitted_at) == (Status.RETURNED, None)
    event = world.assessment.events.first()
    assert (event.kind, event.detail) == (AssessmentEvent.Kind.WITHDRAWN, {"to": "returned"})


@pytest.mark.parametrize("started", ["opened", "commented"])
def test_no_withdrawal_once_a_reviewer_has_opened_or_commented(world, started) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    world.assessment.refresh_from_db()
    assert services.can_withdraw(world.assessment)
    if started == "opened":
        services.record_read(assessment=world.assessment, user=world.reviewer, what="review")
    else:
        services.add_comment(
            assessment=world.assessment, user=world.reviewer, question_key="", text="Seen."
        )
    assert not services.can_withdraw(world.assessment)
    with pytest.raises(services.AssessmentLocked, match="begun reviewing"):
        services.withdraw(assessment=world.assessment, user=world.editor)
    world.assessment.refresh_from_db()
    assert world.assessment.status == Status.SUBMITTED


def test_a_read_is_recorded_and_moves_no_revision(world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    world.assessment.refresh_from_db()
    revision = world.assessment.revision
    for what in ("results", "report", "review"):
        services.record_read(assessment=world.assessment, user=world.reviewer, what=what)
    assert world.assessment.reads.count() == 3
    world.assessment.refresh_from_db()
    assert world.assessment.revision == revision


def test_the_countrys_own_reads_never_end_withdrawal(world) -> None:
    """Only the secretariat's reading starts the review: the focal point reading their own
    results or report after submitting does not."""
    services.submit(assessment=world.assessment, user=world.editor)
    world.assessment.refresh_from_db()
    for user in (world.editor, world.viewer):
        services.record_read(assessment=world.assessment, user=user, what="report")
    assert services.can_withdraw(world.assessment)


def test_a_read_before_the_submission_does_not_count(world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    services.record_read(assessment=world.assessment, user=world.reviewer, what="review")
    services.return_for_revision(assessment=world.assessment, user=world.reviewer, comment="A.")
    services.submit(assessment=world.assessment, user=world.editor)
    world.assessment.refresh_from_db()
    assert services.can_withdraw(world.assessment)


def test_last_edited_names_the_countrys_editor_not_the_reviewer(world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    world.assessment.refresh_from_db()
    edited = (world.assessment.updated_by, world.assessment.updated_at)
    services.add_comment(
        assessment=world.assessment, user=world.reviewer, question_key="", text="A."
    )
    services.accept(assessment=world.assessment, user=world.reviewer)
    world.assessment.refresh_from_db()
    assert (world.assessment.updated_by, world.assessment.updated_at) == edited
    assert world.assessment.status == Status.ACCEPTED


def test_withdrawal_tells_the_reviewers(world) -> None:
    world.reviewer.email = "reviewer@example.org"
    world.reviewer.save()
    services.submit(assessment=world.assessment, user=world.editor)
    run_tasks()
    mail.outbox.clear()
    services.withdraw(assessment=world.assessment, user=world.editor)
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["reviewer@example.org"]
    assert "withdrawn" in message.subject
