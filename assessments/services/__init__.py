"""Every write to an assessment. Each service is atomic, records an AssessmentEvent and moves
the assessment's revision on, so that anything derived from it (a PDF) is known to be stale.

Keyword-only and typed; views never call .save() on a domain model. answers.py holds the
country's writes, review.py the review round, people.py people's own settings and
invitations; core.py what they share.
"""

from __future__ import annotations

from assessments.services.answers import (
    dismiss_link,
    restore_link,
    save_answers,
    set_marking,
    start_assessment,
)
from assessments.services.core import (
    AssessmentLocked,
    Saved,
    SectionConflict,
    section_revision,
)
from assessments.services.people import invite_member, update_settings
from assessments.services.review import (
    accept,
    add_comment,
    can_withdraw,
    record_read,
    reply_to_comment,
    return_for_revision,
    review_started,
    submit,
    withdraw,
)

__all__ = [
    "AssessmentLocked",
    "Saved",
    "SectionConflict",
    "accept",
    "add_comment",
    "can_withdraw",
    "dismiss_link",
    "invite_member",
    "record_read",
    "reply_to_comment",
    "restore_link",
    "return_for_revision",
    "review_started",
    "save_answers",
    "section_revision",
    "set_marking",
    "start_assessment",
    "submit",
    "update_settings",
    "withdraw",
]
