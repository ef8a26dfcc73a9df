"""The queue itself: the database backend and its worker (`db_worker --batch`), on a frozen
clock. Tasks are rows written with the change that asks for them."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import reports, services
from assessments.models import ReportRender
from tests.factories import UserFactory, write_summary
from tests.second_factor import verify_session

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits, as it does live

URL = "/assessments/XA/2026/report.pdf"
FAKE_PDF = b"%PDF-1.7 fake report"


@pytest.fixture(autouse=True)
def quiet_period(settings) -> None:
    settings.REPORT_RENDER_DELAY = 5  # seconds


@pytest.fixture(autouse=True)
def database_queue(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def work() -> None:
    """What a worker does with the tasks due now; then it stops."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, stdout=StringIO())


def tasks(name: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=f"assessments.tasks.{name}"))


def test_a_change_that_fails_queues_nothing(world) -> None:
    with pytest.raises(ValidationError):  # no summary yet: submitting is refused
        services.submit(assessment=world.assessment, user=world.editor)
    assert not DBTaskResult.objects.exists()


def test_the_worker_renders_the_report_once_the_assessment_is_quiet(client, world) -> None:
    with (
        mock.patch.object(reports, "render_assessment_pdf", return_value=FAKE_PDF),
        time_machine.travel(timezone.now(), tick=False) as clock,
    ):
        services.set_marking(assessment=world.assessment, marking="confidential", user=world.editor)
        [task] = tasks("render_report")
        work()
        task.refresh_from_db()
        assert task.status == "READY"  # not due for five seconds
        clock.shift(6)
        work()
        task.refresh_from_db()
        assert task.status == "SUCCESSFUL"
        assert ReportRender.objects.get().state == ReportRender.State.READY
        client.force_login(world.editor)
        response = client.get(URL)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_an_email_to_a_mail_server_that_is_down_is_retried_and_admins_see_it(
    world, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False
    write_summary(world.assessment)
    client = Client()
    client.force_login(world.editor)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert client.post("/assessments/XA/2026/submit/").status_code == 302
        work()
        first, retry = sorted(
            tasks("send_email"), key=lambda t: t.args_kwargs["kwargs"].get("attempt", 1)
        )
        assert first.status == "FAILED"
        assert "ConnectionRefusedError" in first.exception_class_path
        assert retry.status == "READY"
        assert retry.run_after == timezone.now() + timedelta(minutes=1)
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        # The queue's admin lists the failure, with ids and no link or token in the task.
        admin = UserFactory(username="root", is_staff=True, is_superuser=True)
        staff = Client()
        staff.force_login(admin)
        verify_session(staff, admin)
        listing = staff.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
        assert listing.status_code == 200
        assert "send_email" in listing.content.decode()
        # The mail server is back a minute later.
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        clock.shift(61)
        work()
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"
    assert [m.subject for m in mail.outbox] == ["Arcadia 2026 was submitted for review"]
