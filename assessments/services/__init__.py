"""Every write to an assessment. Each service is atomic, records an AssessmentEvent and moves
the assessment's revision on, so that anything derived from it (a PDF) is known to be stale.

Keyword-only and typed; views never call .save() on a domain model. answers.py holds the
country's writes, evidence.py the sources and judgements behind answers, plan.py the action
plan, review.py the review round, people.py people's own settings and invitations,
transfer.py an assessment imported from an export; core.py what they share.
"""

from __future__ import annotations

from assessments.services.answers import (
    count_progress,
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
from assessments.services.evidence import (
    JudgementConflict,
    add_source,
    judge_answer,
    remove_source,
)
from assessments.services.people import (
    begin_second_factor,
    choose_language,
    confirm_second_factor,
    invite_member,
    new_recovery_codes,
    remove_second_factor,
    update_settings,
    verify_second_factor,
)
from assessments.services.plan import (
    ActionConflict,
    Plan,
    add_action,
    confirm_action,
    update_action,
)
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
from assessments.services.transfer import Imported, ImportRefused, import_assessment

__all__ = [
    "ActionConflict",
    "AssessmentLocked",
    "ImportRefused",
    "Imported",
    "JudgementConflict",
    "Plan",
    "Saved",
    "SectionConflict",
    "accept",
    "add_action",
    "add_comment",
    "add_source",
    "begin_second_factor",
    "can_withdraw",
    "choose_language",
    "confirm_action",
    "confirm_second_factor",
    "count_progress",
    "dismiss_link",
    "import_assessment",
    "invite_member",
    "judge_answer",
    "new_recovery_codes",
    "record_read",
    "remove_second_factor",
    "remove_source",
    "reply_to_comment",
    "restore_link",
    "return_for_revision",
    "review_started",
    "save_answers",
    "section_revision",
    "set_marking",
    "start_assessment",
    "submit",
    "update_action",
    "update_settings",
    "verify_second_factor",
    "withdraw",
]
