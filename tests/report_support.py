"""Helpers for the tests that render PDFs: a render takes a second or more for the whole
questionnaire, so tests about something else than its content render a small one."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from django.db import transaction
from pypdf import PdfReader

from assessments.instrument import CURRENT_VERSION, Instrument, get_instrument


def mini_instrument() -> Instrument:
    """The current instrument cut down to its first section's first three questions."""
    real = get_instrument(CURRENT_VERSION)
    section = replace(real.sections[0], questions=real.sections[0].questions[:3])
    return Instrument(real.version, real.title, real.source, (section,))


def cut_instrument(*section_keys: str) -> Instrument:
    """The current instrument with only these sections (and so no summary question): links
    to measures of the sections left out are not suggested."""
    real = get_instrument(CURRENT_VERSION)
    return Instrument(
        real.version, real.title, real.source, tuple(real.section(k) for k in section_keys)
    )


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace normalised (line breaks, no-break spaces: one space)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction undone at the end: module-scoped fixtures build data in it, render from
    it and keep only what they rendered, so that no test sees their rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
