"""The secretariat's review in the admin: queue, review page, comment, return, accept."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Answer, Assessment, AssessmentEvent, Country, ReviewComment
from assessments.scoring import Response
from tests.factories import UserFactory

INSTRUMENT = get_instrument(CURRENT_VERSION)
QUESTION = next(q for q in INSTRUMENT.questions if q.kind == "risk")
QUEUE = "/admin/assessments/assessment/"


@pytest.fixture
def submitted(world):
    services.save_answers(
        assessment=world.assessment,
        section_key=QUESTION.section_key,
        responses={QUESTION.key: Response("high", "Survey of 2024")},
        user=world.editor,
        expected_revision=0,
    )
    services.submit(assessment=world.assessment, user=world.editor)
    world.review_url = f"{QUEUE}{world.assessment.pk}/change/"
    return world


def test_an_editor_cannot_open_the_admin(client, world) -> None:
    client.force_login(world.editor)
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_queue_lists_every_country_submitted_and_longest_waiting_first(
    client, submitted
) -> None:
    waiting_longer = Assessment.objects.create(
        country=submitted.borealis,
        cycle=2025,
        instrument_version=CURRENT_VERSION,
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=9),
    )
    client.force_login(submitted.reviewer)
    html = client.get(QUEUE).content.decode()
    rows = re.findall(r"/admin/assessments/assessment/(\d+)/change/", html)
    assert [int(pk) for pk in dict.fromkeys(rows)][:3] == [
        waiting_longer.pk,
        submitted.assessment.pk,
        submitted.other_assessment.pk,
    ]
    assert ">9<" in html  # days waiting
    for url in (f"{QUEUE}?status__exact=submitted", f"{QUEUE}?q=Arcadia", f"{QUEUE}?cycle=2026"):
        assert client.get(url).status_code == 200


def test_the_queue_uses_a_constant_number_of_queries(client, world) -> None:
    client.force_login(world.reviewer)
    client.get(QUEUE)  # the first request after login also renews the session
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    states = [
        Country.objects.create(code=f"Z{letter}", name=f"Fictional {letter}")
        for letter in "ABCDEFGHIJKLMNOPQRST"
    ]
    Assessment.objects.bulk_create(
        Assessment(country=state, cycle=cycle, instrument_version=CURRENT_VERSION)
        for state in states
        for cycle in range(2001, 2101)
    )
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question_key=QUESTION.key, value="low")
        for assessment in Assessment.objects.all()[:200]
    )
    assert Assessment.objects.count() > 2000
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_review_page_shows_answers_citations_figures_and_history(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    html = client.get(submitted.review_url).content.decode()
    assert "Review: Arcadia 2026" in html
    assert QUESTION.text in html
    assert "Survey of 2024" in html
    assert "High" in html
    assert f"¶ {QUESTION.paragraphs[0]}" in html
    assert "Risk index" in html
    assert "<svg" in html
    assert "<title" in html
    assert "Submitted for review" in html
    assert "Return for revision" in html
    assert "/assessments/XA/2026/" in html


def test_a_reviewer_comments_on_a_question(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    response = client.post(
        f"{QUEUE}{submitted.assessment.pk}/comment/",
        {"question_key": QUESTION.key, "text": "Which survey?"},
    )
    assert response["Location"] == submitted.review_url
    comment = ReviewComment.objects.get()
    assert (comment.question_key, comment.text, comment.author) == (
        QUESTION.key,
        "Which survey?",
        submitted.reviewer,
    )
    assert "Which survey?" in client.get(submitted.review_url).content.decode()


def test_an_empty_or_misdirected_comment_is_refused_with_a_message(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    url = f"{QUEUE}{submitted.assessment.pk}/comment/"
    for data in ({"question_key": "", "text": " "}, {"question_key": "risk.nope", "text": "x"}):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "errorlist" in response.content.decode() or "error" in response.content.decode()
    assert not ReviewComment.objects.exists()
    assert client.get(url).status_code == 405


def test_return_then_accept_through_the_admin(
    client, submitted, django_capture_on_commit_callbacks
) -> None:
    client.force_login(submitted.reviewer)
    pk = submitted.assessment.pk
    response = client.post(f"{QUEUE}{pk}/return/", {"comment": ""}, follow=True)
    assert "a comment is needed to return it" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{QUEUE}{pk}/return/", {"comment": "Add your sources."})
    submitted.assessment.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.RETURNED
    assert mail.outbox
    # Accepting a returned assessment is refused with a message.
    response = client.post(f"{QUEUE}{pk}/accept/", follow=True)
    assert "Only a submitted assessment can be accepted" in response.content.decode()
    services.submit(assessment=submitted.assessment, user=submitted.editor)
    client.post(f"{QUEUE}{pk}/accept/")
    submitted.assessment.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.ACCEPTED
    kinds = set(submitted.assessment.events.values_list("kind", flat=True))
    assert {AssessmentEvent.Kind.RETURNED, AssessmentEvent.Kind.ACCEPTED} <= kinds


def test_a_reviewer_cannot_change_answers_through_the_admin(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    before = list(Answer.objects.values_list("question_key", "value", "note"))
    assert client.get("/admin/assessments/answer/").status_code == 404
    client.post(submitted.review_url, {"status": "accepted", QUESTION.key: "low"})
    assert client.get(f"{QUEUE}add/").status_code == 403
    assert client.post(f"{QUEUE}{submitted.assessment.pk}/delete/").status_code == 403
    assert list(Answer.objects.values_list("question_key", "value", "note")) == before
    submitted.assessment.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.SUBMITTED


def test_a_staff_user_who_is_not_a_reviewer_sees_nothing(client, submitted) -> None:
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert client.get(QUEUE).status_code == 403
    assert client.get(submitted.review_url).status_code == 403
    assert client.post(f"{QUEUE}{submitted.assessment.pk}/accept/").status_code == 403


def test_events_are_read_only_even_for_superusers(client, submitted) -> None:
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    event = submitted.assessment.events.first()
    assert client.get("/admin/assessments/assessmentevent/").status_code == 200
    assert client.get("/admin/assessments/assessmentevent/add/").status_code == 403
    assert client.post(f"/admin/assessments/assessmentevent/{event.pk}/delete/").status_code == 403
    html = client.get(f"/admin/assessments/assessmentevent/{event.pk}/change/").content.decode()
    assert 'name="_save"' not in html
