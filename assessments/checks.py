"""System checks: a broken instrument file fails `manage.py check` (and so CI and deployment),
not the first page view that happens to load it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from assessments.instrument import (
    CURRENT_VERSION,
    InstrumentError,
    instruments_dir,
    load_all,
)
from r2p_assess.safety import unsafe_production_settings


@checks.register()
def check_instruments(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    directory = instruments_dir()
    try:
        # Read afresh rather than through the cache, so the check sees the files as they are now.
        instruments, _ = load_all(directory)
    except InstrumentError as exc:
        return [
            checks.Error(
                str(exc),
                hint=f"Fix the file in {directory}.",
                id="assessments.E001",
            )
        ]
    if CURRENT_VERSION not in instruments:
        return [
            checks.Error(
                f"No instrument in {directory} has version {CURRENT_VERSION!r}, "
                "which new assessments use.",
                hint=f"Available: {', '.join(sorted(instruments)) or 'none'}.",
                id="assessments.E002",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy` refuses what production must not run with, in the live settings."""
    problems = unsafe_production_settings(
        email_backend=settings.EMAIL_BACKEND,
        database_engine=settings.DATABASES["default"]["ENGINE"],
        allow_sqlite=getattr(settings, "ALLOW_SQLITE", False),
        allowed_hosts=settings.ALLOWED_HOSTS,
        secret_key=settings.SECRET_KEY,
    )
    return [checks.Error(f"{variable} {why}.", id="assessments.E010") for variable, why in problems]
