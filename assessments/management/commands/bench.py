"""A benchmark, not a test: page timings against a trivial view, the PDF's time and memory.

Everything runs in a throwaway test database (and a temporary media folder), loaded with the
demo data: the developer's database and files are never touched. After a warm-up, each figure
is the median of several runs. The PDF's peak memory is measured in a fresh process that
renders it and nothing else, so that it is not flattered or inflated by this one.

The last line printed is one JSON object, for scripts to compare runs.
"""

from __future__ import annotations

import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
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

from assessments import reports
from assessments.instrument import get_instrument
from assessments.models import Assessment, Country
from assessments.scoring import Response

TARGETS = {
    "section_get_ms": "≤ 3 × floor",
    "report_pdf_ms": "≤ 1000 ms",
    "report_pdf_cached_ms": "≤ 25 ms",
    "report_pdf_peak_rss_mb": "≤ 300 MB",
}
# Not targets: what this machine and the stack cost before the app's own work, to read the
# targets against.
REFERENCES = {
    "signed_in_floor_ms": "reference: Django's own trivial page, for a signed-in user",
    "report_text_only_ms": "reference: the report's words as one plain paragraph",
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
        parser.add_argument("--pdf-runs", type=int, default=5, help="Runs of the PDF render.")
        # Internal: the fresh process whose peak memory is the PDF's (reads JSON on stdin).
        parser.add_argument("--render-child", action="store_true", help="(internal)")

    def handle(
        self, *args: Any, runs: int, pdf_runs: int, render_child: bool, **options: Any
    ) -> None:
        if render_child:
            self._render_child()
            return
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
                ),
            ):
                figures = self._measure(runs=runs, pdf_runs=pdf_runs)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            Template._render = instrumented
            teardown_test_environment()
        self._print(figures)

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
        # Measured on its own, as the target was set: between other requests, a request this
        # small takes twice as long (colder caches), which would flatter the ratio.
        figures["floor_ms"] = median_ms(get("/healthz"), runs=runs)
        figures["signed_in_floor_ms"], figures["section_get_ms"] = paired_medians_ms(
            get("/accounts/password_change/done/"), get(section_url), runs=runs
        )
        with CaptureQueriesContext(connection) as queries:
            get(section_url)()
        figures["section_get_queries"] = len(queries)
        figures["section_post_ms"] = median_ms(post, runs=runs)
        figures["results_ms"] = median_ms(get("/assessments/XA/2026/results/"), runs=runs)

        responses = submitted.responses()
        figures["report_pdf_ms"], figures["report_text_only_ms"] = paired_medians_ms(
            lambda: reports.render_assessment_pdf(submitted, responses, language="en"),
            self._text_only_render(submitted, responses),
            runs=pdf_runs,
            warmup=1,
        )
        report_url = "/assessments/XA/2025/report.pdf"
        get(report_url)()  # rendered and stored once; what follows reads the stored copy
        figures["report_pdf_cached_ms"] = median_ms(get(report_url), runs=runs)
        figures["report_pdf_peak_rss_mb"] = self._peak_rss_mb(submitted, responses)
        return figures

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
        subprocess.run(
            [sys.executable, str(manage), "bench", "--render-child"],
            input=json.dumps(payload).encode(),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # Linux reports kilobytes: the largest of the waited-for children, here the only one.
        return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)

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
        pdf = reports.render_assessment_pdf(assessment, responses, language="en")
        self.stdout.write(f"{len(pdf)} bytes")

    def _print(self, figures: dict[str, float]) -> None:
        floor = figures["floor_ms"]
        met = {
            "section_get_ms": figures["section_get_ms"] <= 3 * floor,
            "report_pdf_ms": figures["report_pdf_ms"] <= 1000,
            "report_pdf_cached_ms": figures["report_pdf_cached_ms"] <= 25,
            "report_pdf_peak_rss_mb": figures["report_pdf_peak_rss_mb"] <= 300,
        }
        self.stdout.write(f"{'measure':<26} {'value':>10}  target")
        for name, value in figures.items():
            target = TARGETS.get(name, REFERENCES.get(name, ""))
            if name in met:
                target += "  ok" if met[name] else "  MISSED"
            self.stdout.write(f"{name:<26} {value:>10}  {target}")
        section, pdf = figures["section_get_ms"], figures["report_pdf_ms"]
        self.stdout.write(
            f"section GET: {section / floor:.1f} × floor, "
            f"{section / figures['signed_in_floor_ms']:.1f} × signed-in floor; "
            f"PDF: {pdf / figures['report_text_only_ms']:.1f} × its words alone"
        )
        self.stdout.write(json.dumps(figures))
