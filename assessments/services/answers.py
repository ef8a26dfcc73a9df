"""Writes of the country's editors: starting an assessment, its answers, the links marked
not relevant, the report's marking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Country,
    DismissedLink,
)
from assessments.scoring import EMPTY, Response
from assessments.services.core import (
    ANSWER_FIELDS,
    PROGRESS_ANSWER_FIELDS,
    PROGRESS_FIELDS,
    Saved,
    SectionConflict,
    _count_progress,
    _editable,
    _touch,
    section_revision,
)
from assessments.services.plan import carry_open_actions


@transaction.atomic
def start_assessment(
    *,
    country: Country,
    cycle: int,
    user: AbstractBaseUser,
    from_previous: bool = False,
    instrument_version: str = CURRENT_VERSION,
) -> Assessment:
    """Open the country's assessment for `cycle`, optionally carrying over from its latest
    earlier cycle the answers, notes and links marked not relevant of the questions whose
    meaning is unchanged (the instrument's carry-over, when that cycle used another version).
    That cycle's open actions are carried in any case, each to be confirmed."""
    if Assessment.objects.filter(country=country, cycle=cycle).exists():
        raise ValidationError(
            _("%(country)s already has a %(cycle)s assessment.")
            % {"country": country.name, "cycle": cycle}
        )
    assessment = Assessment(
        country=country,
        cycle=cycle,
        instrument_version=instrument_version,
        created_by=user,
        updated_by=user,
        revision=1,
    )
    assessment.full_clean()
    assessment.save()
    detail: dict[str, object] = {"instrument_version": instrument_version}
    latest = Assessment.objects.filter(country=country, cycle__lt=cycle).order_by("-cycle").first()
    previous = latest if from_previous else None
    copies: list[Answer] = []
    if previous is not None:
        instrument = get_instrument(instrument_version)
        keys = instrument.keys_from(previous.instrument_version)
        for answer in previous.answers.filter(question_key__in=keys):
            question = instrument.question(keys[answer.question_key])
            copies.append(
                Answer(
                    assessment=assessment,
                    question_key=question.key,
                    # A choice the question no longer offers is not carried; its note is.
                    value=answer.value if answer.value in question.choice_values else "",
                    note=answer.note,
                    keep_out_of_report=answer.keep_out_of_report,
                    revision=1,
                    updated_by=user,
                )
            )
        Answer.objects.bulk_create(copies)
        dismissals = [
            DismissedLink(
                assessment=assessment,
                risk_key=keys[d.risk_key],
                measure_key=keys[d.measure_key],
                reason=d.reason,
                created_by=d.created_by,
            )
            for d in previous.dismissals.all()
            if d.risk_key in keys
            and d.measure_key in keys
            and keys[d.measure_key] in instrument.question(keys[d.risk_key]).mitigated_by
        ]
        DismissedLink.objects.bulk_create(dismissals)
        detail.update(
            from_cycle=previous.cycle, copied=len(copies), links_not_relevant=len(dismissals)
        )
    if latest is not None:
        # Commitments are kept whether or not the answers are: the plan carries on.
        carried = carry_open_actions(previous=latest, assessment=assessment, user=user)
        if carried:
            detail.update(actions_from_cycle=latest.cycle, actions_carried=len(carried))
    _count_progress(assessment, copies)
    assessment.save(update_fields=PROGRESS_FIELDS)
    AssessmentEvent.objects.create(
        assessment=assessment, user=user, kind=AssessmentEvent.Kind.CREATED, detail=detail
    )
    return assessment


def count_progress(*, assessments: Iterable[Assessment]) -> None:
    """Count the answers of those of `assessments` whose figures were never counted (begun
    before the figures were kept), and keep the figures. Derived, not a change: no event, no
    revision. A page that lists assessments calls it for the ones it shows: when all are
    counted, as they are once listed, it costs no query (and takes no lock)."""
    missing = {a.pk: a for a in assessments if a.progress is None}
    if missing:
        _count_missing(missing)


@transaction.atomic
def _count_missing(missing: dict[int, Assessment]) -> None:
    # Under the lock, so that a save meanwhile (which counts too) is not undone; one counted
    # by another request meanwhile is taken as it is.
    locked = list(Assessment.objects.select_for_update().filter(pk__in=missing))
    uncounted = [assessment for assessment in locked if assessment.progress is None]
    answers: dict[int, list[Answer]] = {assessment.pk: [] for assessment in uncounted}
    for answer in Answer.objects.filter(assessment__in=answers).only(*PROGRESS_ANSWER_FIELDS):
        answers[answer.assessment_id].append(answer)
    for assessment in uncounted:
        _count_progress(assessment, answers[assessment.pk])
    Assessment.objects.bulk_update(uncounted, PROGRESS_FIELDS)
    for assessment in locked:
        missing[assessment.pk].progress_answered = assessment.progress_answered
        missing[assessment.pk].progress_total = assessment.progress_total


@transaction.atomic
def save_answers(
    *,
    assessment: Assessment,
    section_key: str,
    responses: Mapping[str, Response],
    user: AbstractBaseUser,
    expected_revision: int,
    writer: str = "",
    loaded: Mapping[str, str] | None = None,
) -> Saved:
    """Save what this page changed among one section's answers.

    `writer` identifies the page (one id per page load: an autosave in flight and a Save
    click on it are one writer); `expected_revision` is the section's revision when it loaded
    and `loaded` each question's Response.digest as the page last had it. A question whose
    response still has its loaded digest was not changed here and is never written back. A
    question changed here and also saved by another page since — anyone's, the same person's
    other tab included — is a conflict: nothing is written and SectionConflict says what is
    theirs. Without `loaded` (a script, the demo) every response given counts as changed.
    """
    locked = _editable(assessment)
    section = get_instrument(locked.instrument_version).section(section_key)
    keys = [question.key for question in section.questions]
    current = {a.question_key: a for a in locked.answers.filter(question_key__in=keys)}
    newer = {
        key: answer
        for key, answer in current.items()
        if answer.revision > expected_revision and (not writer or answer.writer != writer)
    }
    changed_here = {
        key: responses[key]
        for key in keys
        if key in responses and (loaded is None or responses[key].digest != loaded.get(key))
    }
    theirs = {
        key: newer[key]
        for key, response in changed_here.items()
        if key in newer and newer[key].response() != response
    }
    elsewhere = {key: answer for key, answer in newer.items() if key not in changed_here}
    if theirs:
        raise SectionConflict(
            theirs=theirs, elsewhere=elsewhere, section_revision=section_revision(current)
        )

    new_revision = locked.revision + 1
    changes, rows = [], []
    for key, new in changed_here.items():
        old = current[key].response() if key in current else EMPTY
        if old == new:
            continue
        change: dict[str, object] = {"question": key}
        if old.value != new.value:
            change.update(old=old.value, new=new.value)
        if old.note != new.note:
            # Notes can be long and sensitive: the record says that one changed, not how.
            change["note_changed"] = True
        if old.keep_out_of_report != new.keep_out_of_report:
            change["keep_out_of_report"] = new.keep_out_of_report
        changes.append(change)
        rows.append(
            Answer(
                assessment=locked,
                question_key=key,
                value=new.value,
                note=new.note,
                keep_out_of_report=new.keep_out_of_report,
                revision=new_revision,
                updated_by=user,
                writer=writer,
            )
        )
    if not rows:
        return Saved(section_revision(current), tuple(elsewhere))

    Answer.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["assessment", "question_key"],
        update_fields=ANSWER_FIELDS,
    )
    _touch(locked, user=user)
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.ANSWERS_SAVED,
        detail={"section": section_key, "changes": changes},
    )
    assessment.revision = locked.revision
    return Saved(new_revision, tuple(elsewhere))


