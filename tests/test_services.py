from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Answer, Assessment, AssessmentEvent, DismissedLink
from assessments.scoring import Response
from tests.factories import AssessmentFactory, CountryFactory, write_summary

INSTRUMENT = get_instrument(CURRENT_VERSION)
SECTION = INSTRUMENT.sections[0]
RISK = next(q for q in SECTION.questions if q.kind == "risk")
V1 = "2013-summary/v1"
LINK = {"risk_key": "risk.singling_out", "measure_key": "measure.early_warning"}


def written(assessment: Assessment) -> tuple[list, str, int, int]:
    """Everything the link and marking services may write."""
    assessment.refresh_from_db()
    dismissals = list(
        DismissedLink.objects.filter(assessment=assessment).values_list(
            "risk_key", "measure_key", "reason"
        )
    )
    return dismissals, assessment.marking, assessment.revision, assessment.events.count()


def test_submit_from_a_locked_status_is_refused(world) -> None:
    write_summary(world.assessment)
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
    services.dismiss_link(assessment=world.assessment, reason="Why not.", user=world.editor, **LINK)
    services.restore_link(assessment=world.assessment, user=world.editor, **LINK)
    services.set_marking(assessment=world.assessment, marking="confidential", user=world.editor)
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    world.assessment.refresh_from_db()
    assert world.assessment.revision == start + 5
    kinds = list(world.assessment.events.values_list("kind", flat=True))
    assert kinds == [
        AssessmentEvent.Kind.SUBMITTED,
        AssessmentEvent.Kind.MARKING_SET,
        AssessmentEvent.Kind.LINK_RESTORED,
        AssessmentEvent.Kind.LINK_DISMISSED,
        AssessmentEvent.Kind.ANSWERS_SAVED,
    ]


def test_events_are_never_changed(world) -> None:
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    event = world.assessment.events.get()
    event.detail = {"forged": True}
    with pytest.raises(ValueError, match="never changed"):
        event.save()


def test_submit_needs_the_summary_where_the_instrument_has_one(world) -> None:
    for text in (None, "", " \n\t "):
        if text is not None:
            write_summary(world.assessment, text)
        with pytest.raises(ValidationError) as refused:
            services.submit(assessment=world.assessment, user=world.editor)
        assert refused.value.code == "no_summary"
        world.assessment.refresh_from_db()
        assert (world.assessment.status, world.assessment.revision) == ("draft", 1)
        assert not world.assessment.events.exists()
    earlier = AssessmentFactory(country=world.arcadia, cycle=2025, instrument_version=V1)
    services.submit(assessment=earlier, user=world.editor)
    earlier.refresh_from_db()
    assert earlier.status == Assessment.Status.SUBMITTED


def test_dismiss_link_keeps_the_reason_and_who(world) -> None:
    dismissal = services.dismiss_link(
        assessment=world.assessment, reason="  Handled regionally.\n", user=world.editor, **LINK
    )
    assert (dismissal.risk_key, dismissal.measure_key, dismissal.reason) == (
        "risk.singling_out",
        "measure.early_warning",
        "Handled regionally.",
    )
    assert dismissal.created_by == world.editor
    event = world.assessment.events.get()
    assert (event.kind, event.user, event.detail) == (
        AssessmentEvent.Kind.LINK_DISMISSED,
        world.editor,
        {"risk": "risk.singling_out", "measure": "measure.early_warning"},
    )
    # Marked again: still one, with the newer reason.
    services.dismiss_link(assessment=world.assessment, reason="Newer.", user=world.editor, **LINK)
    assert written(world.assessment) == (
        [("risk.singling_out", "measure.early_warning", "Newer.")],
        "restricted",
        3,
        2,
    )
    assert world.assessment.dismissed_links() == {("risk.singling_out", "measure.early_warning")}


@pytest.mark.parametrize(
    ("link", "reason", "error"),
    [
        (LINK, " ", ValidationError),
        ({"risk_key": "risk.nope", "measure_key": "measure.early_warning"}, "x", KeyError),
        ({"risk_key": "risk.singling_out", "measure_key": "measure.nope"}, "x", KeyError),
        # Both exist, but the instrument does not link them.
        ({"risk_key": "risk.singling_out", "measure_key": "measure.nhri"}, "x", KeyError),
        ({"risk_key": "measure.early_warning", "measure_key": "risk.singling_out"}, "x", KeyError),
    ],
    ids=["no-reason", "unknown-risk", "unknown-measure", "not-suggested", "reversed"],
)
def test_dismiss_link_refuses_and_writes_nothing(world, link, reason, error) -> None:
    assert "measure.nhri" not in INSTRUMENT.question("risk.singling_out").mitigated_by
    before = written(world.assessment)
    with pytest.raises(error):
        services.dismiss_link(assessment=world.assessment, reason=reason, user=world.editor, **link)
    assert written(world.assessment) == before


def test_restore_link_deletes_it_and_records_it_once(world) -> None:
    services.dismiss_link(assessment=world.assessment, reason="Why not.", user=world.editor, **LINK)
    services.restore_link(assessment=world.assessment, user=world.editor, **LINK)
    assert written(world.assessment) == ([], "restricted", 3, 2)
    event = world.assessment.events.first()
    assert (event.kind, event.detail) == (
        AssessmentEvent.Kind.LINK_RESTORED,
        {"risk": "risk.singling_out", "measure": "measure.early_warning"},
    )
    # Nothing left to restore: nothing recorded, the revision stays.
    services.restore_link(assessment=world.assessment, user=world.editor, **LINK)
    assert written(world.assessment) == ([], "restricted", 3, 2)


