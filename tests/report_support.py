"""Helpers for the tests that render PDFs: a render takes about a second for the whole
questionnaire, so tests about something else than its content render a small one."""

from __future__ import annotations

import io
from dataclasses import replace

from pypdf import PdfReader

from assessments.instrument import CURRENT_VERSION, Instrument, get_instrument


def mini_instrument() -> Instrument:
    """The current instrument cut down to its first section's first three questions."""
    real = get_instrument(CURRENT_VERSION)
    section = replace(real.sections[0], questions=real.sections[0].questions[:3])
    return Instrument(real.version, real.title, real.source, (section,))


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace normalised (line breaks, no-break spaces: one space)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
