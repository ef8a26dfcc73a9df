"""Many requests at once never end in a 500: eight simultaneous submits move the status once,
eight editors saving one section at once all keep their answers. On the file-backed SQLite of
the tests (conftest.py) and on PostgreSQL alike; a mail server that is down never turns a
committed submit into an error."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment, AssessmentEvent, Membership
from assessments.scoring import Response
from tests.factories import MembershipFactory, UserFactory, write_summary
from tests.tasks import queued, run_tasks

pytestmark = pytest.mark.django_db(transaction=True)

INSTRUMENT = get_instrument(CURRENT_VERSION)
SECTION = INSTRUMENT.section("governance")
PEOPLE = 8


def at_once(clients: list[Client], request: Callable[[int, Client], int]) -> list[int]:
    """Each client's request, all let go at the same moment; their status codes."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            statuses.append(request(index, clients[index]))
        except BaseException as error:  # a raised 500: reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


def signed_in(users: list) -> list[Client]:
    clients = []
    for user in users:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    return clients


def test_eight_simultaneous_submits_submit_once(world) -> None:
    write_summary(world.assessment)
    url = "/assessments/XA/2026/submit/"
    statuses = at_once(signed_in([world.editor] * PEOPLE), lambda i, c: c.post(url).status_code)
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(302) == 1, statuses
    assert set(statuses) <= {302, 403, 409}, statuses
    submitted = AssessmentEvent.objects.filter(
        assessment=world.assessment, kind=AssessmentEvent.Kind.SUBMITTED
    )
    assert submitted.count() == 1
    world.assessment.refresh_from_db()
    assert world.assessment.status == Assessment.Status.SUBMITTED


def test_eight_editors_saving_one_section_at_once_all_keep_their_answers(world) -> None:
    editors = [
        MembershipFactory(
            country=world.arcadia, user=UserFactory(username=f"editor{i}"), role="editor"
        ).user
        for i in range(PEOPLE)
    ]
    assert Membership.objects.filter(country=world.arcadia).count() >= PEOPLE
    questions = [q for q in SECTION.questions if q.kind == "measure"][:PEOPLE]
    empty = Response().digest
    url = f"/assessments/XA/2026/sections/{SECTION.key}/"

    def save(index: int, client: Client) -> int:
        question = questions[index]
        data = {
            "section_revision": "0",
            "writer": f"{index:032x}",
            question.key: "partly",
            f"{question.key}__note": f"Editor {index}'s evidence.",
            **{f"{q.key}__loaded": empty for q in SECTION.questions},
        }
        return client.post(url, data, HTTP_HX_REQUEST="true").status_code

    statuses = at_once(signed_in(editors), save)
    assert statuses == [200] * PEOPLE, statuses
    notes = dict(world.assessment.answers.values_list("question_key", "note"))
    assert notes == {q.key: f"Editor {i}'s evidence." for i, q in enumerate(questions)}


def test_a_mail_server_that_is_down_never_fails_a_submit(world, settings, caplog) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False
    world.reviewer.email = "reviewer@example.org"
    world.reviewer.save()
    write_summary(world.assessment)
    client = Client(raise_request_exception=False)
    client.force_login(world.editor)
    response = client.post("/assessments/XA/2026/submit/")
    assert response.status_code == 302
    world.assessment.refresh_from_db()
    assert world.assessment.status == Assessment.Status.SUBMITTED
    # The worker's attempt fails, is logged, and the next is queued for a minute later.
    with caplog.at_level(logging.WARNING, logger="assessments.tasks"):
        [error] = run_tasks()
    assert isinstance(error, ConnectionRefusedError)
    assert "The 'submitted' email" in caplog.text and "failed (attempt 1)" in caplog.text
    [retry] = queued("send_email")
    assert retry.kwargs["attempt"] == 2
    # The server is back by then: the reviewers are told.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_tasks() == []  # not yet due
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert run_tasks() == []
    [message] = mail.outbox
    assert message.to == ["reviewer@example.org"]


def test_an_email_is_given_up_after_five_attempts_in_about_an_hour_and_a_half(
    world, settings, caplog
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    attempts = 0
    with caplog.at_level(logging.ERROR, logger="assessments.tasks"):
        start = timezone.now()
        for minutes in (0, 2, 8, 25, 90):
            with time_machine.travel(start + timedelta(minutes=minutes)):
                attempts += len(run_tasks())
    assert attempts == 5
    assert queued("send_email") == []
    assert "Gave up the 'submitted' email" in caplog.text
