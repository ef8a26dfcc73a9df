"""The JSON export of one assessment: what it holds and in what order (the package's
docstring says why there are no database ids in it)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from assessments.instrument import Instrument, get_instrument
from assessments.models import Action, Assessment, ReviewComment, Source

FORMAT = "r2p-assess/assessment"
FORMAT_VERSION = 1
# Keys of an event's detail that name an item of the export by its database id.
REFERENCES = ("action", "comment", "source")


class ExportError(ValueError):
    """A file that is not an export this installation can read; the message says why."""


def timestamp(value: datetime.datetime | None) -> str | None:
    return value.astimezone(datetime.UTC).isoformat() if value is not None else None


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _who(user: AbstractBaseUser | None) -> str | None:
    return user.get_username() if user is not None else None


def _canonical(value: Any) -> Any:
    """JSON as recorded, with every object's keys sorted: PostgreSQL's jsonb keeps them in an
    order of its own, and an export is the same file whichever database it came from."""
    if isinstance(value, dict):
        return {key: _canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def questionnaire_order(instrument: Instrument) -> dict[str, int]:
    return {question.key: index for index, question in enumerate(instrument.questions)}


def _by_question(order: Mapping[str, int], key: str) -> tuple[int, str]:
    # A key the instrument does not have (none should be stored) comes last, by name.
    return (order.get(key, len(order)), key)


def ordered_sources(assessment: Assessment, instrument: Instrument) -> list[Source]:
    """In questionnaire order; a question's sources as they were added."""
    order = questionnaire_order(instrument)
    sources = assessment.sources.select_related("created_by").order_by("id")
    return sorted(sources, key=lambda source: _by_question(order, source.question_key))


def ordered_actions(assessment: Assessment) -> list[Action]:
    return list(
        assessment.actions.select_related("created_by", "updated_by", "carried_from").order_by("id")
    )


def _carried_from(actions: Iterable[Action]) -> dict[int, dict[str, int]]:
    """Each carried action's origin as (cycle, position in that cycle's export)."""
    earlier: dict[int, tuple[int, list[int]]] = {}  # assessment: its cycle, its actions
    origins = {}
    for action in actions:
        origin = action.carried_from
        if origin is None:
            continue
        if origin.assessment_id not in earlier:
            cycle = Assessment.objects.values_list("cycle", flat=True).get(pk=origin.assessment_id)
            ids = Action.objects.filter(assessment=origin.assessment_id).order_by("id")
            earlier[origin.assessment_id] = (cycle, list(ids.values_list("id", flat=True)))
        cycle, ids = earlier[origin.assessment_id]
        origins[action.pk] = {"cycle": cycle, "action": ids.index(origin.pk) + 1}
    return origins


def assessment_as_dict(assessment: Assessment) -> dict[str, Any]:
    """Everything written in the assessment, in the export's format (module docstring)."""
    instrument = get_instrument(assessment.instrument_version)
    order = questionnaire_order(instrument)
    country = assessment.country
    answers = sorted(
        assessment.answers.select_related("updated_by"),
        key=lambda a: _by_question(order, a.question_key),
    )
    judgements = sorted(
        assessment.judgements.select_related("updated_by"),
        key=lambda j: _by_question(order, j.question_key),
    )
    sources = ordered_sources(assessment, instrument)
    actions = ordered_actions(assessment)
    comments = list(
        ReviewComment.objects.filter(assessment=assessment)
        .select_related("author", "replied_by")
        .order_by("id")
    )
    positions = {
        "source": {source.pk: n for n, source in enumerate(sources, start=1)},
        "action": {action.pk: n for n, action in enumerate(actions, start=1)},
        "comment": {comment.pk: n for n, comment in enumerate(comments, start=1)},
    }
    origins = _carried_from(actions)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timestamp(timezone.now()),
        "instrument_version": assessment.instrument_version,
        "country": {"code": country.code, "name": country.name, "region": country.region},
        "cycle": assessment.cycle,
        "status": assessment.status,
        "marking": assessment.marking,
        "created_at": timestamp(assessment.created_at),
        "created_by": _who(assessment.created_by),
        "updated_at": timestamp(assessment.updated_at),
        "updated_by": _who(assessment.updated_by),
        "submitted_at": timestamp(assessment.submitted_at),
        "accepted_at": timestamp(assessment.accepted_at),
        "answers": [
            {
                "question": answer.question_key,
                "value": answer.value,
                "note": answer.note,
                "keep_out_of_report": answer.keep_out_of_report,
                "updated_at": timestamp(answer.updated_at),
                "updated_by": _who(answer.updated_by),
            }
            for answer in answers
        ],
        "judgements": [
            {
                "question": judgement.question_key,
                "confidence": judgement.confidence,
                "contested": judgement.contested,
                "differing_view": judgement.differing_view,
                "updated_at": timestamp(judgement.updated_at),
                "updated_by": _who(judgement.updated_by),
            }
            for judgement in judgements
        ],
        "sources": [
            {
                "question": source.question_key,
                "title": source.title,
                "issuer": source.issuer,
                "kind": source.kind,
                "issued": _day(source.issued),
                "url": source.url,
                "file": {
                    "name": source.file_name,
                    "content_type": source.content_type,
                    "size": source.size or 0,
                    "sha256": source.sha256,
                }
                if source.file
                else None,
                "created_at": timestamp(source.created_at),
                "created_by": _who(source.created_by),
            }
            for source in sources
        ],
        "actions": [
            {
                "what": action.what,
                "lead": action.lead,
                "due": _day(action.due),
                "status": action.status,
                "reason": action.reason,
                "indicator": action.indicator,
                "questions": list(action.questions),
                "carried_from": origins.get(action.pk),
                "to_confirm": action.to_confirm,
                "created_at": timestamp(action.created_at),
                "created_by": _who(action.created_by),
                "updated_at": timestamp(action.updated_at),
                "updated_by": _who(action.updated_by),
            }
            for action in actions
        ],
        "dismissed_links": [
            {
                "risk": link.risk_key,
                "measure": link.measure_key,
                "reason": link.reason,
                "created_at": timestamp(link.created_at),
                "created_by": _who(link.created_by),
            }
            for link in assessment.dismissals.select_related("created_by").order_by(
                "risk_key", "measure_key"
            )
        ],
        "comments": [
            {
                "question": comment.question_key,
                "action": positions["action"].get(comment.action_id),
                "text": comment.text,
                "author": _who(comment.author),
                "created_at": timestamp(comment.created),
                "reply": comment.reply,
                "replied_by": _who(comment.replied_by),
                "replied_at": timestamp(comment.replied_at),
                "resolved": comment.resolved,
            }
            for comment in comments
        ],
        "events": [
            {
                "kind": event.kind,
                "detail": _canonical(_positions_for_ids(event.detail, positions)),
                "at": timestamp(event.at),
                "user": _who(event.user),
            }
            for event in assessment.events.select_related("user").order_by("id")
        ],
    }


def _positions_for_ids(detail: Any, positions: Mapping[str, Mapping[int, int]]) -> Any:
    if not isinstance(detail, dict):
        return detail
    return {
        key: positions[key].get(value) if key in REFERENCES and _is_id(value) else value
        for key, value in detail.items()
    }


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def assessment_as_json(assessment: Assessment) -> str:
    return as_json(assessment_as_dict(assessment))


def export_filename(assessment: Assessment, suffix: str) -> str:
    """`R2P-self-assessment-XA-2025.json`, `...-XA-2025.xlsx`, `...-XA-2025-evidence.zip`."""
    return f"R2P-self-assessment-{assessment.country.code}-{assessment.cycle}{suffix}"
