"""The instrument: the questionnaire as versioned data, each question cited to its source.

An instrument file (a ``*.toml`` in ``assessments/instruments/`` with a ``version``) and the
source document it names are loaded into frozen dataclasses (``model.py``) and checked once
(``reader.py``, with ``fields.py``). Forms, scoring, reports and exports read these objects,
never the files. Any mistake in a file is an ``InstrumentError`` naming the file and the key,
and ``manage.py check`` runs the loader (``assessments/checks.py``), so a broken file stops a
deployment rather than a page view.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from django.conf import settings
from django.utils import translation

from assessments.instrument.fields import InstrumentError
from assessments.instrument.model import (
    BASES,
    BEYOND,
    DERIVED,
    DONT_KNOW,
    KINDS,
    MEASURE,
    NOT_APPLICABLE,
    NOT_PRIORITY,
    RISK,
    SCALE_VARIANTS,
    SCALES,
    STATED,
    TEXT,
    YES_NO,
    CarryOver,
    Choice,
    Instrument,
    Question,
    Section,
    ShowIf,
    Source,
)
from assessments.instrument.reader import load_instrument, load_instruments
from assessments.instrument.translated import load_translations

__all__ = [
    "BASES",
    "BEYOND",
    "CURRENT_VERSION",
    "DERIVED",
    "DONT_KNOW",
    "INSTRUMENTS_DIR",
    "KINDS",
    "MEASURE",
    "NOT_APPLICABLE",
    "NOT_PRIORITY",
    "RISK",
    "SCALES",
    "SCALE_VARIANTS",
    "STATED",
    "TEXT",
    "YES_NO",
    "CarryOver",
    "Choice",
    "Instrument",
    "InstrumentError",
    "Question",
    "Section",
    "ShowIf",
    "Source",
    "UnknownVersionError",
    "available_versions",
    "clear_cache",
    "get_instrument",
    "instruments_dir",
    "load_all",
    "load_instrument",
    "load_instruments",
    "offered_translations",
    "translated_languages",
]

INSTRUMENTS_DIR = Path(__file__).resolve().parent.parent / "instruments"
CURRENT_VERSION = "2013-summary/v2"


class UnknownVersionError(KeyError):
    """No instrument has this version. A KeyError, so `except KeyError` callers keep working."""

    def __str__(self) -> str:
        # KeyError would show the message in quotes, as if it were the missing key.
        return str(self.args[0])


def instruments_dir() -> Path:
    """The folder instruments are read from; tests point R2P_INSTRUMENTS_DIR elsewhere."""
    return Path(getattr(settings, "R2P_INSTRUMENTS_DIR", INSTRUMENTS_DIR))


def get_instrument(version: str, language: str | None = None) -> Instrument:
    """The instrument in `language` (default: the active one) where it is translated into it;
    in English, its own language, otherwise."""
    instruments = _load_cached(instruments_dir())
    if version not in instruments:
        known = ", ".join(sorted(instruments)) or "none"
        raise UnknownVersionError(f"no instrument has version {version!r} (available: {known})")
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    translated = _translations_cached(instruments_dir())
    return translated.get((version, language), instruments[version])


def available_versions() -> tuple[str, ...]:
    return tuple(sorted(_load_cached(instruments_dir())))


def translated_languages() -> tuple[str, ...]:
    """The languages every instrument is translated into (English, their own, not included)."""
    return tuple(sorted({language for _, language in _translations_cached(instruments_dir())}))


def offered_translations() -> tuple[str, ...]:
    """The languages a translation may be in: those the app offers, besides English."""
    return tuple(code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


def load_all(directory: Path) -> tuple[dict[str, Instrument], dict[tuple[str, str], Instrument]]:
    """Every instrument in `directory` and every translation of them, read afresh and checked."""
    instruments = load_instruments(directory)
    return instruments, load_translations(directory, instruments, offered_translations())


@functools.cache
def _load_cached(directory: Path) -> Mapping[str, Instrument]:
    return MappingProxyType(load_instruments(directory))


@functools.cache
def _translations_cached(directory: Path) -> Mapping[tuple[str, str], Instrument]:
    translations = load_translations(directory, _load_cached(directory), offered_translations())
    return MappingProxyType(translations)


def clear_cache() -> None:
    _load_cached.cache_clear()
    _translations_cached.cache_clear()
