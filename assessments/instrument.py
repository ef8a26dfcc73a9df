"""The instrument: the questionnaire as versioned data, each question cited to its source.

An instrument file (a ``*.toml`` in ``assessments/instruments/`` with a ``version``) and the
source document it names are loaded into frozen dataclasses and checked once. Forms, scoring,
reports and exports read these objects, never the files. Any mistake in a file is an
``InstrumentError`` naming the file and the key, and ``manage.py check`` runs the loader
(``assessments/checks.py``), so a broken file stops a deployment rather than a page view.
"""

from __future__ import annotations

import datetime
import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
CURRENT_VERSION = "2013-summary/v1"

RISK, MEASURE, YES_NO, TEXT = "risk", "measure", "yes_no", "text"
KINDS = (RISK, MEASURE, YES_NO, TEXT)

# Keys are stored with every answer, so they are kept plain enough to survive any export format.
SECTION_KEY = re.compile(r"[a-z][a-z0-9_]*")
QUESTION_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


class InstrumentError(ValueError):
    """An instrument or source file is invalid; the message names the file and the key."""


class UnknownVersionError(KeyError):
    """No instrument has this version. A KeyError, so `except KeyError` callers keep working."""

    def __str__(self) -> str:
        # KeyError would show the message in quotes, as if it were the missing key.
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class Choice:
    value: str  # stored in the database: never change it
    label: str  # a lazy translation, rendered in the reader's language


# The scales live here rather than in the data so that their labels can be translated and a
# stored value means the same thing in every version.
DONT_KNOW = Choice("dont_know", _("Don't know"))
NOT_APPLICABLE = Choice("na", _("Not applicable"))
SCALES: Mapping[str, tuple[Choice, ...]] = MappingProxyType(
    {
        RISK: (
            Choice("not_present", _("Not present")),
            Choice("low", _("Low")),
            Choice("moderate", _("Moderate")),
            Choice("high", _("High")),
            DONT_KNOW,
        ),
        MEASURE: (
            Choice("not_in_place", _("Not in place")),
            Choice("planned", _("Planned")),
            Choice("partly", _("Partly in place")),
            Choice("fully", _("Fully in place")),
            DONT_KNOW,
        ),
        YES_NO: (Choice("yes", _("Yes")), Choice("no", _("No")), DONT_KNOW),
        TEXT: (),  # the answer is the free-text note
    }
)