@transaction.atomic
def dismiss_link(
    *, assessment: Assessment, risk_key: str, measure_key: str, reason: str, user: AbstractBaseUser
) -> DismissedLink:
    """Mark a link that R2P Assess suggests between a risk factor and a measure as not
    relevant for this assessment. The reason is kept and shown to reviewers."""
    if not reason.strip():
        raise ValidationError(_("Say why this link is not relevant here."), code="no_reason")
    locked = _editable(assessment)
    risk = get_instrument(locked.instrument_version).question(risk_key)  # KeyError if unknown
    if measure_key not in risk.mitigated_by:
        raise KeyError(measure_key)
    dismissal, _created = DismissedLink.objects.update_or_create(
        assessment=locked,
        risk_key=risk_key,
        measure_key=measure_key,
        defaults={"reason": reason.strip(), "created_by": user},
    )
    _touch(locked, user=user)
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.LINK_DISMISSED,
        detail={"risk": risk_key, "measure": measure_key},
    )
    return dismissal


@transaction.atomic
def restore_link(
    *, assessment: Assessment, risk_key: str, measure_key: str, user: AbstractBaseUser
) -> None:
    """Bring a link marked not relevant back into the analysis."""
    locked = _editable(assessment)
    deleted, _count = DismissedLink.objects.filter(
        assessment=locked, risk_key=risk_key, measure_key=measure_key
    ).delete()
    if not deleted:
        return  # already restored, in another tab: nothing to record
    _touch(locked, user=user)
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.LINK_RESTORED,
        detail={"risk": risk_key, "measure": measure_key},
    )


@transaction.atomic
def set_marking(*, assessment: Assessment, marking: str, user: AbstractBaseUser) -> Assessment:
    """The security marking the State chooses for its report."""
    locked = _editable(assessment)
    if marking not in Assessment.Marking.values:
        raise ValidationError(_("Choose one of the markings offered."), code="invalid_marking")
    if locked.marking == marking:
        return locked
    previous = locked.marking
    _touch(locked, user=user, marking=marking)
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.MARKING_SET,
        detail={"old": previous, "new": marking},
    )
    return locked
