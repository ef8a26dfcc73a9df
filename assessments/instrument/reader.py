"""Reading instrument files: TOML in, checked frozen dataclasses out.

Every mistake is an ``InstrumentError`` naming the file and the key. The file format is
documented in the header comment of each instrument file; ``format = 2`` files (v2 on) must
also say where each question comes from (basis), quote the summary's own phrase for who said
it from every paragraph they cite (support), give risks and measures a short title, name the
focal point's summary question, and may cite no paragraph they exclude.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from assessments.instrument.fields import FileReader, InstrumentError, read_toml
from assessments.instrument.model import (
    BASES,
    BEYOND,
    KINDS,
    MEASURE,
    NOT_APPLICABLE,
    NOT_PRIORITY,
    RISK,
    SCALE_VARIANTS,
    SCALES,
    STATED,
    TEXT,
    CarryOver,
    Choice,
    Instrument,
    Question,
    Section,
    ShowIf,
    Source,
)

FORMATS = (1, 2)
SHORT_MAX = 60  # characters: a chart label on a phone

# Keys are stored with every answer, so they are kept plain enough to survive any export format.
SECTION_KEY = re.compile(r"[a-z][a-z0-9_]*")
QUESTION_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


def load_instruments(directory: Path | str) -> dict[str, Instrument]:
    """Every instrument in `directory`, by version. Raises InstrumentError on any bad file."""
    found: dict[str, tuple[str, Instrument]] = {}
    sources: dict[str, Source] = {}
    others: list[Path] = []
    for path in sorted(Path(directory).glob("*.toml")):
        data = read_toml(path)
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
    instruments = {version: instrument for version, (_, instrument) in found.items()}
    for name, instrument in found.values():
        _check_carry_over(FileReader(Path(name)), instrument, instruments)
    return instruments


def load_instrument(path: Path | str) -> Instrument:
    """One instrument file; its source is read from the same folder. (A carry-over from an
    earlier version is checked only by load_instruments, which reads that version too.)"""
    return _build_instrument(Path(path), read_toml(Path(path)), {})


def _build_source(path: Path, key: str) -> Source:
    data, r = read_toml(path), FileReader(path)
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
    r = FileReader(path)
    optional = ("format", "summary", "excluded_paragraphs", "carry_over")
    r.fields(data, "", ("version", "title", "source", "sections"), optional)
    r.format = r.typed(data.get("format", 1), "'format'", "", int)
    if r.format not in FORMATS:
        raise r.error("", f"unknown format {r.format} (known: {', '.join(map(str, FORMATS))})")
    version, title, source_key = (r.text(data, name, "") for name in ("version", "title", "source"))
    if source_key not in sources:
        source_path = path.parent / f"{source_key}.toml"
        if not source_path.is_file():
            raise r.error("source", f"{source_key!r} has no file {source_path.name} beside it")
        sources[source_key] = _build_source(source_path, source_key)
    source = sources[source_key]
    if "excluded_paragraphs" in data:
        r.excluded = r.items(data, "excluded_paragraphs", "", int)
    questions: dict[str, Question] = {}
    sections: dict[str, Section] = {}
    for number, raw in enumerate(r.items(data, "sections", "", dict), start=1):
        section = _build_section(r, raw, f"section {number}", source, questions)
        if section.key in sections:
            raise r.error(f"section {section.key!r}", "duplicate section key")
        sections[section.key] = section
    if not sections:
        raise r.error("", "'sections' is empty")
    _check_references(r, list(questions.values()))
    r.required_in_v2(data, "summary", "")
    summary = r.text(data, "summary", "") if "summary" in data else ""
    if summary:
        question = questions.get(summary)
        if question is None or question.kind != TEXT:
            raise r.error("summary", f"{summary!r} is not a text question of this instrument")
        if sections[question.section_key].context:
            raise r.error("summary", f"{summary!r} is in a context section, which is optional")
    carry_over = _read_carry_over(r, data["carry_over"]) if "carry_over" in data else None
    return Instrument(version, title, source, tuple(sections.values()), summary, carry_over)


def _named(raw: dict, what: str, fallback: str) -> str:
    """Name a table by its key when it has a usable one, which the author can search for."""
    key = raw.get("key")
    return f"{what} {key!r}" if isinstance(key, str) and key.strip() else fallback


def _build_section(
    r: FileReader, raw: dict, where: str, source: Source, questions: dict[str, Question]
) -> Section:
    where = _named(raw, "section", where)
    r.fields(raw, where, ("key", "title", "intro", "paragraphs", "questions"), ("context",))
    key = r.key(raw, where, SECTION_KEY, "lower-case letters, digits and underscores")
    context = r.typed(raw.get("context", False), "'context'", where, bool)
    own = []
    for number, raw_question in enumerate(r.items(raw, "questions", where, dict), start=1):
        at = f"question {number} of {where}"
        question = _build_question(r, raw_question, at, key, source, context=context)
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
    return Section(key, title, intro, r.paragraphs(raw, where, source), tuple(own), context)


QUESTION_OPTIONAL = (
    "mitigated_by",
    "allow_na",
    "show_if",
    "short",
    "basis",
    "other_source",
    "support",
    "scale",
    "max_words",
    "prompts",
)


def _build_question(
    r: FileReader, raw: dict, where: str, section_key: str, source: Source, *, context: bool
) -> Question:
    where = _named(raw, "question", where)
    r.fields(raw, where, ("key", "kind", "text", "help", "paragraphs"), QUESTION_OPTIONAL)
    key = r.key(raw, where, QUESTION_KEY, "dotted lower-case words, like 'risk.armed_conflict'")
    kind = r.text(raw, "kind", where)
    if kind not in KINDS:
        raise r.error(where, f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    text, help_ = r.text(raw, "text", where), r.text(raw, "help", where)
    paragraphs = r.paragraphs(raw, where, source)
    allow_na = r.typed(raw.get("allow_na", False), "'allow_na'", where, bool)
    if "allow_na" in raw and kind != MEASURE:
        raise r.error(where, f"allow_na is only for measure questions, not {kind}")
    if allow_na and r.format >= 2:
        raise r.error(where, "allow_na is not in format 2: every measure may be not a priority")
    # The risk/measure matrix drives the gap analysis, so every risk must name its measures.
    if "mitigated_by" in raw and kind != RISK:
        raise r.error(where, f"mitigated_by is only for risk questions, not {kind}")
    mitigated_by = r.items(raw, "mitigated_by", where, str) if "mitigated_by" in raw else ()
    if kind == RISK and "mitigated_by" not in raw:
        raise r.error(where, "a risk question needs mitigated_by naming at least one measure")
    if kind == RISK and not mitigated_by:
        raise r.error(where, "'mitigated_by' is empty: name at least one measure")
    if kind == RISK and context:
        raise r.error(where, "a risk question cannot be in a context section, which is optional")
    return Question(
        key=key,
        kind=kind,
        text=text,
        help=help_,
        paragraphs=paragraphs,
        mitigated_by=mitigated_by,
        choices=_choices(r, raw, where, kind, allow_na),
        allow_na=allow_na,
        show_if=_show_if(r, raw, where),
        section_key=section_key,
        short=_short(r, raw, where, kind),
        **_provenance(r, raw, where, paragraphs, source),
        **_text_guidance(r, raw, where, kind),
    )


def _choices(r: FileReader, raw: dict, where: str, kind: str, allow_na: bool) -> tuple[Choice, ...]:
    scale = SCALES[kind]
    if "scale" in raw:
        name = r.text(raw, "scale", where)
        if name not in SCALE_VARIANTS or kind != RISK:
            raise r.error(where, f"unknown scale {name!r} for a {kind} question")
        scale = SCALE_VARIANTS[name]
    if kind == MEASURE and r.format >= 2:
        scale = (*scale[:-1], NOT_PRIORITY, scale[-1])  # before "Don't know"
    return scale + ((NOT_APPLICABLE,) if allow_na else ())


def _show_if(r: FileReader, raw: dict, where: str) -> ShowIf | None:
    if "show_if" not in raw:
        return None
    raw_show_if, at = r.typed(raw["show_if"], "'show_if'", where, dict), f"{where}: show_if"
    r.fields(raw_show_if, at, ("question", "values"))
    values = r.items(raw_show_if, "values", at, str)
    if not values:
        raise r.error(at, "'values' is empty")
    return ShowIf(r.text(raw_show_if, "question", at), values)


def _short(r: FileReader, raw: dict, where: str, kind: str) -> str:
    if kind in (RISK, MEASURE):
        r.required_in_v2(raw, "short", where)
    if "short" not in raw:
        return ""
    short = r.text(raw, "short", where)
    if len(short) > SHORT_MAX:
        raise r.error(where, f"'short' has {len(short)} characters (at most {SHORT_MAX})")
    return short


def _provenance(
    r: FileReader, raw: dict, where: str, paragraphs: tuple[int, ...], source: Source
) -> dict[str, Any]:
    """basis, other_source and support: where the question comes from, and who said it."""
    r.required_in_v2(raw, "basis", where)
    r.required_in_v2(raw, "support", where)
    basis = r.text(raw, "basis", where) if "basis" in raw else ""
    if basis and basis not in BASES:
        raise r.error(where, f"unknown basis {basis!r} (expected one of {', '.join(BASES)})")
    other = r.text(raw, "other_source", where) if "other_source" in raw else ""
    if basis == BEYOND and not other:
        raise r.error(where, "a question beyond the summary names its other_source")
    if other and basis in (STATED, ""):
        raise r.error(where, "other_source is for a derived or beyond question")
    support: list[tuple[int, str]] = []
    if "support" in raw:
        table = r.typed(raw["support"], "'support'", where, dict)
        for name, phrase in table.items():
            if not name.isdigit() or name != str(int(name)) or int(name) not in paragraphs:
                raise r.error(where, f"support names ¶ {name}, which the question does not cite")
            phrase = r.text(table, name, f"{where}: support")
            if phrase not in source.paragraphs[int(name)]:
                raise r.error(where, f"support phrase {phrase!r} is not in ¶ {name}")
            support.append((int(name), phrase))
        missing = [n for n in paragraphs if str(n) not in table]
        if missing:
            raise r.error(where, f"support gives no phrase for ¶ {missing[0]}, which it cites")
    return {"basis": basis, "other_source": other, "support": tuple(sorted(support))}


def _text_guidance(r: FileReader, raw: dict, where: str, kind: str) -> dict[str, Any]:
    for name in ("max_words", "prompts"):
        if name in raw and kind != TEXT:
            raise r.error(where, f"{name} is only for text questions, not {kind}")
    max_words = None
    if "max_words" in raw:
        max_words = r.typed(raw["max_words"], "'max_words'", where, int)
        if max_words < 1:
            raise r.error(where, "'max_words' must be at least 1")
    prompts = ()
    if "prompts" in raw:
        prompts = tuple(" ".join(p.split()) for p in r.items(raw, "prompts", where, str))
    return {"max_words": max_words, "prompts": prompts}


def _check_references(r: FileReader, questions: list[Question]) -> None:
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


def _read_carry_over(r: FileReader, raw: Any) -> CarryOver:
    table = r.typed(raw, "'carry_over'", "", dict)
    r.fields(table, "carry_over", ("from", "questions"), ("renamed",))
    pairs = [(key, key) for key in r.items(table, "questions", "carry_over", str)]
    renamed = r.typed(table.get("renamed", {}), "'renamed'", "carry_over", dict)
    pairs += [(old, r.text(renamed, old, "carry_over: renamed")) for old in renamed]
    return CarryOver(r.text(table, "from", "carry_over"), tuple(pairs))


def _check_carry_over(
    r: FileReader, instrument: Instrument, instruments: Mapping[str, Instrument]
) -> None:
    """A carried question exists on both sides with the same kind; a key the earlier version
    also has is carried as itself, since a key never changes meaning."""
    carry = instrument.carry_over
    if carry is None:
        return
    where = "carry_over"
    earlier = instruments.get(carry.from_version)
    if earlier is None:
        raise r.error(where, f"from {carry.from_version!r}: no instrument has that version")
    seen_new: set[str] = set()
    for old, new in carry.pairs:
        try:
            before = earlier.question(old)
        except KeyError:
            raise r.error(where, f"{old!r} is not a question of {carry.from_version!r}") from None
        try:
            after = instrument.question(new)
        except KeyError:
            raise r.error(where, f"{new!r} is not a question of this instrument") from None
        if before.kind != after.kind:
            raise r.error(where, f"{old!r} is a {before.kind} question, {new!r} a {after.kind}")
        if new in seen_new:
            raise r.error(where, f"{new!r} is carried from two questions")
        seen_new.add(new)
    carried_old = {old for old, _ in carry.pairs}
    for question in instrument.questions:
        if question.key in earlier._questions and question.key not in carried_old:
            raise r.error(
                where,
                f"{question.key!r} is also a question of {carry.from_version!r} but is not "
                "carried: a key never changes meaning (give a changed question a new key)",
            )
