"""Settings come from the environment; bad values stop start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "a-long-random-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "r2p.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "DATABASE_URL": "postgres://r2p@db.example.org:5432/r2p_assess",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    ours = ("DJANGO_", "EMAIL_", "DATABASE_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DJANGO_ENV": "staging"}, "DJANGO_ENV"),
        ({"SESSION_IDLE_TIMEOUT_SECONDS": "eight hours"}, "SESSION_IDLE_TIMEOUT_SECONDS"),
        ({**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({**PRODUCTION_ENV, "DJANGO_DEBUG": "1"}, "DJANGO_DEBUG"),
    ],
)
def test_it_refuses_bad_environment_naming_the_variable(env: dict[str, str], named: str) -> None:
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert named in result.stderr


def without(env: dict[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in env.items() if key != name}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        (without(PRODUCTION_ENV, "EMAIL_HOST"), "EMAIL_HOST"),
        (without(PRODUCTION_ENV, "DATABASE_URL"), "DATABASE_URL"),
        ({**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
        ({**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": "r2p.example.org,*"}, "DJANGO_ALLOWED_HOSTS"),
        ({**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY"),
        ({**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "ab" * 40}, "DJANGO_SECRET_KEY"),
    ],
    ids=["console email", "sqlite", "any host", "any host among others", "short key", "2 chars"],
)
def test_production_refuses_each_unsafe_setting_naming_it(env, named) -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert f"refuses to start: {named}" in result.stderr


def test_sqlite_in_production_only_on_purpose() -> None:
    env = {**without(PRODUCTION_ENV, "DATABASE_URL"), "DJANGO_ALLOW_SQLITE": "1"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_refuses_unsafe_live_settings(settings) -> None:
    from assessments.checks import check_production_settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["*"]
    errors = check_production_settings()
    assert {e.id for e in errors} == {"assessments.E010"}
    messages = " ".join(e.msg for e in errors)
    assert "EMAIL_HOST" in messages and "DJANGO_ALLOWED_HOSTS" in messages


def test_seed_demo_refuses_to_run_in_production() -> None:
    result = run_manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "refuses to run with DJANGO_ENV=production" in result.stderr


def test_production_settings_pass_the_deployment_checks() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_offers_the_six_un_languages() -> None:
    assert [code for code, _ in settings.LANGUAGES] == ["en", "fr", "es", "ar", "ru", "zh-hans"]


def test_the_sqlite_database_is_readable_by_the_app_only(db) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    connection.ensure_connection()
    name = connection.settings_dict["NAME"]
    assert os.stat(name).st_mode & 0o777 == 0o600


def test_the_csp_reports_where_it_is_told_to() -> None:
    env = {"DJANGO_CSP_REPORT_URI": "https://reports.example.org/csp"}
    script = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY)"
    result = run_manage("shell", "-c", script, env=env)
    assert "'report-uri': ['https://reports.example.org/csp']" in result.stdout, result.stderr
    assert "'report-to': 'csp'" in result.stdout
    assert "report-uri" not in run_manage("shell", "-c", script, env={}).stdout
