"""Writes of the action plan: actions added, updated, confirmed when carried from the cycle
before; and what is carried when a cycle starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.instrument import Instrument, get_instrument
from assessments.models import Action, Assessment, AssessmentEvent
from assessments.services.core import _editable, _touch

PLAN_FIELDS = ("what", "lead", "due", "status", "reason", "indicator", "questions")


@dataclass
class ActionConflict(Exception):
    """Someone changed the action after the page that sent this change loaded it."""

    theirs: Action


@dataclass(frozen=True)
class Plan:
    """What an action says, as a form cleans it."""

    what: str
    lead: str
    due: date | None
    status: str
    reason: str
    indicator: str
    questions: list[str]


def _checked(plan: Plan, instrument: Instrument) -> Plan:
    if plan.status == Action.Status.DROPPED and not plan.reason.strip():
        raise ValidationError({"reason": _("Say why the action was dropped.")}, code="no_reason")
    for key in plan.questions:
        instrument.question(key)  # KeyError if unknown
    order = {question.key: index for index, question in enumerate(instrument.questions)}
    return Plan(
        what=plan.what.strip(),
        lead=plan.lead.strip(),
        due=plan.due,
        status=plan.status,
        reason=plan.reason.strip() if plan.status == Action.Status.DROPPED else "",
        indicator=plan.indicator.strip(),
        questions=sorted(set(plan.questions), key=order.__getitem__),
    )


@transaction.atomic
def add_action(*, assessment: Assessment, plan: Plan, user: AbstractBaseUser) -> Action:
    locked = _editable(assessment)
    plan = _checked(plan, get_instrument(locked.instrument_version))
    _touch(locked, user=user)
    action = Action.objects.create(
        assessment=locked,
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
        revision=locked.revision,
        created_by=user,
        updated_by=user,
    )
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.ACTION_ADDED,
        detail={"action": action.pk, "title": action.what[:200]},
    )
    return action


@transaction.atomic
def update_action(
    *, action: Action, plan: Plan, expected_revision: int, user: AbstractBaseUser
) -> Action:
    """Change an action as a page had it (`expected_revision`: the action's revision when the
    page loaded it); if it has changed since, nothing is written. A carried action that is
    updated (or closed) is confirmed by that."""
    locked = _editable(action.assessment)
    current = Action.objects.select_for_update().get(pk=action.pk, assessment=locked)
    if current.revision != expected_revision:
        raise ActionConflict(current)
    plan = _checked(plan, get_instrument(locked.instrument_version))
    _touch(locked, user=user)
    changed = [name for name in PLAN_FIELDS if getattr(current, name) != getattr(plan, name)]
    for name in PLAN_FIELDS:
        setattr(current, name, getattr(plan, name))
    current.to_confirm = False
    current.revision = locked.revision
    current.updated_by = user
    current.save()
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.ACTION_CHANGED,
        detail={"action": current.pk, "title": current.what[:200], "changed": changed},
    )
    return current


@transaction.atomic
def confirm_action(*, action: Action, user: AbstractBaseUser) -> Action:
    """A carried action confirmed as it stands, for this cycle."""
    locked = _editable(action.assessment)
    current = Action.objects.select_for_update().get(pk=action.pk, assessment=locked)
    if not current.to_confirm:
        return current  # confirmed already, in another tab
    _touch(locked, user=user)
    current.to_confirm = False
    current.revision = locked.revision
    current.updated_by = user
    current.save(update_fields=["to_confirm", "revision", "updated_by", "updated_at"])
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.ACTION_CHANGED,
        detail={"action": current.pk, "title": current.what[:200], "confirmed": True},
    )
    return current


def carry_open_actions(
    *, previous: Assessment, assessment: Assessment, user: AbstractBaseUser
) -> list[Action]:
    """Copy the earlier cycle's open actions into a new cycle, each to be confirmed, updated or
    closed there; their questions follow the instrument's carry-over (a question that no longer
    means the same is left out)."""
    keys = get_instrument(assessment.instrument_version).keys_from(previous.instrument_version)
    carried = [
        Action(
            assessment=assessment,
            what=action.what,
            lead=action.lead,
            due=action.due,
            status=action.status,
            indicator=action.indicator,
            questions=[keys[key] for key in action.questions if key in keys],
            carried_from=action,
            to_confirm=True,
            revision=assessment.revision,
            created_by=user,
            updated_by=user,
        )
        for action in previous.actions.filter(status__in=Action.OPEN)
    ]
    return Action.objects.bulk_create(carried)