@dataclass(frozen=True, slots=True)
class ShowIf:
    question: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    kind: str
    text: str
    help: str
    paragraphs: tuple[int, ...]
    mitigated_by: tuple[str, ...]
    choices: tuple[Choice, ...]
    allow_na: bool
    show_if: ShowIf | None
    section_key: str

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    def label_for(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        raise KeyError(f"{value!r} is not a choice of question {self.key!r}")


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    intro: str
    paragraphs: tuple[int, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    date: datetime.date
    place: str
    report_symbol: str
    report_title: str
    paragraphs: Mapping[int, str]  # read-only, numbered from 1

    def __hash__(self) -> int:
        # A mapping is not hashable; without this an Instrument could not be a cache key.
        return hash((self.key, tuple(self.paragraphs.items())))


@dataclass(frozen=True, slots=True)
class Instrument:
    version: str
    title: str
    source: Source
    sections: tuple[Section, ...]
    _questions: dict[str, Question] = field(init=False, repr=False, compare=False)
    _sections: dict[str, Section] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexes built once: forms and scoring look questions up by key many times a request.
        questions = {q.key: q for section in self.sections for q in section.questions}
        object.__setattr__(self, "_questions", questions)
        object.__setattr__(self, "_sections", {s.key: s for s in self.sections})

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(self._questions.values())

    def question(self, key: str) -> Question:
        return self._questions[key]  # KeyError(key) if there is no such question

    def section(self, key: str) -> Section:
        return self._sections[key]

    def paragraph(self, number: int) -> str:
        return self.source.paragraphs[number]

    @property
    def cited_paragraphs(self) -> tuple[int, ...]:
        cited = {n for s in self.sections for n in s.paragraphs}
        cited.update(n for q in self.questions for n in q.paragraphs)
        return tuple(sorted(cited))

    def is_visible(self, question: Question | str, answers: Mapping[str, str]) -> bool:
        """Whether `question` is asked, given the answers so far (question key -> value)."""
        if isinstance(question, str):
            question = self.question(question)
        # Follow the chain up: a question that depends on a hidden one is hidden too, whatever
        # stale answer the hidden one still holds. It ends, as show_if only points backwards.
        while question.show_if is not None:
            if answers.get(question.show_if.question) not in question.show_if.values:
                return False
            question = self.question(question.show_if.question)
        return True

    def visible_questions(self, answers: Mapping[str, str]) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if self.is_visible(q, answers))


# --- Loading ---------------------------------------------------------------------------------


def instruments_dir() -> Path:
    """The folder instruments are read from; tests point R2P_INSTRUMENTS_DIR elsewhere."""
    return Path(getattr(settings, "R2P_INSTRUMENTS_DIR", INSTRUMENTS_DIR))


def get_instrument(version: str) -> Instrument:
    instruments = _load_cached(instruments_dir())
    if version not in instruments:
        known = ", ".join(sorted(instruments)) or "none"
        raise UnknownVersionError(f"no instrument has version {version!r} (available: {known})")
    return instruments[version]


def available_versions() -> tuple[str, ...]:
    return tuple(sorted(_load_cached(instruments_dir())))


@functools.cache
def _load_cached(directory: Path) -> Mapping[str, Instrument]:
    return MappingProxyType(load_instruments(directory))


clear_cache = _load_cached.cache_clear


def load_instruments(directory: Path | str) -> dict[str, Instrument]:
    """Every instrument in `directory`, by version. Raises InstrumentError on any bad file."""
    found: dict[str, tuple[str, Instrument]] = {}
    sources: dict[str, Source] = {}
    others: list[Path] = []
    for path in sorted(Path(directory).glob("*.toml")):
        data = _read_toml(path)
        if "version" not in data:
            others.append(path)
            continue
        instrument = _build_instrument(path, data, sources)
        if instrument.version in found:
            first = found[instrument.version][0]
            raise InstrumentError(f"{path.name}: version {instrument.version!r} is also in {first}")
        found[instrument.version] = (path.name, instrument)
    # A file that is neither an instrument nor a source is most likely an instrument whose
    # `version` line was mistyped: better an error than a version that silently disappears.
    for path in others:
        if path.stem not in sources:
            raise InstrumentError(f"{path.name}: no 'version', and no instrument's source")
    return {version: instrument for version, (_, instrument) in found.items()}


def load_instrument(path: Path | str) -> Instrument:
    """One instrument file; its source is read from the same folder."""
    return _build_instrument(Path(path), _read_toml(Path(path)), {})


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentError(f"{path.name}: not valid TOML: {exc}") from None


class _Reader:
    """Typed access to one file's tables; every problem becomes an error naming file and key."""

    # As TOML names them, since that is what the author of the file wrote.
    TYPES = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "table"}

    def __init__(self, path: Path) -> None:
        self.name = path.name

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
        return numbers


def _build_source(path: Path, key: str) -> Source:
    data, r = _read_toml(path), _Reader(path)
    fields = ("key", "title", "date", "place", "report_symbol", "report_title", "paragraphs")
    r.fields(data, "", fields)
    if r.text(data, "key", "") != key:
        raise r.error("", f"key {data['key']!r} does not match the file name (expected {key!r})")
    try:
        date = datetime.date.fromisoformat(r.text(data, "date", ""))
    except ValueError:
        raise r.error("", f"date {data['date']!r} is not a date like 2013-09-11") from None
    paragraphs: dict[int, str] = {}
    for name, text in r.typed(data["paragraphs"], "'paragraphs'", "", dict).items():
        if not name.isdigit():
            raise r.error("paragraphs", f"key {name!r} is not a paragraph number")
        paragraphs[int(name)] = r.text({name: text}, name, f"paragraph {name}")
    # Citations are by number, so a gap is most likely a typo that would shift them all.
    if sorted(paragraphs) != list(range(1, len(paragraphs) + 1)):
        raise r.error("paragraphs", "must be numbered 1, 2, 3, … without gaps")
    texts = (r.text(data, name, "") for name in ("title", "place", "report_symbol", "report_title"))
    title, place, symbol, report_title = texts
    proxy = MappingProxyType(dict(sorted(paragraphs.items())))
    return Source(key, title, date, place, symbol, report_title, proxy)


def _build_instrument(path: Path, data: dict[str, Any], sources: dict[str, Source]) -> Instrument:
    r = _Reader(path)
    r.fields(data, "", ("version", "title", "source", "sections"))
    version, title, source_key = (r.text(data, name, "") for name in ("version", "title", "source"))
    if source_key not in sources:
        source_path = path.parent / f"{source_key}.toml"
        if not source_path.is_file():
            raise r.error("source", f"{source_key!r} has no file {source_path.name} beside it")
        sources[source_key] = _build_source(source_path, source_key)
    questions: dict[str, Question] = {}
    sections: dict[str, Section] = {}
    for number, raw in enumerate(r.items(data, "sections", "", dict), start=1):
        section = _build_section(r, raw, f"section {number}", sources[source_key], questions)
        if section.key in sections:
            raise r.error(f"section {section.key!r}", "duplicate section key")
        sections[section.key] = section
    if not sections:
        raise r.error("", "'sections' is empty")
    _check_references(r, list(questions.values()))
    return Instrument(version, title, sources[source_key], tuple(sections.values()))


