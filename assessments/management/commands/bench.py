"""A benchmark, not a test: page timings against a trivial view, the PDF's time against its
words alone and its memory, the report through the worker.

Everything runs in a throwaway test database (and a temporary media folder), loaded with the
demo data: the developer's database and files are never touched. After a warm-up, each figure
is the median of several runs. The PDF's peak memory is measured in a fresh process that
renders it and nothing else, so that it is not flattered or inflated by this one.

The scale run (`--scale`, and part of every run) loads every UN member State at once — 193
fictional States, 10 cycles each, about 120,000 answers, and one assessment with 2,000 events —
and times the reviewer's dashboard, the admin's review queue, a long history and its review
page, with their queries and the process's memory growth across those requests. It runs in a
process of its own, so that the memory it reports is the pages' and not the PDF's.

The last line printed is one JSON object, for scripts to compare runs: every figure.
"""

from __future__ import annotations

import gc
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.template import Template
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils.html import escape, strip_tags
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import rendering, reports
from assessments.access import REVIEWERS_GROUP
from assessments.instrument import get_instrument
from assessments.management.scale import UN_MEMBER_STATES, long_history, populate
from assessments.models import Assessment, Country
from assessments.scoring import Response

# Ratios (`_x`) are of two figures of the same run: a page against Django's own trivial page
# for a signed-in user, the PDF against the report's words alone.
TARGETS = {
    "section_get_x": "≤ 3 × signed-in floor",
    "results_x": "≤ 4 × signed-in floor",
    "report_pdf_x": "≤ 2 × its words alone",
    "report_pdf_cached_ms": "≤ 25 ms",
    "report_fresh_after_save_ms": "≤ its render + 5000 ms",
    "report_pdf_peak_rss_mb": "≤ 300 MB",
    "scale_dashboard_ms": "≤ 150 ms",
    "scale_queue_ms": "≤ 150 ms",
    "scale_rss_growth_mb": "≤ 20 MB",
}
HISTORY_EVENTS = 2000
WORKER_INTERVAL = 1.0  # seconds: db_worker's default
# Not targets: what this machine and the stack cost before the app's own work, to read the
# targets against.
REFERENCES = {
    "floor_ms": "reference: /healthz (it asks the database, the storage and the queue)",
    "signed_in_floor_ms": "reference: Django's own trivial page, for a signed-in user",
    "section_get_ms": "the page again: its questions kept for this revision",
    "section_get_after_save_ms": "reference: the first view after a save (nothing kept)",
    "results_ms": "the page again: its figures kept for this revision",
    "results_after_save_ms": "reference: the first view after a save (nothing kept)",
    "report_text_only_ms": "reference: the report's words as one plain paragraph",
    "report_fresh_render_ms": "reference: that report's render, in the worker",
}


def median_ms(action: Callable[[], object], *, runs: int, warmup: int = 2) -> float:
    return paired_medians_ms(action, runs=runs, warmup=warmup)[0]


def paired_medians_ms(
    *actions: Callable[[], object], runs: int, warmup: int = 2
) -> tuple[float, ...]:
    """The median time of each action, run in turn so that a busy moment of a shared machine
    weighs on all of them alike, and their ratio stays meaningful."""
    for _ in range(warmup):
        for action in actions:
            action()
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, times, strict=True):
            start = time.perf_counter()
            action()
            spent.append((time.perf_counter() - start) * 1000)
    return tuple(round(statistics.median(spent), 1) for spent in times)


