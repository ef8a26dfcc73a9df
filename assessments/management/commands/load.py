"""A load run, not a test: gunicorn with two sync workers, as production runs it, under wrk's
50 connections on loopback for 20 s a page — the reviewer's dashboard, a section page, the
results page and a PDF report already rendered — and then the section page again while the
worker renders reports one after another, beside the same two cores.

Targets: no errors anywhere (an error is a response other than 2xx, a redirect to the login
page included, or a socket error or time-out), and the section page's p99 while reports
render at most twice its p99 without them.

Everything runs in a throwaway database with the demo data (PostgreSQL's if it answers at
127.0.0.1:5432, else SQLite) and a temporary folder for the files, with the processes of
assessments/management/deployment.py: the developer's database and files are never touched.
The last line printed is one JSON object, for scripts to compare runs: every figure.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.management.commands.seed_demo import DEFAULT_PASSWORD, SECOND_FACTORS
from assessments.management.deployment import (
    WAIT,
    Deployment,
    PostgresDatabase,
    Process,
    Visitor,
    postgres_answers,
    production_env,
)

CONNECTIONS = 50
APP_SERVER_WORKERS = 2
# wrk gives a request up after as long as gunicorn gives a worker (its default timeout).
TIMEOUT_SECONDS = 30
# One thread is far more than these pages need, and takes the least from the app server.
WRK_THREADS = 1
# Before each page is timed, the same load, not counted: each app server worker's first
# requests open its database connection and compile the page's templates.
WARM_UP_SECONDS = 2
P99_RATIO_TARGET = 2.0
SECTION = get_instrument(CURRENT_VERSION).sections[0]
QUESTION = next(q for q in SECTION.questions if q.kind == "risk" and not q.show_if)
REPORT = "/assessments/XA/2026/report.pdf"
PAGES = {  # name: (who, address)
    "dashboard": ("reviewer", "/"),
    "section": ("focal", f"/assessments/XA/2026/sections/{SECTION.key}/"),
    "results": ("focal", "/assessments/XA/2026/results/"),
    "report_pdf": ("focal", REPORT),
}
# The demo's reports, each rendered before anything is timed, so that none renders meanwhile.
DEMO_REPORTS = [
    ("focal", "/assessments/XA/2025/report.pdf"),
    ("focal", REPORT),
    ("other", "/assessments/XB/2026/report.pdf"),
]
# Borealis's editor saves this every second while the section page is loaded the second time.
SAVER_URL = f"/assessments/XB/2026/sections/{SECTION.key}/"
SAVE_EVERY_SECONDS = 1.0
# The worker's log lines of a render begun and ended.
RENDER_STARTED = "path=assessments.tasks.render_report state=RUNNING"
RENDERED = "path=assessments.tasks.render_report state=SUCCESSFUL"

# wrk counts only 4xx and 5xx as errors; this counts whatever is not 2xx (a redirect to the
# login page is a failure here), and prints the run's figures as one line of JSON.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then not_2xx = not_2xx + 1 end
end
function done(summary, latency, requests)
  local not_2xx = 0
  for _, thread in ipairs(threads) do not_2xx = not_2xx + thread:get("not_2xx") end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "microseconds": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    not_2xx + e.connect + e.read + e.write + e.timeout))
end
"""


