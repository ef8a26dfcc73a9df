"""Translations of an instrument and of its source, one file per version and language.

``instruments/translations/<version with "-" for "/">.<language>.toml`` gives the instrument's
words in another language (title; each section's title and intro; each question's text, short,
help, other_source, prompts and support phrases), keyed by section and question key;
``<source key>.<language>.toml`` gives the source's title, report title and paragraphs. A
translation replaces words only: keys, kinds, scales, citations and logic stay the instrument's,
and the answer labels come from the interface catalogs.

A translated source is unofficial: it keeps the English source as its ``original``, which pages
and the PDF show beside it. A support phrase is quoted from the translated paragraph, so it must
be found there verbatim, as the English one is in the English paragraph.

Every file is checked when read (``manage.py check`` reads them all): a missing, empty or extra
entry, a placeholder or "¶ n" that differs from the English, a support phrase not in its
paragraph, is an ``InstrumentError`` naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from assessments.instrument.fields import FileReader, InstrumentError, read_toml
from assessments.instrument.model import Instrument, Question, Source

FOLDER = "translations"

# What must survive translation unchanged: a paragraph reference and a placeholder.
PLACEHOLDER = re.compile(r"¶+\s*\d+(?:\s*[–,-]\s*\d+)*|%\(\w+\)[sd]|\{\w+\}")
QUESTION_FIELDS = ("text", "short", "help", "other_source")


def file_stem(version: str) -> str:
    return version.replace("/", "-")


def load_translations(
    directory: Path, instruments: Mapping[str, Instrument], languages: tuple[str, ...]
) -> dict[tuple[str, str], Instrument]:
    """Every translation in `directory`/translations, by (version, language). A language in
    `languages` must translate every instrument, or none (a half-translated language would show
    some assessments in English); a file for any other language, or for no instrument, is an
    error."""
    folder = directory / FOLDER
    found: dict[tuple[str, str], Instrument] = {}
    sources: dict[tuple[str, str], Source] = {}
    stems = {file_stem(version): version for version in instruments}
    source_keys = {instrument.source.key for instrument in instruments.values()}
    paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    for path in paths:
        stem, _, language = path.stem.rpartition(".")
        if language not in languages:
            raise InstrumentError(f"{FOLDER}/{path.name}: {language!r} is not a language offered")
        if stem in source_keys:
            continue  # read with the instrument that cites it
        if stem not in stems:
            raise InstrumentError(f"{FOLDER}/{path.name}: no instrument has this version")
        english = instruments[stems[stem]]
        key = (english.source.key, language)
        if key not in sources:
            source_path = folder / f"{english.source.key}.{language}.toml"
            if not source_path.is_file():
                raise InstrumentError(
                    f"{FOLDER}/{path.name}: its source has no translation {source_path.name}"
                )
            sources[key] = _translate_source(source_path, english.source, language)
        found[english.version, language] = _translate(path, english, sources[key], language)
    for language in {language for _, language in found}:
        for version in instruments:
            if (version, language) not in found:
                raise InstrumentError(
                    f"{FOLDER}: {language!r} has no translation of {version!r} "
                    f"(expected {file_stem(version)}.{language}.toml)"
                )
    return found


def _translate_source(path: Path, english: Source, language: str) -> Source:
    data, r = read_toml(path), FileReader(path)
    r.fields(data, "", ("key", "language", "title", "report_title", "paragraphs"))
    _check_identity(r, data, "key", english.key, language)
    table = r.typed(data["paragraphs"], "'paragraphs'", "", dict)
    expected = {str(n) for n in english.paragraphs}
    _check_keys(r, "paragraphs", set(table), expected)
    paragraphs = {}
    for number, original in english.paragraphs.items():
        paragraphs[number] = _text(r, table, str(number), f"paragraph {number}", original)
    return dataclasses.replace(
        english,
        title=_text(r, data, "title", "", english.title),
        report_title=_text(r, data, "report_title", "", english.report_title),
        paragraphs=MappingProxyType(paragraphs),
        language=language,
        original=english,
    )


def _translate(path: Path, english: Instrument, source: Source, language: str) -> Instrument:
    data, r = read_toml(path), FileReader(path)
    r.fields(data, "", ("version", "language", "title", "sections", "questions"))
    _check_identity(r, data, "version", english.version, language)
    section_table = r.typed(data["sections"], "'sections'", "", dict)
    question_table = r.typed(data["questions"], "'questions'", "", dict)
    _check_keys(r, "sections", set(section_table), {s.key for s in english.sections})
    _check_keys(r, "questions", set(question_table), {q.key for q in english.questions})
    sections = []
    for section in english.sections:
        where = f"section {section.key!r}"
        raw = r.typed(section_table[section.key], where, "", dict)
        r.fields(raw, where, ("title",), ("intro",) if section.intro else ())
        questions = tuple(
            _translate_question(r, question_table[q.key], q, source) for q in section.questions
        )
        sections.append(
            dataclasses.replace(
                section,
                title=_text(r, raw, "title", where, section.title),
                intro=_text(r, raw, "intro", where, section.intro) if section.intro else "",
                questions=questions,
            )
        )
    return Instrument(
        english.version,
        _text(r, data, "title", "", english.title),
        source,
        tuple(sections),
        english.summary_key,
        english.carry_over,
        language=language,
    )


def _translate_question(r: FileReader, raw: Any, english: Question, source: Source) -> Question:
    where = f"question {english.key!r}"
    raw = r.typed(raw, where, "", dict)
    present = tuple(name for name in QUESTION_FIELDS if getattr(english, name))
    optional = (("prompts",) if english.prompts else ()) + (("support",) if english.support else ())
    r.fields(raw, where, ("text",), tuple(n for n in present if n != "text") + optional)
    for name in (*present, *optional):
        if name not in raw:
            raise r.error(where, f"missing {name!r}")
    words = {name: _text(r, raw, name, where, getattr(english, name)) for name in present}
    prompts = ()
    if english.prompts:
        given = r.items(raw, "prompts", where, str)
        if len(given) != len(english.prompts):
            raise r.error(
                where, f"'prompts' has {len(given)} items; the English has {len(english.prompts)}"
            )
        prompts = tuple(
            _text(r, {"prompt": text}, "prompt", where, original)
            for text, original in zip(given, english.prompts, strict=True)
        )
    support = ()
    if english.support:
        table = r.typed(raw["support"], "'support'", where, dict)
        _check_keys(r, f"{where}: support", set(table), {str(n) for n, _ in english.support})
        support = tuple(
            (number, _quoted(r, table, number, where, source, original))
            for number, original in english.support
        )
    return dataclasses.replace(english, **words, prompts=prompts, support=support)


def _quoted(
    r: FileReader, table: Mapping, number: int, where: str, source: Source, original: str
) -> str:
    phrase = _text(r, table, str(number), f"{where}: support", original)
    if phrase not in source.paragraphs[number]:
        raise r.error(where, f"support phrase {phrase!r} is not in the translated ¶ {number}")
    return phrase


def _text(r: FileReader, table: Mapping, name: str, where: str, original: str) -> str:
    text = r.text(table, name, where)  # required, a non-empty string, whitespace collapsed
    if _placeholders(text) != _placeholders(original):
        raise r.error(
            where or name,
            f"{name!r} keeps {sorted(_placeholders(text))}; the English has "
            f"{sorted(_placeholders(original))}",
        )
    return text


def _placeholders(text: str) -> list[str]:
    return sorted(re.sub(r"\s", "", found) for found in PLACEHOLDER.findall(text))


def _check_identity(r: FileReader, data: Mapping, name: str, expected: str, language: str) -> None:
    if r.text(data, name, "") != expected:
        raise r.error("", f"{name} {data[name]!r} does not match the file name ({expected!r})")
    if r.text(data, "language", "") != language:
        raise r.error("", f"language {data['language']!r} does not match the file name")


def _check_keys(r: FileReader, where: str, given: set[str], expected: set[str]) -> None:
    if missing := sorted(expected - given):
        raise r.error(where, f"missing {', '.join(missing)}")
    if extra := sorted(given - expected):
        raise r.error(where, f"{', '.join(extra)}: no such key in the English")