class Command(BaseCommand):
    help = "Benchmark pages and the PDF report in a throwaway database; prints JSON last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=20, help="Runs per page (median).")
        parser.add_argument("--pdf-runs", type=int, default=9, help="Runs of the PDF render.")
        parser.add_argument(
            "--scale", action="store_true", help="Only the scale run (every UN member State)."
        )
        parser.add_argument(
            "--scale-runs", type=int, default=10, help="Runs per page of the scale run (median)."
        )
        # Internal: the fresh process whose peak memory is the PDF's (reads JSON on stdin).
        parser.add_argument("--render-child", action="store_true", help="(internal)")

    def handle(
        self,
        *args: Any,
        runs: int,
        pdf_runs: int,
        scale: bool,
        scale_runs: int,
        render_child: bool,
        **options: Any,
    ) -> None:
        if render_child:
            self._render_child()
            return
        if scale:
            self._print(self._in_test_database(lambda: self._scale(runs=scale_runs)))
            return
        figures = self._in_test_database(lambda: self._measure(runs=runs, pdf_runs=pdf_runs))
        # After the first throwaway database is gone: the child makes one of the same name.
        figures.update(self._scale_in_child(runs=scale_runs))
        self._print(figures)

    def _in_test_database(self, measure: Callable[[], dict[str, float]]) -> dict[str, float]:
        plain_render = Template._render
        setup_test_environment()
        # The test environment wraps every template render so that tests can inspect what was
        # rendered (the test client keeps a copy of each context); production does not, and on
        # a page of fifty radio buttons, each a template, that wrapper is most of the time.
        instrumented, Template._render = Template._render, plain_render
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            with (
                tempfile.TemporaryDirectory(prefix="r2p-bench-") as media,
                override_settings(
                    MEDIA_ROOT=media,
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                    # The test database lives in this process's memory, which the worker's
                    # render child, opening a connection of its own, would not see: the worker
                    # renders in its own process here (the PDF timings fork as_the_worker).
                    REPORT_RENDER_IN_CHILD=False,
                ),
            ):
                return measure()
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            Template._render = instrumented
            teardown_test_environment()

    def _measure(self, *, runs: int, pdf_runs: int) -> dict[str, float]:
        call_command("seed_demo", stdout=StringIO())
        focal = get_user_model().objects.get(username="focal")
        client = Client()
        client.force_login(focal)

        draft = Assessment.objects.select_related("country").get(country__code="XA", cycle=2026)
        submitted = Assessment.objects.select_related("country").get(country__code="XA", cycle=2025)
        instrument = get_instrument(draft.instrument_version)
        section = instrument.sections[0]  # answered in the demo
        question = next(q for q in section.questions if q.kind == "risk" and not q.show_if)
        section_url = f"/assessments/XA/2026/sections/{section.key}/"

        def get(url: str, status: int = 200) -> Callable[[], None]:
            def action() -> None:
                response = client.get(url)
                assert response.status_code == status, (url, response.status_code)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)

            return action

        values = iter(["low", "moderate"] * 10_000)
        # Saves as one open page makes them: its revision and writer id, which keep a page's
        # own earlier saves from reading as someone else's change (a conflict).
        page = client.get(section_url).content.decode()
        hidden = dict(re.findall(r'name="(section_revision|writer)" value="([0-9a-f]*)"', page))

        def post() -> None:
            # A real save: the answer changes every time, so a row and an event are written.
            response = client.post(section_url, {**hidden, question.key: next(values)})
            assert response.status_code == 302, response.status_code

        figures: dict[str, float] = {}
        # The pages' targets are ratios to the signed-in floor, measured in turn with them (so
        # that a busy moment weighs on all alike). A page is also timed right after a save,
        # when nothing of it is kept: the cost of the first view of each revision.
        figures["floor_ms"] = median_ms(get("/healthz"), runs=runs)
        results_url = "/assessments/XA/2026/results/"
        (
            figures["signed_in_floor_ms"],
            figures["section_get_ms"],
            figures["results_ms"],
        ) = paired_medians_ms(
            get("/accounts/password_change/done/"), get(section_url), get(results_url), runs=runs
        )
        # Ratios to two places: a target is met or missed on them as printed.
        figures["section_get_x"] = round(
            figures["section_get_ms"] / figures["signed_in_floor_ms"], 2
        )
        figures["results_x"] = round(figures["results_ms"] / figures["signed_in_floor_ms"], 2)
        with CaptureQueriesContext(connection) as queries:
            get(section_url)()
        figures["section_get_queries"] = len(queries)
        figures["section_post_ms"] = median_ms(post, runs=runs)
        figures["section_get_after_save_ms"] = after_ms(post, get(section_url), runs=runs)
        figures["results_after_save_ms"] = after_ms(post, get(results_url), runs=runs)

        responses = submitted.responses()
        pdf, text_only = paired_children(
            as_the_worker(
                lambda: reports.render_assessment_pdf(submitted, responses, language="en")
            ),
            as_the_worker(self._text_only_render(submitted, responses)),
            runs=pdf_runs,
        )
        figures["report_pdf_ms"] = round(statistics.median(pdf), 1)
        figures["report_text_only_ms"] = round(statistics.median(text_only), 1)
        # The median of each run's own ratio: the two renders of a run meet the same moment
        # of a shared machine, whose speed drifts by a fifth from one moment to the next.
        figures["report_pdf_x"] = round(
            statistics.median(p / t for p, t in zip(pdf, text_only, strict=True)), 2
        )
        report_url = "/assessments/XA/2025/report.pdf"
        get(report_url, status=202)()  # not rendered yet: "being prepared", and queued
        work()  # the worker renders it and keeps it; what follows reads the stored copy
        figures["report_pdf_cached_ms"] = median_ms(get(report_url), runs=runs)
        fresh = [self._fresh_after_save(post, draft) for _ in range(2)]
        figures["report_fresh_after_save_ms"] = round(statistics.median(f[0] for f in fresh), 1)
        figures["report_fresh_render_ms"] = round(statistics.median(f[1] for f in fresh), 1)
        get("/assessments/XA/2026/report.pdf")()  # served, once ready
        figures["report_pdf_peak_rss_mb"] = self._peak_rss_mb(submitted, responses)
        return figures

    def _fresh_after_save(
        self, save: Callable[[], None], assessment: Assessment
    ) -> tuple[float, float]:
        """A save, then the worker, polling every second as `db_worker` does, until the
        report of the new revision is stored, ready to be served: the quiet period, the wait
        for the worker, the render and keeping it. Also that render's own time. (In this
        process: a thread would share the test database's in-memory SQLite under table locks
        that no worker meets in production.)"""
        start = time.perf_counter()
        save()
        assessment.refresh_from_db()
        while reports.stored_report(assessment, "en") is None:
            time.sleep(WORKER_INTERVAL)
            work()
        elapsed = (time.perf_counter() - start) * 1000
        render = assessment.renders.get(language="en")
        return elapsed, (render.updated_at - render.claimed_at).total_seconds() * 1000

    def _scale(self, *, runs: int) -> dict[str, float]:
        """The reviewer's dashboard (first page, no filter) and the review queue with every UN
        member State's ten cycles in the database; then a history of 2,000 events, in the
        app and on the review page."""
        started = time.perf_counter()
        reviewer = get_user_model().objects.create_user("reviewer", is_staff=True)
        reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
        made = populate(countries=UN_MEMBER_STATES, last_cycle=date.today().year, user=reviewer)
        long = Assessment.objects.filter(status=Assessment.Status.ACCEPTED).earliest("id")
        long_history(long, events=HISTORY_EVENTS, user=reviewer)
        self.stdout.write(
            f"scale: {made.countries} countries, {made.assessments} assessments, "
            f"{made.answers} answers, {HISTORY_EVENTS} events "
            f"in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(reviewer)
        # The secretariat's session is verified with a second factor, as entering a code does.
        device = TOTPDevice.objects.create(user=reviewer, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

        def get(url: str) -> Callable[[], bytes]:
            def action() -> bytes:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response.content

            return action

        dashboard, queue = get("/"), get("/admin/assessments/assessment/")
        history = get(f"/assessments/{long.country.code}/{long.cycle}/history/")
        review = get(f"/admin/assessments/assessment/{long.pk}/change/")
        get("/accounts/password_change/done/")()  # the session renewed, the URLs resolved
        gc.collect()
        before = _rss_mb()
        figures: dict[str, float] = {}
        figures["scale_dashboard_ms"], figures["scale_queue_ms"] = paired_medians_ms(
            dashboard, queue, runs=runs
        )
        figures["scale_history_ms"], figures["scale_review_ms"] = paired_medians_ms(
            history, review, runs=runs
        )
        for name, page in (("dashboard", dashboard), ("queue", queue), ("history", history)):
            with CaptureQueriesContext(connection) as queries:
                size = len(page())
            figures[f"scale_{name}_queries"] = len(queries)
            figures[f"scale_{name}_kb"] = round(size / 1024, 1)
        figures["scale_rss_mb"] = _rss_mb()
        figures["scale_rss_growth_mb"] = round(figures["scale_rss_mb"] - before, 1)
        return figures

    def _scale_in_child(self, *, runs: int) -> dict[str, float]:
        manage = Path(settings.BASE_DIR) / "manage.py"
        child = subprocess.run(
            [sys.executable, str(manage), "bench", "--scale", "--scale-runs", str(runs)],
            check=True,
            capture_output=True,
            text=True,
        )
        lines = child.stdout.splitlines()
        self.stdout.write(lines[0])  # what the scale run loaded
        return json.loads(lines[-1])

    def _text_only_render(self, assessment: Any, responses: dict) -> Callable[[], bytes]:
        """The least WeasyPrint can do with the report's content: the same words, stylesheet
        and page margins, as one paragraph with no structure."""
        document = reports.assessment_document(assessment, responses, language="en")
        head, body = document.html.split("<body>", 1)
        words = " ".join(strip_tags(body).split())
        html = f"{head}<body><p>{escape(words)}</p></body></html>"
        return lambda: reports.html_to_pdf(html, page_css=document.page_css)

    def _peak_rss_mb(self, assessment: Any, responses: dict) -> float:
        """Render the report in a fresh process, from the data passed on stdin (the test
        database is not visible from there), and read that process's peak memory."""
        payload = {
            "country": [assessment.country.name, assessment.country.code],
            "cycle": assessment.cycle,
            "status": assessment.status,
            "revision": assessment.revision,
            "version": assessment.instrument_version,
            "responses": {key: [r.value, r.note] for key, r in responses.items()},
        }
        manage = Path(settings.BASE_DIR) / "manage.py"
        child = subprocess.Popen(
            [sys.executable, str(manage), "bench", "--render-child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        child.stdin.write(json.dumps(payload).encode())
        child.stdin.close()
        # That child's own figure (Linux: kilobytes), not the largest of every child waited for:
        # a forked one counts the pages it shares with this process.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        assert child.returncode == 0, child.returncode
        return round(usage.ru_maxrss / 1024, 1)

    def _render_child(self) -> None:
        data = json.load(sys.stdin)
        assessment = Assessment(
            country=Country(name=data["country"][0], code=data["country"][1]),
            cycle=data["cycle"],
            status=data["status"],
            revision=data["revision"],
            instrument_version=data["version"],
        )
        responses = {key: Response(*value) for key, value in data["responses"].items()}
        rendering.become_render_process()
        pdf = reports.render_assessment_pdf(assessment, responses, language="en")
        self.stdout.write(f"{len(pdf)} bytes")

    def _print(self, figures: dict[str, float]) -> None:
        met = {
            "scale_dashboard_ms": figures.get("scale_dashboard_ms", 0) <= 150,
            "scale_queue_ms": figures.get("scale_queue_ms", 0) <= 150,
            "scale_rss_growth_mb": figures.get("scale_rss_growth_mb", 0) <= 20,
        }
        if "floor_ms" in figures:
            met.update(
                section_get_x=figures["section_get_x"] <= 3,
                results_x=figures["results_x"] <= 4,
                report_pdf_x=figures["report_pdf_x"] <= 2,
                report_pdf_cached_ms=figures["report_pdf_cached_ms"] <= 25,
                report_fresh_after_save_ms=figures["report_fresh_after_save_ms"]
                <= figures["report_fresh_render_ms"] + 5000,
                report_pdf_peak_rss_mb=figures["report_pdf_peak_rss_mb"] <= 300,
            )
        self.stdout.write(f"{'measure':<26} {'value':>10}  target")
        for name, value in figures.items():
            target = TARGETS.get(name, REFERENCES.get(name, ""))
            if name in met:
                target += "  ok" if met[name] else "  MISSED"
            self.stdout.write(f"{name:<26} {value:>10}  {target}")
        self.stdout.write(json.dumps(figures))


def as_the_worker(render: Callable[[], object]) -> Callable[[], float]:
    """`render` as the worker makes a report: in a process forked from a warm one, which
    renders once and exits (rendering.become_render_process). The child reads the test
    database this process holds in memory, as it was at the fork, and writes nothing. Returns
    the child's CPU time in ms: at a background priority, its wall time is the machine's."""

    def action() -> float:
        reports.warm_up()  # as the worker does, once
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                rendering.become_render_process()
                render()
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        _, status, usage = os.wait4(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, "the render failed"
        return (usage.ru_utime + usage.ru_stime) * 1000

    return action


def paired_children(*renders: Callable[[], float], runs: int) -> tuple[list[float], ...]:
    """Each render's CPU time (as_the_worker) in each run, the renders run in turn, after one
    of each."""
    for render in renders:
        render()
    spent = [[render() for render in renders] for _ in range(runs)]
    return tuple(list(times) for times in zip(*spent, strict=True))


def after_ms(change: Callable[[], None], action: Callable[[], None], *, runs: int) -> float:
    """The median time of `action` right after each `change`: nothing of it kept yet."""
    spent = []
    for _ in range(runs):
        change()
        start = time.perf_counter()
        action()
        spent.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(spent), 1)


def work() -> None:
    """What the queue's worker does with the tasks due now."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, stdout=StringIO())


def _rss_mb() -> float:
    """The process's resident memory now (Linux: /proc), not its peak."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return round(pages * resource.getpagesize() / 2**20, 1)
