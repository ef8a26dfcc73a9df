"""The answered-of-asked figures kept on each assessment for the pages that list many: always
scoring's own figures, after every kind of write; counted once for assessments from before."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.management.scale import populate
from assessments.models import Answer, Assessment
from assessments.scoring import Progress, Response, overall_progress
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db

INSTRUMENT = get_instrument(CURRENT_VERSION)
RISK = next(q for q in INSTRUMENT.questions if q.kind == "risk" and not q.show_if)
DEPENDENT = INSTRUMENT.question("measure.commemoration")  # asked only after past violence
PARENT = INSTRUMENT.question(DEPENDENT.show_if.question)
SUMMARY = INSTRUMENT.summary_question


def stored(assessment: Assessment) -> Progress | None:
    return Assessment.objects.get(pk=assessment.pk).progress


def counted(assessment: Assessment) -> Progress:
    fresh = Assessment.objects.get(pk=assessment.pk)
    return overall_progress(get_instrument(fresh.instrument_version), fresh.responses())


def save(assessment: Assessment, user: object, responses: dict[str, Response]) -> None:
    for section in {INSTRUMENT.question(key).section_key for key in responses}:
        services.save_answers(
            assessment=assessment,
            section_key=section,
            responses={
                k: r for k, r in responses.items() if INSTRUMENT.question(k).section_key == section
            },
            user=user,
            expected_revision=10**6,
        )


def test_the_figures_are_scorings_after_every_kind_of_write(world) -> None:
    editor, reviewer = world.editor, world.reviewer
    assessment = services.start_assessment(country=world.arcadia, cycle=2030, user=editor)
    steps = [
        ("started", lambda: None),
        ("answered", lambda: save(assessment, editor, {RISK.key: Response("low", "")})),
        # Skip logic: past violence makes the dependent measure a question asked.
        ("asked more", lambda: save(assessment, editor, {PARENT.key: Response("high", "")})),
        ("dependent", lambda: save(assessment, editor, {DEPENDENT.key: Response("planned", "")})),
        ("summary", lambda: save(assessment, editor, {SUMMARY.key: Response("", "In brief.")})),
        ("cleared", lambda: save(assessment, editor, {RISK.key: Response("", "")})),
        # Hidden again: its answer is kept, but neither asked nor counted.
        (
            "asked fewer",
            lambda: save(assessment, editor, {PARENT.key: Response("not_present", "")}),
        ),
        (
            "link dismissed",
            lambda: services.dismiss_link(
                assessment=assessment,
                risk_key=PARENT.key,
                measure_key=PARENT.mitigated_by[0],
                reason="Not here.",
                user=editor,
            ),
        ),
        (
            "link restored",
            lambda: services.restore_link(
                assessment=assessment,
                risk_key=PARENT.key,
                measure_key=PARENT.mitigated_by[0],
                user=editor,
            ),
        ),
        (
            "marking",
            lambda: services.set_marking(
                assessment=assessment, marking="confidential", user=editor
            ),
        ),
        ("submitted", lambda: services.submit(assessment=assessment, user=editor)),
        ("withdrawn", lambda: services.withdraw(assessment=assessment, user=editor)),
        ("submitted again", lambda: services.submit(assessment=assessment, user=editor)),
        (
            "commented",
            lambda: services.add_comment(
                assessment=assessment, user=reviewer, question_key=RISK.key, text="Why?"
            ),
        ),
        (
            "returned",
            lambda: services.return_for_revision(
                assessment=assessment, user=reviewer, comment="Say more."
            ),
        ),
        (
            "replied",
            lambda: services.reply_to_comment(
                comment=assessment.comments.first(), user=editor, reply="Done.", resolved=True
            ),
        ),
        ("answered again", lambda: save(assessment, editor, {RISK.key: Response("moderate", "")})),
        ("resubmitted", lambda: services.submit(assessment=assessment, user=editor)),
        ("accepted", lambda: services.accept(assessment=assessment, user=reviewer)),
    ]
    seen = set()
    for name, write in steps:
        write()
        assert stored(assessment) == counted(assessment), name
        seen.add(stored(assessment))
    assert len(seen) >= 5  # the writes did move the figures, both ways
    assert len({p.total for p in seen}) == 2

    # Started from it: the carried answers are counted at once.
    carried = services.start_assessment(
        country=world.arcadia, cycle=2031, user=editor, from_previous=True
    )
    assert carried.answers.exists()
    assert stored(carried) == counted(carried)
    assert stored(carried).answered > 0


def test_carrying_from_the_first_questionnaire_counts_on_the_new_one(world) -> None:
    earlier = services.start_assessment(
        country=world.arcadia, cycle=2024, user=world.editor, instrument_version="2013-summary/v1"
    )
    Answer.objects.create(assessment=earlier, question_key="risk.armed_conflict", value="high")
    carried = services.start_assessment(
        country=world.arcadia, cycle=2025, user=world.editor, from_previous=True
    )
    assert (
        stored(carried) == counted(carried) == Progress(1, overall_progress(INSTRUMENT, {}).total)
    )


def test_an_assessment_from_before_the_figures_is_counted_when_first_listed(client, world) -> None:
    Answer.objects.create(assessment=world.assessment, question_key=RISK.key, value="high")
    assert stored(world.assessment) is None  # as 0007 leaves every existing assessment
    client.force_login(world.editor)
    total = overall_progress(INSTRUMENT, {}).total
    assert f"1 of {total} answered" in client.get("/").content.decode()
    assert stored(world.assessment) == Progress(1, total)
    assert world.assessment.revision == Assessment.objects.get(pk=world.assessment.pk).revision
    assert not world.assessment.events.exists()  # derived, not a change


def test_the_scale_run_stores_the_figures_the_services_would(db) -> None:
    made = populate(countries=3, cycles=2, last_cycle=2026)
    assert (made.countries, made.assessments) == (3, 6)
    assert made.answers == Answer.objects.count()
    for assessment in Assessment.objects.all():
        assert assessment.progress == counted(assessment), assessment
    assert Assessment.objects.filter(status=Assessment.Status.DRAFT).count() == 1


def test_figures_counted_meanwhile_by_another_request_are_taken_as_they_are(world) -> None:
    kept = AssessmentFactory(
        country=world.borealis, cycle=2020, progress_answered=3, progress_total=9
    )
    stale = Assessment.objects.get(pk=kept.pk)
    stale.progress_answered = stale.progress_total = None  # as read before they were counted
    services.count_progress(assessments=[stale])
    assert stale.progress == stored(kept) == Progress(3, 9)
