from __future__ import annotations

import pytest

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import AssessmentEvent
from assessments.scoring import Response

INSTRUMENT = get_instrument(CURRENT_VERSION)
SECTION = INSTRUMENT.sections[0]
RISK = next(q for q in SECTION.questions if q.kind == "risk")


def test_submit_from_a_locked_status_is_refused(world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    with pytest.raises(services.AssessmentLocked):
        services.submit(assessment=world.assessment, user=world.editor)
    with pytest.raises(services.AssessmentLocked):
        services.save_answers(
            assessment=world.assessment,
            section_key=SECTION.key,
            responses={RISK.key: Response("low", "")},
            user=world.editor,
            expected_revision=0,
        )


def test_every_write_moves_the_revision_on_and_is_recorded(world) -> None:
    start = world.assessment.revision
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={RISK.key: Response("low", "")},
        user=world.editor,
        expected_revision=0,
    )
    services.submit(assessment=world.assessment, user=world.editor)
    world.assessment.refresh_from_db()
    assert world.assessment.revision == start + 2
    kinds = list(world.assessment.events.values_list("kind", flat=True))
    assert kinds == [AssessmentEvent.Kind.SUBMITTED, AssessmentEvent.Kind.ANSWERS_SAVED]


def test_events_are_never_changed(world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    event = world.assessment.events.get()
    event.detail = {"forged": True}
    with pytest.raises(ValueError, match="never changed"):
        event.save()