class Command(BaseCommand):
    help = "Load gunicorn with wrk, a page at a time, in a throwaway database; prints JSON last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seconds", type=int, default=20, help="How long each page is loaded.")

    def handle(self, *args: Any, seconds: int, **options: Any) -> None:
        if shutil.which("wrk") is None:
            raise CommandError("wrk is missing: apt-get install -y wrk")
        with ExitStack() as stack:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="r2p-load-")))
            if postgres_answers():
                database, engine = stack.enter_context(PostgresDatabase("load")), "PostgreSQL"
                sqlite = {}
            else:
                database, engine = f"sqlite:///{directory / 'db.sqlite3'}", "SQLite"
                sqlite = {"DJANGO_ALLOW_SQLITE": "1"}
            env = production_env(
                database,
                DJANGO_MEDIA_ROOT=str(directory / "media"),
                # No quiet period before a render: each save of the one assessment being saved
                # queues the next, as when many countries' focal points are at work at once.
                REPORT_RENDER_DELAY_SECONDS="0",
                **sqlite,
            )
            deployment = stack.enter_context(Deployment(directory, env))
            deployment.manage("migrate", "--noinput")
            # seed_demo refuses production settings (its users have a known password).
            deployment.manage("seed_demo", env={**env, "DJANGO_ENV": "development"})
            deployment.manage("collectstatic", "--noinput")
            server = deployment.app_server(workers=APP_SERVER_WORKERS)
            worker = deployment.worker()
            self.stdout.write(
                f"gunicorn, {APP_SERVER_WORKERS} sync workers, {engine}; wrk, {CONNECTIONS} "
                f"connections on loopback, {seconds} s a page"
            )
            try:
                figures = self._measure(server, worker, directory / "figures.lua", seconds)
            except Exception:
                self.stderr.write(deployment.logs())
                raise
        self._print(figures)

    def _measure(
        self, server: str, worker: Process, script: Path, seconds: int
    ) -> dict[str, float]:
        script.write_text(WRK_SCRIPT)
        people = {username: Visitor() for username in ("reviewer", "focal", "other")}
        for username, visitor in people.items():
            # The reviewer's second factor: the first of the demo's recovery codes.
            code = SECOND_FACTORS[username][1][0] if username in SECOND_FACTORS else ""
            visitor.sign_in(server, username, DEFAULT_PASSWORD, code=code)
        for username, report in DEMO_REPORTS:
            people[username].download_when_ready(server + report).expect(200, report)

        figures: dict[str, float] = {}
        for name, (username, path) in PAGES.items():
            figures.update(_wrk(name, people[username], server + path, script, seconds))
        rendered = worker.log.read_text().count(RENDERED)
        with renders_going(people["other"], server + SAVER_URL, worker):
            section = PAGES["section"][1]
            figures.update(
                _wrk("section_rendering", people["focal"], server + section, script, seconds)
            )
        figures["renders_meanwhile"] = worker.log.read_text().count(RENDERED) - rendered
        figures["section_p99_ratio"] = round(
            figures["section_rendering_p99_ms"] / figures["section_p99_ms"], 2
        )
        return figures

    def _print(self, figures: dict[str, float]) -> None:
        self.stdout.write(f"{'page':<26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name in [*PAGES, "section_rendering"]:
            row = [figures[f"{name}_{figure}"] for figure in ("rps", "p50_ms", "p99_ms")]
            label = "section, reports rendering" if name == "section_rendering" else name
            self.stdout.write(
                f"{label:<26} {row[0]:>8} {row[1]:>8} {row[2]:>8} {figures[f'{name}_errors']:>7}"
            )
        errors = sum(value for name, value in figures.items() if name.endswith("_errors"))
        ratio = figures["section_p99_ratio"]
        self.stdout.write(
            f"section p99: {figures['section_rendering_p99_ms']} ms while the worker rendered "
            f"(reports finished: {figures['renders_meanwhile']}), "
            f"{figures['section_p99_ms']} ms without: "
            f"{ratio} × (target ≤ {P99_RATIO_TARGET} ×: "
            f"{'ok' if ratio <= P99_RATIO_TARGET else 'MISSED'}); errors: {errors} (target 0: "
            f"{'ok' if errors == 0 else 'MISSED'})"
        )
        self.stdout.write(json.dumps(figures))


def _wrk(name: str, visitor: Visitor, url: str, script: Path, seconds: int) -> dict[str, float]:
    """`url` loaded by wrk for `seconds` after a warm-up, every request with the visitor's
    session."""
    headers = [option for header in visitor.headers.items() for option in ("-H", ": ".join(header))]
    for duration in (WARM_UP_SECONDS, seconds):
        done = subprocess.run(
            [
                "wrk",
                f"--threads={WRK_THREADS}",
                f"--connections={CONNECTIONS}",
                f"--duration={duration}s",
                f"--timeout={TIMEOUT_SECONDS}s",
                f"--script={script}",
                *headers,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    run = json.loads(done.stdout.splitlines()[-1])
    return {
        f"{name}_rps": round(run["requests"] / (run["microseconds"] / 1e6), 1),
        f"{name}_p50_ms": round(run["p50_us"] / 1000, 1),
        f"{name}_p99_ms": round(run["p99_us"] / 1000, 1),
        f"{name}_errors": run["errors"],
    }


@contextmanager
def renders_going(visitor: Visitor, url: str, worker: Process) -> Iterator[None]:
    """From the worker's first render on, while the block runs: the visitor saves the section
    at `url` every second, each save a change, as one open page autosaves. Each queues a
    render of that assessment's report, and the worker renders one after another (a save
    during a render queues the next)."""
    fields = visitor.form(url)
    started = worker.log.read_text().count(RENDER_STARTED)
    stop = threading.Event()
    failures: list[Exception] = []

    def save() -> None:
        for value in itertools.cycle(("low", "moderate")):
            try:
                visitor.post(url, {**fields, QUESTION.key: value}).expect(302, f"a save of {url}")
            except Exception as error:
                failures.append(error)
                return
            if stop.wait(SAVE_EVERY_SECONDS):
                return

    saver = threading.Thread(target=save)
    saver.start()
    try:
        deadline = time.monotonic() + WAIT
        while worker.log.read_text().count(RENDER_STARTED) == started:
            if failures or time.monotonic() > deadline:
                raise RuntimeError(f"the worker began no render after {url} was saved")
            time.sleep(0.1)
        yield
    finally:
        stop.set()
        saver.join()
    if failures:
        raise failures[0]
