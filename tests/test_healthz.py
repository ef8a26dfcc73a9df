"""/healthz, for load balancers: the database, the file storage and the queue, each named."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone

from assessments import services

pytestmark = pytest.mark.django_db


def test_it_answers_ok_with_the_queues_backlog(client, settings, world) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # A stopped clock: against a slow storage the first check took long enough to round the
    # task's age up a second.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        services.set_marking(assessment=world.assessment, marking="confidential", user=world.editor)
        response = client.get("/healthz")
        clock.shift(timedelta(minutes=2))
        later = client.get("/healthz").json()
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "queue": "ok",
        "backlog": 0,  # its report's render is not due for a few seconds
        "oldest_seconds": 0,
    }
    assert "no-cache" in response["Cache-Control"]
    assert (later["backlog"], later["oldest_seconds"]) == (1, 120)


def test_it_answers_503_when_the_database_is_down(client) -> None:
    with mock.patch(
        "assessments.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_it_answers_503_when_the_storage_is_unreachable(client) -> None:
    with mock.patch(
        "assessments.views.default_storage.exists", side_effect=ConnectionError("refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "unavailable"
    assert response.json()["status"] == "failing"


def test_it_needs_no_login(client) -> None:
    assert client.get("/healthz").status_code == 200


def test_it_answers_over_plain_http_where_pages_are_redirected_to_https(client, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True  # production's default
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
