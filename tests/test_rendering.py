"""Reports ready before they are asked for: a write queues one render, started once the
assessment is quiet; a render a write overtook is dropped; the "being prepared" page becomes
the PDF; failures are retried, then offered to try again; a dead worker's claim is taken back.

The renderer is replaced (these tests are about when it runs and what is kept, not what it
draws): tests/test_reports.py reads real PDFs."""

from __future__ import annotations

import gc
import os
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from assessments import reports, services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment, ReportRender
from assessments.scoring import Response
from tests.tasks import queued, run_tasks

URL = "/assessments/XA/2026/report.pdf"
FAKE_PDF = b"%PDF-1.7 fake report"
SECTION = get_instrument(CURRENT_VERSION).sections[0]
QUESTIONS = [q for q in SECTION.questions if q.kind == "risk"]
State = ReportRender.State


@pytest.fixture(autouse=True)
def quiet_period(settings) -> None:
    settings.REPORT_RENDER_DELAY = 5  # seconds


@pytest.fixture
def render():
    with mock.patch.object(reports, "render_assessment_pdf", return_value=FAKE_PDF) as fake:
        yield fake


def save(world, value: str = "high", question=QUESTIONS[0]) -> None:
    assessment = Assessment.objects.get(pk=world.assessment.pk)
    services.save_answers(
        assessment=assessment,
        section_key=SECTION.key,
        responses={question.key: Response(value, "")},
        user=world.editor,
        expected_revision=assessment.revision,
    )


def row(world) -> ReportRender:
    return ReportRender.objects.get(assessment=world.assessment, language="en")


def stored_files(settings, world) -> list[str]:
    try:
        return sorted(default_storage.listdir(f"reports/{world.assessment.pk}")[1])
    except FileNotFoundError:  # on a disk, nothing stored yet
        return []


