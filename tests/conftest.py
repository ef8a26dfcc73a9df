from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass

import hypothesis
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django_tasks import default_task_backend
from hypothesis import HealthCheck

from assessments.access import REVIEWERS_GROUP
from assessments.models import Assessment, Country, Membership
from tests.factories import AssessmentFactory, CountryFactory, MembershipFactory, UserFactory
from tests.s3 import ON_S3, local_s3_server, new_bucket_storage
from tests.second_factor import verify_session


def pytest_configure(config: pytest.Config) -> None:
    # Real password hashing costs ~0.3 s a user; tests need none of its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Queued tasks wait in memory until a test runs them (tests/tasks.py): the immediate
    # backend cannot defer, and the database backend is for the tests of the queue itself.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    # Reports render in the test's own process, inside its transaction (a child process is
    # tested on its own, in test_rendering.py).
    settings.REPORT_RENDER_IN_CHILD = False


# Hostile-input tests (test_hostile_input.py): CI runs 420 examples a test, over 2,000 in all;
# a developer's `make test` runs fewer. HYPOTHESIS_PROFILE=ci or =dev chooses either anywhere.
hypothesis.settings.register_profile(
    "ci", max_examples=420, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis.settings.register_profile(
    "dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis.settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(autouse=True)
def second_factor_done(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Staff must sign in with a second factor (access.needs_second_factor): a test that is
    not about it signs them in with it done (tests/second_factor.py). Those marked
    `second_factor` sign in as people do."""
    if request.node.get_closest_marker("second_factor"):
        return
    force_login = Client.force_login

    def force_login_verified(self: Client, user: object, backend: str | None = None) -> None:
        force_login(self, user, backend)
        if user.is_staff:
            verify_session(self, user)

    force_login_verified.__wrapped_original__ = force_login
    monkeypatch.setattr(Client, "force_login", force_login_verified)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def weasyprint_quiet() -> Iterator[None]:
    """WeasyPrint only logs what it could not load or understand (a stylesheet its URL fetcher
    refused, a CSS rule) and carries on with a PDF that looks wrong: any such warning fails
    the test that caused it."""
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        yield
    finally:
        logger.removeHandler(collect)
    assert not collect.records, [record.getMessage() for record in collect.records]


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Parts of pages are kept by assessment and revision (presenters.kept_as): each test's
    database starts again from the same ids, so each test starts with nothing kept."""
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def empty_queue() -> Iterator[None]:
    yield
    default_task_backend.clear()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    yield from local_s3_server()


@pytest.fixture(autouse=True)
def private_media(request, settings, tmp_path) -> None:
    """Rendered reports go to a folder of the test's own, never the project's media/; or, in
    the run against object storage (tests/s3.py), to a bucket of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if ON_S3:
        storage = new_bucket_storage(request.getfixturevalue("s3_server"))
        settings.STORAGES = {**settings.STORAGES, "default": storage}


@dataclass
class World:
    """Two fictional States and one of each kind of user the access rules tell apart."""

    arcadia: Country
    borealis: Country
    editor: object
    viewer: object
    other_editor: object
    reviewer: object
    outsider: object
    assessment: Assessment
    other_assessment: Assessment


@pytest.fixture
def world(db) -> World:
    arcadia = CountryFactory(code="XA", name="Arcadia")
    borealis = CountryFactory(code="XB", name="Borealis")
    editor = MembershipFactory(
        country=arcadia, user=UserFactory(username="focal"), role=Membership.Role.EDITOR
    ).user
    viewer = MembershipFactory(
        country=arcadia, user=UserFactory(username="colleague"), role=Membership.Role.VIEWER
    ).user
    other_editor = MembershipFactory(
        country=borealis, user=UserFactory(username="other"), role=Membership.Role.EDITOR
    ).user
    reviewer = UserFactory(username="reviewer", is_staff=True)
    reviewer.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return World(
        arcadia=arcadia,
        borealis=borealis,
        editor=editor,
        viewer=viewer,
        other_editor=other_editor,
        reviewer=reviewer,
        outsider=UserFactory(username="outsider"),
        assessment=AssessmentFactory(country=arcadia, cycle=2026),
        other_assessment=AssessmentFactory(country=borealis, cycle=2026),
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """SQLite on a file, as it is run: an in-memory database serialises every connection
    behind one lock, so the race tests (test_races.py) could prove nothing on it."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)
        # A throwaway file: no need to wait for the disk.
        database["OPTIONS"] = {
            **database.get("OPTIONS", {}),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;",
        }
