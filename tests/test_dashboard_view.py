from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Answer, Assessment, AssessmentEvent
from assessments.scoring import Response, overall_progress

THIS_YEAR = date.today().year
INSTRUMENT = get_instrument(CURRENT_VERSION)


def test_anonymous_sees_the_landing_page(client, world) -> None:
    html = client.get("/").content.decode()
    assert "Log in" in html
    assert "Arcadia" not in html


def test_editor_sees_their_countrys_assessments_with_progress(client, world) -> None:
    question = INSTRUMENT.questions[1]
    services.save_answers(
        assessment=world.assessment,
        section_key=question.section_key,
        responses={question.key: Response(question.choice_values[0], "")},
        user=world.editor,
        expected_revision=0,
    )
    client.force_login(world.editor)
    html = client.get("/").content.decode()
    assert "Arcadia" in html
    assert "Borealis" not in html
    total = overall_progress(INSTRUMENT, world.assessment.responses()).total
    assert f"1 of {total} answered" in html
    assert "focal, " in html


def test_editor_is_offered_to_start_the_current_cycle(client, world) -> None:
    Assessment.objects.filter(pk=world.assessment.pk).update(cycle=THIS_YEAR - 1)
    client.force_login(world.editor)
    html = client.get("/").content.decode()
    assert f"Start the {THIS_YEAR} assessment" in html
    assert f"Start from the {THIS_YEAR - 1} answers and notes" in html


def test_viewer_is_not_offered_to_start(client, world) -> None:
    Assessment.objects.filter(pk=world.assessment.pk).update(cycle=THIS_YEAR - 1)
    client.force_login(world.viewer)
    assert "Start the" not in client.get("/").content.decode()


def test_start_opens_the_cycle_and_records_it(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(
        "/assessments/start/", {"country": world.arcadia.pk, "cycle": THIS_YEAR + 1}
    )
    assessment = Assessment.objects.get(country=world.arcadia, cycle=THIS_YEAR + 1)
    assert response["Location"] == f"/assessments/XA/{THIS_YEAR + 1}/"
    assert assessment.instrument_version == CURRENT_VERSION
    assert assessment.created_by == world.editor
    assert assessment.events.get().kind == AssessmentEvent.Kind.CREATED


def test_start_from_the_previous_cycle_carries_answers_and_notes(client, world) -> None:
    question = INSTRUMENT.questions[1]
    Answer.objects.create(
        assessment=world.assessment,
        question_key=question.key,
        value=question.choice_values[0],
        note="Carried over",
    )
    Answer.objects.create(assessment=world.assessment, question_key="retired.question", value="x")
    client.force_login(world.editor)
    client.post(
        "/assessments/start/",
        {"country": world.arcadia.pk, "cycle": 2027, "from_previous": "on"},
    )
    new = Assessment.objects.get(country=world.arcadia, cycle=2027)
    assert list(new.answers.values_list("question_key", "value", "note")) == [
        (question.key, question.choice_values[0], "Carried over")
    ]
    assert new.events.get().detail["from_cycle"] == 2026


def test_start_refuses_a_cycle_that_exists(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(
        "/assessments/start/", {"country": world.arcadia.pk, "cycle": 2026}, follow=True
    )
    assert "Arcadia already has a 2026 assessment." in response.content.decode()
    assert Assessment.objects.filter(country=world.arcadia).count() == 1


def test_start_refuses_an_absurd_cycle(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(
        "/assessments/start/", {"country": world.arcadia.pk, "cycle": 1900}, follow=True
    )
    assert "Choose a cycle between 2013 and" in response.content.decode()


def test_start_is_refused_for_viewers_and_other_countries(client, world) -> None:
    client.force_login(world.viewer)
    assert (
        client.post("/assessments/start/", {"country": world.arcadia.pk, "cycle": 2027}).status_code
        == 403
    )
    client.force_login(world.other_editor)
    assert (
        client.post("/assessments/start/", {"country": world.arcadia.pk, "cycle": 2027}).status_code
        == 403
    )
    assert not Assessment.objects.filter(cycle=2027).exists()


def test_start_needs_login_and_post(client, world) -> None:
    assert client.post("/assessments/start/", {}).status_code == 302
    client.force_login(world.editor)
    assert client.get("/assessments/start/").status_code == 405


def test_start_from_a_cycle_on_the_first_instrument_carries_what_means_the_same(
    client, world
) -> None:
    Assessment.objects.filter(pk=world.assessment.pk).update(instrument_version="2013-summary/v1")
    for key, value in (("risk.armed_conflict", "high"), ("risk.targeting_of_groups", "low")):
        Answer.objects.create(
            assessment=world.assessment, question_key=key, value=value, note=f"On {key}"
        )
    client.force_login(world.editor)
    client.post(
        "/assessments/start/",
        {"country": world.arcadia.pk, "cycle": 2027, "from_previous": "on"},
    )
    new = Assessment.objects.get(country=world.arcadia, cycle=2027)
    assert new.instrument_version == CURRENT_VERSION
    assert list(new.answers.values_list("question_key", "value", "note")) == [
        ("risk.armed_conflict", "high", "On risk.armed_conflict")
    ]
    html = client.get("/assessments/XA/2027/history/").content.decode()
    assert "Started from the 2026 answers (1 carried over)." in html


def test_each_assessment_shows_progress_on_its_own_instrument(client, world) -> None:
    v1 = get_instrument("2013-summary/v1")
    earlier = Assessment.objects.create(
        country=world.arcadia, cycle=2025, instrument_version=v1.version
    )
    question = next(q for q in v1.questions if q.kind == "risk")
    Answer.objects.create(assessment=earlier, question_key=question.key, value="low")
    client.force_login(world.editor)
    html = client.get("/").content.decode()
    assert f"1 of {overall_progress(v1, earlier.responses()).total} answered" in html
    assert f"0 of {overall_progress(INSTRUMENT, {}).total} answered" in html


def test_the_dashboard_uses_a_constant_number_of_queries(client, world) -> None:
    client.force_login(world.editor)
    client.get("/")  # the first request after login also renews the session
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for section in INSTRUMENT.sections:
        services.save_answers(
            assessment=world.assessment,
            section_key=section.key,
            responses={
                q.key: Response(q.choice_values[0] if q.choice_values else "", "Evidence")
                for q in section.questions
            },
            user=world.editor,
            expected_revision=10**6,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    progress = overall_progress(INSTRUMENT, world.assessment.responses())
    assert progress.answered == progress.total > 40
    assert f"{progress.total} of {progress.total} answered" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