def later(seconds: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def test_saves_in_a_row_queue_one_render_once_the_assessment_is_quiet(world, render) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for value in ("low", "moderate", "high", "low", "moderate"):
            save(world, value)
            clock.shift(2)  # typing on: a save every two seconds
        assert len(queued("render_report")) == 1
        render_row = row(world)
        assert render_row.state == State.QUEUED
        assert render_row.revision == Assessment.objects.get(pk=world.assessment.pk).revision
        # Its task was due five seconds after the first save; the saves since pushed the
        # start on to five seconds after the last: it queues itself again, for then.
        assert run_tasks() == []
        assert not render.called
        assert len(queued("render_report")) == 1
        clock.shift(3)
        run_tasks()
    assert render.call_count == 1
    assert row(world).state == State.READY


def test_the_preparing_page_becomes_the_pdf(client, world, render) -> None:
    client.force_login(world.viewer)
    page = client.get(URL)
    assert page.status_code == 202
    html = page.content.decode()
    assert "Preparing your report" in html
    assert 'id="report-status" role="status"' in html
    assert "Waiting its turn: it downloads by itself once ready." in html
    # The page asks every two seconds; while nothing changed, the answer is empty, so that a
    # screen reader is not told the same thing again.
    assert f'hx-get="{URL}?language=en&amp;known=queued"' in html
    assert client.get(URL, {"known": "queued"}, HTTP_HX_REQUEST="true").status_code == 204
    run_tasks()
    ready = client.get(URL, {"known": "queued"}, HTTP_HX_REQUEST="true")
    assert ready.status_code == 200
    assert f'data-r2p-download="{URL}?language=en"' in ready.content.decode()
    response = client.get(URL)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF
    assert render.call_count == 1


def test_a_download_does_not_wait_for_the_quiet_period(client, world, render) -> None:
    save(world)
    client.force_login(world.editor)
    assert client.get(URL).status_code == 202
    run_tasks()  # the task the download queued is due now; the save's is not yet
    assert render.call_count == 1
    assert client.get(URL).status_code == 200


def test_a_render_that_a_write_overtook_is_not_kept(settings, world, render) -> None:
    """The write erases a note while the render reads the revision before: the PDF made of
    that revision must not be kept, or the erased text would survive in a file."""
    save(world, "high")

    def written_meanwhile(assessment, language):
        save(world, "low", question=QUESTIONS[1])
        return FAKE_PDF

    render.side_effect = written_meanwhile
    with later(6):
        run_tasks()
    assert render.call_count == 1
    assert stored_files(settings, world) == []
    render_row = row(world)
    assert render_row.state == State.QUEUED
    assert render_row.revision == Assessment.objects.get(pk=world.assessment.pk).revision
    render.side_effect = None
    with later(12):
        run_tasks()
    assert row(world).state == State.READY
    assert len(stored_files(settings, world)) == 1


def test_a_failed_render_is_tried_twice_more_then_offered_again(client, world, render) -> None:
    render.side_effect = RuntimeError("no fonts")
    client.force_login(world.editor)
    client.get(URL)
    assert [type(e) for e in run_tasks()] == [RuntimeError]
    render_row = row(world)
    assert (render_row.state, render_row.attempts) == (State.QUEUED, 1)
    assert render_row.error == "RuntimeError: no fonts"
    with later(61):
        run_tasks()
    with later(61 + 301):
        run_tasks()
    assert render.call_count == 3
    assert row(world).state == State.FAILED
    assert queued("render_report") == []
    page = client.get(URL)
    assert page.status_code == 202
    html = page.content.decode()
    assert "The report could not be prepared. Your answers are safe." in html
    assert "Try again" in html
    # Asking again queues it at once; this time it works.
    render.side_effect = None
    assert client.post(URL)["Location"] == URL
    run_tasks()
    assert client.get(URL).status_code == 200


def test_a_render_claimed_by_a_worker_that_died_is_queued_again(client, world, render) -> None:
    client.force_login(world.editor)
    client.get(URL)
    ReportRender.objects.filter(assessment=world.assessment).update(
        state=State.RUNNING, claimed_at=timezone.now() - timedelta(minutes=2)
    )
    run_tasks()  # the original task finds it claimed: nothing to do
    assert not render.called
    client.get(URL)
    assert row(world).state == State.RUNNING  # claimed two minutes ago: it may yet finish
    with later(120):  # now claimed four minutes ago, with a limit of two
        client.get(URL)
        assert row(world).state == State.QUEUED
        run_tasks()
        assert client.get(URL).status_code == 200


def test_after_a_deploy_changes_the_layout_a_download_renders_anew(client, world, render) -> None:
    client.force_login(world.editor)
    client.get(URL)
    run_tasks()
    assert client.get(URL).status_code == 200
    with mock.patch.object(reports, "layout_version", return_value="0123456789"):
        assert client.get(URL).status_code == 202
        run_tasks()
        assert client.get(URL).status_code == 200
    assert render.call_count == 2


def test_each_language_asked_for_is_rendered_again_after_a_write(
    client, world, render, settings
) -> None:
    client.force_login(world.viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"  # French, chosen with the picker
    client.get(URL)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    client.get(URL)
    run_tasks()
    save(world)  # by an editor working in English
    assert sorted(r.language for r in queued_renders()) == ["en", "fr"]


def queued_renders() -> list[ReportRender]:
    return list(ReportRender.objects.filter(state=State.QUEUED))


# --- In a child process, killed at the time limit ----------------------------------------


@pytest.fixture
def child(settings):
    settings.REPORT_RENDER_IN_CHILD = True
    settings.REPORT_RENDER_TIME_LIMIT = 2


@pytest.mark.django_db(transaction=True)  # the child reads what the test wrote: committed
def test_the_report_is_rendered_in_a_child_process(child, world, render, settings) -> None:
    parent = os.getpid()
    render.side_effect = lambda *args, **kwargs: b"%PDF from " + str(os.getpid()).encode()
    save(world)
    with later(6):
        assert run_tasks() == []
    [name] = stored_files(settings, world)
    with default_storage.open(f"reports/{world.assessment.pk}/{name}") as stored:
        pdf = stored.read()
    assert pdf.startswith(b"%PDF from ") and pdf != f"%PDF from {parent}".encode()


@pytest.mark.django_db(transaction=True)
def test_a_render_past_the_time_limit_is_stopped(child, world, render) -> None:
    render.side_effect = lambda *args, **kwargs: time.sleep(30)
    started = time.monotonic()
    save(world)
    with later(6):
        [error] = run_tasks()
    assert time.monotonic() - started < 15
    assert "the render took longer than 2 s and was stopped" in str(error)
    assert (row(world).state, row(world).attempts) == (State.QUEUED, 1)


@pytest.mark.django_db(transaction=True)
def test_a_render_process_that_dies_is_a_failed_attempt(child, world, render) -> None:
    render.side_effect = lambda *args, **kwargs: os._exit(3)
    save(world)
    with later(6):
        [error] = run_tasks()
    assert "the render process ended with code 3" in str(error)
    assert row(world).error.endswith("the render process ended with code 3")


@pytest.mark.django_db(transaction=True)
def test_the_render_runs_below_the_app_servers_priority_and_uncollected(
    child, world, render, settings
) -> None:
    def render_here(*args: object, **kwargs: object) -> bytes:
        alone = os.getsid(0) == os.getpid()
        group = Path("/proc/self/autogroup").read_text().split()[-1]
        return f"%PDF nice {os.nice(0)} {gc.isenabled()} {alone} {group}".encode()

    render.side_effect = render_here
    save(world)
    with later(6):
        assert run_tasks() == []
    [name] = stored_files(settings, world)
    with default_storage.open(f"reports/{world.assessment.pk}/{name}") as stored:
        assert stored.read() == f"%PDF nice {os.nice(0) + 10} False True 10".encode()
    assert gc.isenabled()  # in the render's process only
    # The worker loaded WeasyPrint, the fonts and the stylesheet once, for every child.
    assert reports.warm_up.cache_info().currsize == 1
