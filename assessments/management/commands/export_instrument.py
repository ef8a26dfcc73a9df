"""Print an instrument, with its source paragraphs, as JSON: for translators, reviewers and
anyone comparing versions or languages without reading TOML."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from assessments.instrument import (
    CURRENT_VERSION,
    Instrument,
    Question,
    available_versions,
    get_instrument,
    translated_languages,
)


def instrument_as_dict(instrument: Instrument) -> dict[str, Any]:
    source = instrument.source
    return {
        "version": instrument.version,
        "language": instrument.language,
        "title": instrument.title,
        "summary": instrument.summary_key or None,
        "carry_over": None
        if instrument.carry_over is None
        else {
            "from": instrument.carry_over.from_version,
            "questions": dict(instrument.carry_over.pairs),
        },
        "source": {
            "key": source.key,
            "title": source.title,
            "date": source.date.isoformat(),
            "place": source.place,
            "report_symbol": source.report_symbol,
            "report_title": source.report_title,
            # A translated source is unofficial: the English original is authoritative.
            "unofficial_translation": source.original is not None,
            "paragraphs": {str(n): text for n, text in source.paragraphs.items()},
        },
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "intro": section.intro,
                "paragraphs": list(section.paragraphs),
                "context": section.context,
                "questions": [_question_as_dict(q) for q in section.questions],
            }
            for section in instrument.sections
        ],
    }


def _question_as_dict(question: Question) -> dict[str, Any]:
    show_if = question.show_if
    return {
        "key": question.key,
        "short": question.short or None,
        "text": question.text,
        "help": question.help,
        "kind": question.kind,
        "choices": [{"value": c.value, "label": str(c.label)} for c in question.choices],
        "paragraphs": list(question.paragraphs),
        "basis": question.basis or None,
        "other_source": question.other_source or None,
        "support": {str(n): phrase for n, phrase in question.support},
        "mitigated_by": list(question.mitigated_by),
        "max_words": question.max_words,
        "prompts": list(question.prompts),
        "show_if": None
        if show_if is None
        else {"question": show_if.question, "values": list(show_if.values)},
    }


class Command(BaseCommand):
    help = "Print an instrument and its source paragraphs as JSON."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Django gives every command a --version (its own version number); this command's
        # --version names the instrument instead, so the later definition must win.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--version",
            default=CURRENT_VERSION,
            help=f"The instrument version to export (default: {CURRENT_VERSION}).",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help=f"The language to export it in (default: {settings.LANGUAGE_CODE}, its own).",
        )

    def handle(self, *args: Any, version: str, language: str, **options: Any) -> None:
        if version not in available_versions():
            raise CommandError(
                f"Unknown instrument version {version!r}. "
                f"Available: {', '.join(available_versions())}."
            )
        languages = (settings.LANGUAGE_CODE, *translated_languages())
        if language not in languages:
            raise CommandError(
                f"The instrument is not translated into {language!r}. "
                f"Available: {', '.join(languages)}."
            )
        with translation.override(language):  # the answer scales' labels too
            data = instrument_as_dict(get_instrument(version, language))
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
