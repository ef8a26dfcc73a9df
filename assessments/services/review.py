"""The review round: submit, withdraw, open, comment and reply, return, accept."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import notifications
from assessments.access import reviewers
from assessments.instrument import get_instrument
from assessments.models import (
    Action,
    Assessment,
    AssessmentEvent,
    Membership,
    Read,
    ReviewComment,
)
from assessments.services.core import AssessmentLocked, _editable, _lock, _touch


@transaction.atomic
def submit(*, assessment: Assessment, user: AbstractBaseUser) -> Assessment:
    """Send a draft (or a returned assessment) for review; its answers are then locked. The
    focal point's summary, where the instrument has one, is written first: it is the report's
    first word."""
    locked = _editable(assessment)
    summary = get_instrument(locked.instrument_version).summary_question
    if summary is not None:
        written = locked.answers.filter(question_key=summary.key).values_list("note", flat=True)
        if not "".join(written).strip():
            raise ValidationError(
                _("Write the focal point's summary before submitting: it opens the report."),
                code="no_summary",
            )
    previous_status = locked.status
    _touch(locked, user=user, status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.SUBMITTED,
        detail={"from": previous_status},
    )
    notifications.notify("submitted", assessment=locked.pk, by=user.pk)
    return locked


def review_started(assessment: Assessment) -> bool:
    """Whether a reviewer has read (the read log) or commented on the assessment since it was
    last submitted: from then on it is the secretariat's to return, no longer the country's
    to withdraw."""
    submitted = (
        assessment.events.filter(kind=AssessmentEvent.Kind.SUBMITTED).order_by("-id").first()
    )
    if submitted is None:
        return False
    commented = assessment.events.filter(
        id__gt=submitted.id, kind=AssessmentEvent.Kind.COMMENTED
    ).exists()
    members = Membership.objects.filter(country=assessment.country_id).values("user")
    read = (
        assessment.reads.filter(at__gte=submitted.at, user__in=reviewers())
        .exclude(user__in=members)
        .exists()
    )
    return commented or read


def can_withdraw(assessment: Assessment) -> bool:
    return assessment.status == Assessment.Status.SUBMITTED and not review_started(assessment)


@transaction.atomic
def withdraw(*, assessment: Assessment, user: AbstractBaseUser) -> Assessment:
    """Take a submission back, to the status it was submitted from, until a reviewer has
    opened it or commented on it. Reviewers are told."""
    locked = _lock(assessment)
    if locked.status != Assessment.Status.SUBMITTED:
        raise AssessmentLocked(
            _("Only a submitted assessment can be withdrawn; this one's status is: %(status)s.")
            % {"status": locked.get_status_display()}
        )
    if review_started(locked):
        raise AssessmentLocked(
            _(
                "The secretariat has begun reviewing it, so it can no longer be withdrawn: "
                "ask them to return it."
            )
        )
    submitted = locked.events.filter(kind=AssessmentEvent.Kind.SUBMITTED).order_by("-id").first()
    back_to = submitted.detail.get("from") if submitted else Assessment.Status.DRAFT
    if back_to not in Assessment.EDITABLE_STATUSES:
        back_to = Assessment.Status.DRAFT
    _touch(locked, user=user, status=back_to, submitted_at=None)
    AssessmentEvent.objects.create(
        assessment=locked, user=user, kind=AssessmentEvent.Kind.WITHDRAWN, detail={"to": back_to}
    )
    notifications.notify("withdrawn", assessment=locked.pk, by=user.pk)
    return locked


def record_read(*, assessment: Assessment, user: AbstractBaseUser, what: str) -> Read:
    """Note that `user` read the assessment's results, report or review page. Changes nothing
    in the assessment: no event, no revision."""
    return Read.objects.create(assessment=assessment, user=user, what=what)


def _require_submitted(assessment: Assessment, refusal: str) -> None:
    """`refusal`: the whole message, with the assessment's status in its own words (one
    sentence a language, never glued from pieces)."""
    if assessment.status != Assessment.Status.SUBMITTED:
        raise AssessmentLocked(refusal % {"status": assessment.get_status_display()})


@transaction.atomic
def return_for_revision(
    *, assessment: Assessment, user: AbstractBaseUser, comment: str
) -> Assessment:
    """Send a submitted assessment back to its country, with a general comment saying why."""
    if not comment.strip():
        raise ValidationError(_("Say what should change: a comment is needed to return it."))
    locked = _lock(assessment)
    _require_submitted(
        locked,
        _(
            "Only a submitted assessment can be returned for revision; this one's status is: "
            "%(status)s."
        ),
    )
    ReviewComment.objects.create(assessment=locked, author=user, text=comment.strip())
    _touch(locked, user=user, reviewing=True, status=Assessment.Status.RETURNED)
    AssessmentEvent.objects.create(assessment=locked, user=user, kind=AssessmentEvent.Kind.RETURNED)
    notifications.notify("returned", assessment=locked.pk, by=user.pk)
    return locked


@transaction.atomic
def accept(*, assessment: Assessment, user: AbstractBaseUser) -> Assessment:
    """Make a submitted assessment final: locked for good, its report without the draft mark."""
    locked = _lock(assessment)
    _require_submitted(
        locked, _("Only a submitted assessment can be accepted; this one's status is: %(status)s.")
    )
    _touch(
        locked,
        user=user,
        reviewing=True,
        status=Assessment.Status.ACCEPTED,
        accepted_at=timezone.now(),
    )
    AssessmentEvent.objects.create(assessment=locked, user=user, kind=AssessmentEvent.Kind.ACCEPTED)
    notifications.notify("accepted", assessment=locked.pk, by=user.pk)
    return locked


@transaction.atomic
def add_comment(
    *,
    assessment: Assessment,
    user: AbstractBaseUser,
    question_key: str,
    text: str,
    action: Action | None = None,
) -> ReviewComment:
    """A reviewer's comment on one question, on one action of the plan, or (with neither) on
    the whole assessment."""
    if not text.strip():
        raise ValidationError(_("Write the comment first."))
    locked = _lock(assessment)
    if question_key:
        get_instrument(locked.instrument_version).question(question_key)  # KeyError if unknown
    if action is not None and action.assessment_id != locked.pk:
        raise ValueError("The action is another assessment's.")
    comment = ReviewComment.objects.create(
        assessment=locked, author=user, question_key=question_key, text=text.strip(), action=action
    )
    _touch(locked, user=user, reviewing=True)
    detail = {"comment": comment.pk, "question": question_key}
    if action is not None:
        detail["action"] = action.pk
    AssessmentEvent.objects.create(
        assessment=locked, user=user, kind=AssessmentEvent.Kind.COMMENTED, detail=detail
    )
    return comment


@transaction.atomic
def reply_to_comment(
    *, comment: ReviewComment, user: AbstractBaseUser, reply: str, resolved: bool
) -> ReviewComment:
    """The country's answer to a reviewer's comment, and whether it is now dealt with."""
    locked = _editable(comment.assessment)
    comment.reply = reply.strip()
    comment.replied_by = user
    comment.replied_at = timezone.now()
    comment.resolved = resolved
    comment.save(update_fields=["reply", "replied_by", "replied_at", "resolved"])
    _touch(locked, user=user)
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.REPLIED,
        detail={"comment": comment.pk, "question": comment.question_key, "resolved": resolved},
    )
    return comment
