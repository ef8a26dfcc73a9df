"""Pseudo-translations of instruments, for tests of how translations are read and checked:
every text becomes "[xx] " + the English, so support phrases stay verbatim in their paragraphs
and every placeholder and "¶ n" is kept."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from assessments.instrument import INSTRUMENTS_DIR
from assessments.instrument.translated import FOLDER, file_stem


def pseudo(language: str, text: str) -> str:
    return f"[{language}] {' '.join(text.split())}"


def instrument_translation(data: dict[str, Any], language: str) -> dict[str, Any]:
    words: dict[str, Any] = {
        "version": data["version"],
        "language": language,
        "title": pseudo(language, data["title"]),
        "sections": {},
        "questions": {},
    }
    for section in data["sections"]:
        table = {"title": pseudo(language, section["title"])}
        if section.get("intro"):
            table["intro"] = pseudo(language, section["intro"])
        words["sections"][section["key"]] = table
        for question in section["questions"]:
            entry = {
                name: pseudo(language, question[name])
                for name in ("text", "short", "help", "other_source")
                if question.get(name)
            }
            if question.get("prompts"):
                entry["prompts"] = [pseudo(language, p) for p in question["prompts"]]
            if question.get("support"):
                entry["support"] = {str(n): p for n, p in question["support"].items()}
            words["questions"][question["key"]] = entry
    return words


def source_translation(data: dict[str, Any], language: str) -> dict[str, Any]:
    return {
        "key": data["key"],
        "language": language,
        "title": pseudo(language, data["title"]),
        "report_title": pseudo(language, data["report_title"]),
        "paragraphs": {n: pseudo(language, text) for n, text in data["paragraphs"].items()},
    }


def pseudo_instruments(target: Path, languages: tuple[str, ...] = ("fr",)) -> Path:
    """A copy of the instruments with pseudo-translations into `languages` (and no others)."""
    shutil.copytree(INSTRUMENTS_DIR, target, ignore=shutil.ignore_patterns(FOLDER))
    folder = target / FOLDER
    folder.mkdir()
    for path in sorted(target.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        for language in languages:
            if "version" in data:
                words = instrument_translation(data, language)
                name = f"{file_stem(data['version'])}.{language}.toml"
            else:
                words = source_translation(data, language)
                name = f"{data['key']}.{language}.toml"
            (folder / name).write_text(tomli_w.dumps(words))
    return target
