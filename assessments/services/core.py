"""What every write shares: the lock on the assessment, the status check, the revision, and
the answered-of-asked figures kept on the assessment."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from assessments import rendering, reports
from assessments.instrument import get_instrument
from assessments.models import Answer, Assessment
from assessments.scoring import overall_progress

ANSWER_FIELDS = [
    "value",
    "note",
    "keep_out_of_report",
    "revision",
    "updated_by",
    "updated_at",
    "writer",
]


class AssessmentLocked(Exception):
    """The assessment is not in a status that allows this write."""


@dataclass
class SectionConflict(Exception):
    """Questions that this page changed and another page (anyone's, the writer's own other
    tab included) changed too since this page loaded them: nothing was written."""

    theirs: dict[str, Answer]  # changed on both sides: the writer chooses
    elsewhere: dict[str, Answer]  # changed only elsewhere: kept, and shown to the writer
    section_revision: int


@dataclass(frozen=True)
class Saved:
    revision: int  # the section's, after the save
    elsewhere: tuple[str, ...]  # questions changed by another page since this one loaded


def section_revision(answers: Mapping[str, Answer]) -> int:
    return max((answer.revision for answer in answers.values()), default=0)


def _lock(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _editable(assessment: Assessment) -> Assessment:
    locked = _lock(assessment)
    if not locked.is_editable:
        raise AssessmentLocked(locked.get_status_display())
    return locked


PROGRESS_FIELDS = ["progress_answered", "progress_total"]


PROGRESS_ANSWER_FIELDS = ["assessment_id", "question_key", "value", "note", "keep_out_of_report"]


def _count_progress(assessment: Assessment, answers: Iterable[Answer] | None = None) -> None:
    """Set the assessment's answered-of-asked figures from its answers (those stored now, or
    `answers`); not saved. Every write counts again, whatever it changed: skip logic makes the
    questions asked depend on the answers, and a write that forgot to count would leave them
    wrong."""
    if answers is None:
        answers = Answer.objects.filter(assessment=assessment.pk).only(*PROGRESS_ANSWER_FIELDS)
    progress = overall_progress(
        get_instrument(assessment.instrument_version),
        {answer.question_key: answer.response() for answer in answers},
    )
    assessment.progress_answered, assessment.progress_total = progress.answered, progress.total


def _touch(
    assessment: Assessment, *, user: AbstractBaseUser, reviewing: bool = False, **fields: object
) -> None:
    """Move the revision on and count the answers again. "Last edited" (updated_by,
    updated_at) names the country's last editor: a reviewer's comment or decision is not an
    edit of the country's assessment."""
    assessment.revision += 1
    edited = [] if reviewing else ["updated_by", "updated_at"]
    if not reviewing:
        assessment.updated_by = user
    for name, value in fields.items():
        setattr(assessment, name, value)
    _count_progress(assessment)
    assessment.save(update_fields=["revision", *edited, *PROGRESS_FIELDS, *fields])
    # The stored PDF of the revision before is of no use, and may hold text now erased.
    transaction.on_commit(functools.partial(reports.forget_stored_reports, assessment.pk))
    # The new one is rendered ahead of time, once the assessment has been quiet a moment; so
    # is the next cycle's, whose "what changed" compares with this one.
    rendering.schedule(assessment)
    later = (
        Assessment.objects.filter(country_id=assessment.country_id, cycle__gt=assessment.cycle)
        .order_by("cycle")
        .select_for_update()  # locked after this one, as every caller does: never a deadlock
        .first()
    )
    if later is not None:
        rendering.schedule(later)
