"""System checks: a broken instrument file fails `manage.py check` (and so CI and deployment),
not the first page view that happens to load it."""

from __future__ import annotations

from typing import Any

from django.core import checks

from assessments.instrument import (
    CURRENT_VERSION,
    InstrumentError,
    instruments_dir,
    load_instruments,
)


@checks.register()
def check_instruments(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    directory = instruments_dir()
    try:
        # Read afresh rather than through the cache, so the check sees the files as they are now.
        instruments = load_instruments(directory)
    except InstrumentError as exc:
        return [
            checks.Error(
                str(exc),
                hint=f"Fix the instrument file in {directory}.",
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