def _named(raw: dict, what: str, fallback: str) -> str:
    """Name a table by its key when it has a usable one, which the author can search for."""
    key = raw.get("key")
    return f"{what} {key!r}" if isinstance(key, str) and key.strip() else fallback


def _build_section(
    r: _Reader, raw: dict, where: str, source: Source, questions: dict[str, Question]
) -> Section:
    where = _named(raw, "section", where)
    r.fields(raw, where, ("key", "title", "intro", "paragraphs", "questions"))
    key = r.key(raw, where, SECTION_KEY, "lower-case letters, digits and underscores")
    own = []
    for number, raw_question in enumerate(r.items(raw, "questions", where, dict), start=1):
        question = _build_question(r, raw_question, f"question {number} of {where}", key, source)
        if question.key in questions:
            also = questions[question.key].section_key
            raise r.error(
                f"question {question.key!r}", f"duplicate question key (also in {also!r})"
            )
        questions[question.key] = question
        own.append(question)
    if not own:
        raise r.error(where, "'questions' is empty")
    title, intro = r.text(raw, "title", where), r.text(raw, "intro", where)
    return Section(key, title, intro, r.paragraphs(raw, where, source), tuple(own))


def _build_question(
    r: _Reader, raw: dict, where: str, section_key: str, source: Source
) -> Question:
    where = _named(raw, "question", where)
    optional = ("mitigated_by", "allow_na", "show_if")
    r.fields(raw, where, ("key", "kind", "text", "help", "paragraphs"), optional)
    key = r.key(raw, where, QUESTION_KEY, "dotted lower-case words, like 'risk.armed_conflict'")
    kind = r.text(raw, "kind", where)
    if kind not in KINDS:
        raise r.error(where, f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    text, help_ = r.text(raw, "text", where), r.text(raw, "help", where)
    paragraphs = r.paragraphs(raw, where, source)
    allow_na = r.typed(raw.get("allow_na", False), "'allow_na'", where, bool)
    if "allow_na" in raw and kind != MEASURE:
        raise r.error(where, f"allow_na is only for measure questions, not {kind}")
    # The risk/measure matrix drives the gap analysis, so every risk must name its measures.
    if "mitigated_by" in raw and kind != RISK:
        raise r.error(where, f"mitigated_by is only for risk questions, not {kind}")
    mitigated_by = r.items(raw, "mitigated_by", where, str) if "mitigated_by" in raw else ()
    if kind == RISK and "mitigated_by" not in raw:
        raise r.error(where, "a risk question needs mitigated_by naming at least one measure")
    if kind == RISK and not mitigated_by:
        raise r.error(where, "'mitigated_by' is empty: name at least one measure")
    show_if = None
    if "show_if" in raw:
        raw_show_if, at = r.typed(raw["show_if"], "'show_if'", where, dict), f"{where}: show_if"
        r.fields(raw_show_if, at, ("question", "values"))
        values = r.items(raw_show_if, "values", at, str)
        if not values:
            raise r.error(at, "'values' is empty")
        show_if = ShowIf(r.text(raw_show_if, "question", at), values)
    choices = SCALES[kind] + ((NOT_APPLICABLE,) if allow_na else ())
    return Question(
        key, kind, text, help_, paragraphs, mitigated_by, choices, allow_na, show_if, section_key
    )


def _check_references(r: _Reader, questions: list[Question]) -> None:
    """The checks that need every question: mitigated_by and show_if name real questions."""
    by_key = {q.key: q for q in questions}
    position = {q.key: index for index, q in enumerate(questions)}
    for index, question in enumerate(questions):
        where = f"question {question.key!r}"
        for key in question.mitigated_by:
            if key not in by_key:
                raise r.error(where, f"mitigated_by names unknown question {key!r}")
            if by_key[key].kind != MEASURE:
                kind = by_key[key].kind
                raise r.error(
                    where, f"mitigated_by names {key!r}, a {kind} question, not a measure"
                )
        if question.show_if is None:
            continue
        ref = question.show_if.question
        if ref == question.key:
            raise r.error(where, "show_if refers to the question itself")
        if ref not in by_key:
            raise r.error(where, f"show_if refers to unknown question {ref!r}")
        # Only backwards: the answer is then known before the question is reached, and no
        # chain of show_if can loop.
        if position[ref] > index:
            raise r.error(where, f"show_if refers to {ref!r}, which comes later: refer back only")
        for value in question.show_if.values:
            if value not in by_key[ref].choice_values:
                choices = ", ".join(by_key[ref].choice_values) or "none, it is a text question"
                raise r.error(
                    where, f"show_if value {value!r} is not a choice of {ref!r} ({choices})"
                )