def test_set_marking_records_old_and_new_and_refuses_others(world) -> None:
    assert world.assessment.marking == Assessment.Marking.RESTRICTED
    services.set_marking(assessment=world.assessment, marking="unclassified", user=world.editor)
    assert written(world.assessment) == ([], "unclassified", 2, 1)
    assert world.assessment.events.get().detail == {"old": "restricted", "new": "unclassified"}
    services.set_marking(assessment=world.assessment, marking="unclassified", user=world.editor)
    assert written(world.assessment) == ([], "unclassified", 2, 1)
    for marking in ("secret", "", "Unclassified"):
        with pytest.raises(ValidationError):
            services.set_marking(assessment=world.assessment, marking=marking, user=world.editor)
    assert written(world.assessment) == ([], "unclassified", 2, 1)


def test_links_and_marking_are_locked_once_submitted(world) -> None:
    services.dismiss_link(assessment=world.assessment, reason="Why not.", user=world.editor, **LINK)
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    before = written(world.assessment)
    with pytest.raises(services.AssessmentLocked):
        services.dismiss_link(assessment=world.assessment, reason="x", user=world.editor, **LINK)
    with pytest.raises(services.AssessmentLocked):
        services.restore_link(assessment=world.assessment, user=world.editor, **LINK)
    with pytest.raises(services.AssessmentLocked):
        services.set_marking(assessment=world.assessment, marking="confidential", user=world.editor)
    assert written(world.assessment) == before


def test_starting_from_a_v1_cycle_carries_only_what_means_the_same(world) -> None:
    cascadia = CountryFactory(code="XC", name="Cascadia")
    previous = AssessmentFactory(country=cascadia, cycle=2025, instrument_version=V1)
    v1 = get_instrument(V1)
    assert v1.question("risk.targeting_of_groups")  # retired in v2
    rows = {
        # Carried: answer, note and the keep-out mark.
        "risk.armed_conflict": ("high", "Clashes on the border.", True),
        "measure.ihl_training": ("partly", "Army curriculum.", False),
        # Carried, but its stored value is not offered in v2: the note alone is carried.
        "measure.nhri": ("na", "No NHRI yet; a bill is before parliament.", False),
        # Retired: nothing carried.
        "risk.targeting_of_groups": ("moderate", "Rhetoric against a minority.", True),
        "risk.sexual_gender_based_violence": ("low", "Shelter data.", False),
    }
    for key, (value, note, kept_out) in rows.items():
        Answer.objects.create(
            assessment=previous,
            question_key=key,
            value=value,
            note=note,
            keep_out_of_report=kept_out,
        )
    for risk, measure in (
        ("risk.armed_conflict", "measure.ihl_training"),  # both carried: carried
        ("risk.armed_conflict", "measure.security_sector_reform"),  # measure retired
        ("risk.targeting_of_groups", "measure.early_warning"),  # risk retired
    ):
        assert measure in v1.question(risk).mitigated_by
        services.dismiss_link(
            assessment=previous,
            risk_key=risk,
            measure_key=measure,
            reason=f"Not relevant: {measure}.",
            user=world.editor,
        )

    new = services.start_assessment(
        country=cascadia, cycle=2026, user=world.editor, from_previous=True
    )

    assert new.instrument_version == CURRENT_VERSION
    carried = sorted(new.answers.values_list("question_key", "value", "note", "keep_out_of_report"))
    assert carried == [
        ("measure.ihl_training", "partly", "Army curriculum.", False),
        ("measure.nhri", "", "No NHRI yet; a bill is before parliament.", False),
        ("risk.armed_conflict", "high", "Clashes on the border.", True),
    ]
    assert set(new.answers.values_list("revision", flat=True)) == {1}
    assert list(new.dismissals.values_list("risk_key", "measure_key", "reason")) == [
        ("risk.armed_conflict", "measure.ihl_training", "Not relevant: measure.ihl_training.")
    ]
    event = new.events.get()
    assert event.kind == AssessmentEvent.Kind.CREATED
    assert event.detail == {
        "instrument_version": CURRENT_VERSION,
        "from_cycle": 2025,
        "copied": 3,
        "links_not_relevant": 1,
    }
    # The earlier cycle is left as it was.
    assert previous.answers.count() == len(rows)
    assert previous.dismissals.count() == 3


def test_starting_from_a_cycle_on_the_same_version_carries_everything(world) -> None:
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={RISK.key: Response("moderate", "Kept out.", keep_out_of_report=True)},
        user=world.editor,
        expected_revision=0,
    )
    write_summary(world.assessment, "Last year's judgement.")
    services.dismiss_link(assessment=world.assessment, reason="Why not.", user=world.editor, **LINK)
    new = services.start_assessment(
        country=world.arcadia, cycle=2027, user=world.editor, from_previous=True
    )
    assert sorted(
        new.answers.values_list("question_key", "value", "note", "keep_out_of_report")
    ) == [
        (RISK.key, "moderate", "Kept out.", True),
        (INSTRUMENT.summary_key, "", "Last year's judgement.", False),
    ]
    assert new.dismissed_links() == {("risk.singling_out", "measure.early_warning")}
    # Without from_previous, nothing is carried.
    fresh = services.start_assessment(country=world.arcadia, cycle=2028, user=world.editor)
    assert not fresh.answers.exists()
    assert not fresh.dismissals.exists()
