"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Run with `make e2e`; the default `pytest` run leaves this folder out (see pyproject.toml).
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import BrowserContext, expect

from assessments.models import Assessment
from tests.e2e.support import Visitor
from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the test's thread, which makes Django refuse ORM
# calls there ("You cannot call this from an async context"). The tests' ORM calls are plain
# synchronous setup, so the check is switched off for this process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}

expect.set_options(timeout=10_000)


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright's own base_url fixture trips a pytest deprecation: not ours to fix.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium: Playwright cannot download its own browser here."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (or set E2E_CHROMIUM)")
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": VIEWPORT,
        "locale": "en-GB",
        "timezone_id": "UTC",
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    """Reports rendered by the tests go to a folder of their own. Stored reports are named by
    assessment id and revision, which a later run's fresh database gives out again."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def worker(settings, transactional_db) -> Iterator[None]:
    """The queue's worker, as `make run` starts it: here a thread of the test process, which
    alone can reach the live server's test database. It renders reports and sends emails."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    loop = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="e2e",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    yield
    loop.running = False
    thread.join(timeout=60)


@pytest.fixture
def demo(transactional_db) -> None:
    """The demo countries, people and assessments (`make run`'s data), password PASSWORD."""
    call_command("seed_demo", password=PASSWORD, stdout=io.StringIO())


@pytest.fixture
def this_year() -> int:
    return date.today().year


@pytest.fixture
def fresh_cycle(demo, this_year: int) -> int:
    """Arcadia without a current-year assessment, so that the focal point can start one."""
    Assessment.objects.filter(country__code="XA", cycle=this_year).delete()
    return this_year


@pytest.fixture
def visitor(new_context: Callable[..., BrowserContext], live_server) -> Callable[..., Visitor]:
    """A person in their own browser context, logged in when given a username."""

    def open_visitor(username: str = "", *, next_path: str = "") -> Visitor:
        context = new_context()
        context.set_default_timeout(10_000)
        person = Visitor(context.new_page(), live_server.url)
        if username:
            person.login(username, PASSWORD, next_path=next_path)
        return person

    return open_visitor
