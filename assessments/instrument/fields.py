"""Typed access to one TOML file's tables: every problem is an InstrumentError naming the
file and the key, in the words the author of the file wrote (TOML's names for types)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assessments.instrument.model import Source


class InstrumentError(ValueError):
    """An instrument or source file is invalid; the message names the file and the key."""


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentError(f"{path.name}: not valid TOML: {exc}") from None


class FileReader:
    """Typed access to one file's tables; every problem becomes an error naming file and key."""

    # As TOML names them, since that is what the author of the file wrote.
    TYPES = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "table"}

    def __init__(self, path: Path, format_: int = 1) -> None:
        self.name = path.name
        self.format = format_
        self.excluded: tuple[int, ...] = ()

    def error(self, where: str, problem: str) -> InstrumentError:
        return InstrumentError(": ".join(part for part in (self.name, where, problem) if part))

    def fields(self, table: Mapping, where: str, required: tuple, optional: tuple = ()) -> None:
        for name in table:
            if name not in required + optional:
                allowed = ", ".join(required + optional)
                raise self.error(where, f"unknown field {name!r} (allowed: {allowed})")
        for name in required:
            if name not in table:
                raise self.error(where, f"missing required field {name!r}")

    def typed(self, value: Any, what: str, where: str, kind: type) -> Any:
        # bool is a subclass of int, but `paragraphs = [true]` is a mistake, not paragraph 1.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            got = self.TYPES.get(type(value), type(value).__name__)
            raise self.error(where, f"{what} must be of type {self.TYPES[kind]}, not {got}")
        return value

    def text(self, table: Mapping, name: str, where: str) -> str:
        # Whitespace is collapsed so that long texts can be wrapped in the file.
        value = " ".join(self.typed(table[name], repr(name), where, str).split())
        if not value:
            raise self.error(where, f"{name!r} is empty")
        return value

    def key(self, table: Mapping, where: str, pattern: re.Pattern[str], shape: str) -> str:
        value = self.typed(table["key"], "'key'", where, str)
        if not pattern.fullmatch(value):
            raise self.error(where, f"key {value!r} is not {shape}")
        return value

    def items(self, table: Mapping, name: str, where: str, kind: type) -> tuple:
        values = self.typed(table[name], repr(name), where, list)
        for value in values:
            self.typed(value, f"each item of {name!r}", where, kind)
            if kind is not dict and values.count(value) > 1:
                raise self.error(where, f"{name!r} lists {value!r} twice")
        return tuple(values)

    def paragraphs(self, table: Mapping, where: str, source: Source) -> tuple[int, ...]:
        numbers = self.items(table, "paragraphs", where, int)
        if not numbers:
            raise self.error(where, "'paragraphs' is empty: cite at least one source paragraph")
        for number in numbers:
            if number not in source.paragraphs:
                last = len(source.paragraphs)
                problem = f"paragraph {number} is not in source {source.key!r} (it has 1 to {last})"
                raise self.error(where, problem)
            if number in self.excluded:
                raise self.error(where, f"cites ¶ {number}, which this instrument excludes")
        return numbers

    def required_in_v2(self, raw: Mapping, name: str, where: str) -> None:
        if self.format >= 2 and name not in raw:
            raise self.error(where, f"missing required field {name!r} (format 2)")
