"""`make cluster`: the app as production runs it past one machine, each part a process of its
own (assessments/management/deployment.py), reached over HTTP. The default `pytest` run leaves
this folder out (see pyproject.toml); PostgreSQL must answer at 127.0.0.1:5432."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from assessments.management.deployment import (
    POSTGRES,
    Deployment,
    PostgresDatabase,
    postgres_answers,
    production_env,
)
from tests.s3 import CREDENTIALS, REGION, local_s3_server, new_bucket


@dataclass(frozen=True)
class Cluster:
    servers: tuple[str, str]
    deployment: Deployment
    stop_storage: Callable[[], None]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """The local S3 server with a bucket, a throwaway PostgreSQL database with the demo data,
    two app servers and one worker, as README "Production" sets them up."""
    if not postgres_answers():
        pytest.fail(f"PostgreSQL does not answer at {POSTGRES}: make cluster needs it")
    with ExitStack() as stack:
        storage = local_s3_server()
        endpoint = next(storage)
        stack.callback(storage.close)
        env = production_env(
            stack.enter_context(PostgresDatabase("cluster")),
            DJANGO_S3_BUCKET=new_bucket(endpoint),
            DJANGO_S3_ENDPOINT_URL=endpoint,
            DJANGO_S3_REGION=REGION,
            DJANGO_S3_ACCESS_KEY_ID=CREDENTIALS["aws_access_key_id"],
            DJANGO_S3_SECRET_ACCESS_KEY=CREDENTIALS["aws_secret_access_key"],
        )
        deployment = stack.enter_context(Deployment(tmp_path_factory.mktemp("cluster"), env))
        deployment.manage("check", "--deploy", "--fail-level", "WARNING")
        deployment.manage("migrate", "--noinput")
        # seed_demo refuses production settings (its users have a known password).
        deployment.manage("seed_demo", env={**env, "DJANGO_ENV": "development"})
        deployment.manage("collectstatic", "--noinput")
        servers = (deployment.app_server(workers=2), deployment.app_server(workers=2))
        deployment.worker()
        yield Cluster(servers, deployment, stop_storage=storage.close)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    """A failure shows the end of each process's log beside it."""
    report = yield
    cluster = getattr(item, "funcargs", {}).get("cluster")
    if report.failed and cluster is not None:
        report.sections.append(("the cluster's logs", cluster.deployment.logs()))
    return report
