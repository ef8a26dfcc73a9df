"""When and where an assessment's PDF report is rendered: ahead of time, by the worker.

Every write schedules the report (services/core.py `_touch`), in each language it has been
asked in and in the writer's, to be rendered once the assessment has been quiet for
REPORT_RENDER_DELAY; a download then serves the stored copy (reports.py), or says that the
report is being prepared (views/findings.py). Where each copy stands is a ReportRender row,
changed only with that row locked:

    queued --claimed--> running --stored--> ready
      ^                    |--failed, attempts left--> queued, later
      |                    '--failed, none left------> failed (a person may try again)
      '-- any write; a download finding no current copy; a claim older than the time limit

A render runs in a child process, killed at REPORT_RENDER_TIME_LIMIT. Its PDF is kept only if
the assessment is still at the revision rendered, checked with the assessment's row locked:
a render that a write overtook never brings back text the write erased.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from assessments import reports
from assessments.models import Assessment, ReportRender

logger = logging.getLogger(__name__)

State = ReportRender.State
# Waits before the 2nd and 3rd attempt; after the 3rd, a person may try again.
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=5)]
# The render's CPU priority below the app servers' (nice(1): 0 is theirs, 19 the lowest).
RENDER_NICENESS = 10
# A claim older than the time limit and this is a worker that died mid-render.
CLAIM_GRACE = timedelta(minutes=1)
# A queued render not started this long after it was due lost its task (a queue pruned by
# hand, a database restored): a download queues another.
QUEUED_GRACE = timedelta(minutes=10)


class RenderFailed(Exception):
    pass


def schedule(assessment: Assessment) -> None:
    """Queue the report of the assessment's new revision, in every language it has been
    asked in and the writer's. Called inside each write's transaction, after the revision
    moved on: a later write within REPORT_RENDER_DELAY moves the start on again."""
    not_before = timezone.now() + timedelta(seconds=settings.REPORT_RENDER_DELAY)
    renders = {
        r.language: r
        for r in ReportRender.objects.select_for_update().filter(assessment=assessment)
    }
    renders.setdefault(reports.report_language(), None)
    for language, render in sorted(renders.items()):
        _queue(assessment, language, render, not_before=not_before)


def ensure(assessment: Assessment, language: str) -> ReportRender:
    """For a download that found no stored copy of the current revision: the render that
    will make it, queued to start now if it is not under way."""
    now = timezone.now()
    with transaction.atomic():
        assessment = _lock_assessment(assessment)
        render = _locked(assessment.pk, language)
        if render is None or render.state == State.READY or render.revision != assessment.revision:
            # Never rendered, or the copy is gone (a deploy changed the layout; a write).
            return _queue(assessment, language, render, not_before=now)
        if render.state == State.QUEUED and (
            render.not_before > now or render.not_before < now - QUEUED_GRACE
        ):
            return _queue(assessment, language, render, not_before=now)
        if render.state == State.RUNNING and render.claimed_at < now - _time_limit() - CLAIM_GRACE:
            logger.warning(
                "Render %s was claimed at %s and never finished", render, render.claimed_at
            )
            return _queue(assessment, language, render, not_before=now)
        return render


def retry(assessment: Assessment, language: str) -> None:
    """A person asks again after the attempts ran out."""
    with transaction.atomic():
        assessment = _lock_assessment(assessment)
        render = _locked(assessment.pk, language)
        if render is not None and render.state == State.FAILED:
            _queue(assessment, language, render, not_before=timezone.now())


def _lock_assessment(assessment: Assessment) -> Assessment:
    """As every write does first (services/core.py), so that renders are queued one caller
    at a time, and at the revision the writes left."""
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _locked(assessment_pk: int, language: str) -> ReportRender | None:
    return (
        ReportRender.objects.select_for_update()
        .filter(assessment_id=assessment_pk, language=language)
        .first()
    )


def _queue(
    assessment: Assessment, language: str, render: ReportRender | None, *, not_before: datetime
) -> ReportRender:
    """The copy queued for the assessment's current revision, starting at `not_before`.
    `render` is its row, locked (None: there is none yet). A task is queued unless one is
    already waiting that will start no later (it finds the start moved on, and queues itself
    again for then)."""
    if render is None:
        # No other request can make it meanwhile: each caller holds the assessment's row lock.
        render = ReportRender(assessment=assessment, language=language)
    elif render.state == State.QUEUED and render.not_before <= not_before:
        render.not_before = not_before
        render.revision = assessment.revision
        render.save(update_fields=["not_before", "revision", "updated_at"])
        return render
    render.state, render.revision, render.not_before = State.QUEUED, assessment.revision, not_before
    render.claimed_at, render.attempts, render.error = None, 0, ""
    render.save()
    _enqueue(render)
    return render


def _enqueue(render: ReportRender) -> None:
    from assessments.tasks import render_report  # tasks.py imports this module

    render_report.using(run_after=render.not_before).enqueue(render.assessment_id, render.language)


# --- The worker's side ---------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    render_pk: int
    assessment_pk: int
    language: str
    claimed_at: datetime


def run(assessment_pk: int, language: str) -> str:
    """The task: claim the render, make the PDF, keep it if it is still current."""
    claim = _claim(assessment_pk, language)
    if claim is None:
        return "nothing to do"
    try:
        revision, name, pdf = _render(assessment_pk, language)
    except Exception as error:
        _failed(claim, error)
        raise
    return _store(claim, revision, name, pdf)


def _claim(assessment_pk: int, language: str) -> Claim | None:
    now = timezone.now()
    with transaction.atomic():
        render = _locked(assessment_pk, language)
        if render is None or render.state != State.QUEUED:
            return None  # done, under way, or given up, by another task
        if render.not_before > now:
            _enqueue(render)  # written to since this task was queued: come back once quiet
            return None
        render.state, render.claimed_at, render.attempts = State.RUNNING, now, render.attempts + 1
        render.save(update_fields=["state", "claimed_at", "attempts", "updated_at"])
        return Claim(render.pk, assessment_pk, language, now)


def _render(assessment_pk: int, language: str) -> tuple[int, str, bytes]:
    if not settings.REPORT_RENDER_IN_CHILD:
        return render_now(assessment_pk, language)
    return _render_in_child(assessment_pk, language)


def render_now(assessment_pk: int, language: str) -> tuple[int, str, bytes]:
    """The revision rendered, the name to keep the PDF under, and the PDF. The assessment is
    read before its answers: if a write comes between, the revision is already old, and the
    PDF is dropped."""
    assessment = Assessment.objects.select_related("country").get(pk=assessment_pk)
    name = reports.report_storage_name(assessment, language)
    return assessment.revision, name, reports.render_assessment_pdf(assessment, language=language)


def _time_limit() -> timedelta:
    return timedelta(seconds=settings.REPORT_RENDER_TIME_LIMIT)


def _render_in_child(assessment_pk: int, language: str) -> tuple[int, str, bytes]:
    """render_now in a forked child, killed at the time limit: a report that never finishes
    (a pathological document, a font lookup that hangs) costs one render, not the worker."""
    reports.warm_up()  # once in the worker, for every child it forks
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # The child opens connections of its own: it must never write to one of ours.
    connections.close_all()
    child = context.Process(target=_child, args=(sender, assessment_pk, language), daemon=True)
    child.start()
    sender.close()
    limit = _time_limit().total_seconds()
    try:
        if not receiver.poll(limit):
            raise RenderFailed(f"the render took longer than {limit:g} s and was stopped")
        outcome = receiver.recv()
    except EOFError:
        child.join(5)
        raise RenderFailed(f"the render process ended with code {child.exitcode}") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome[0] == "error":
        raise RenderFailed(outcome[1])
    return outcome[1:]


def become_render_process() -> None:
    """What a render's own process does first (also the bench's, to time a render as the
    worker makes it).

    Background work: on a machine shared with app servers, pages come first. Linux shares the
    CPU between sessions first (autogroups) and weighs a nice value only within one, so the
    render takes a session of its own and gives it the lower weight; where there are no
    autogroups, a service manager's weight does it (README). And one render, then the process
    ends: the cyclic garbage collector would only walk the heap inherited from the worker, again
    and again, to free what the exit frees anyway (a tenth of the render's time; the render's
    memory grows by about 15 MB without it)."""
    os.setsid()
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(f"{RENDER_NICENESS}\n")
    os.nice(RENDER_NICENESS)
    gc.disable()


def _child(sender: object, assessment_pk: int, language: str) -> None:
    become_render_process()
    try:
        sender.send(("ok", *render_now(assessment_pk, language)))
    except Exception as error:
        sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


def _store(claim: Claim, revision: int, name: str, pdf: bytes) -> str:
    with transaction.atomic():
        # The assessment's row first, as every write locks it: no write can move the revision
        # on between this check and the file being kept (and a write after deletes the file).
        assessment = Assessment.objects.select_for_update().get(pk=claim.assessment_pk)
        render = ReportRender.objects.select_for_update().get(pk=claim.render_pk)
        if not _still_ours(render, claim) or assessment.revision != revision:
            return "overtaken by a write: not kept"
        reports.keep_report(name, pdf)
        render.state, render.revision, render.error = State.READY, revision, ""
        render.save(update_fields=["state", "revision", "error", "updated_at"])
    return "stored"


def _failed(claim: Claim, error: Exception) -> None:
    with transaction.atomic():
        render = ReportRender.objects.select_for_update().get(pk=claim.render_pk)
        if not _still_ours(render, claim):
            return
        render.error = f"{type(error).__name__}: {error}"[:2000]
        if render.attempts <= len(RETRY_DELAYS):
            render.state = State.QUEUED
            render.not_before = timezone.now() + RETRY_DELAYS[render.attempts - 1]
            _enqueue(render)
        else:
            render.state = State.FAILED
        render.save()
    logger.error("Rendering %s failed (attempt %d): %s", render, render.attempts, render.error)


def _still_ours(render: ReportRender, claim: Claim) -> bool:
    return render.state == State.RUNNING and render.claimed_at == claim.claimed_at
