"""The instrument's objects: frozen dataclasses that forms, scoring, reports and exports read.

The answer scales live here rather than in the data files so that their labels can be
translated and a stored value means the same thing in every version.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

RISK, MEASURE, YES_NO, TEXT = "risk", "measure", "yes_no", "text"
KINDS = (RISK, MEASURE, YES_NO, TEXT)

# Where a question comes from: said in the summary, derived from what it says, or beyond it
# (the question then names its other source).
STATED, DERIVED, BEYOND = "stated", "derived", "beyond"
BASES = (STATED, DERIVED, BEYOND)
BASIS_LABELS = MappingProxyType(
    {
        STATED: _("Stated in the summary"),
        DERIVED: _("Derived from the summary"),
        BEYOND: _("Beyond the summary"),
    }
)


@dataclass(frozen=True, slots=True)
class Choice:
    value: str  # stored in the database: never change it
    label: str  # a lazy translation, rendered in the reader's language


DONT_KNOW = Choice("dont_know", _("Don't know"))
NOT_APPLICABLE = Choice("na", _("Not applicable"))
# ¶ 7: each State assesses which measures are most appropriate for it. The reason is the note.
NOT_PRIORITY = Choice("not_priority", _("Not a priority here"))
LOW, MODERATE, HIGH = (
    Choice("low", pgettext_lazy("risk level", "Low")),
    Choice("moderate", pgettext_lazy("risk level", "Moderate")),
    Choice("high", pgettext_lazy("risk level", "High")),
)
# A factor not seen is not observed on the evidence available, never "absent" (¶ 4).
SCALES: Mapping[str, tuple[Choice, ...]] = MappingProxyType(
    {
        RISK: (
            Choice("not_present", _("Not observed (on the evidence available)")),
            LOW,
            MODERATE,
            HIGH,
            DONT_KNOW,
        ),
        MEASURE: (
            Choice("not_in_place", _("Not in place")),
            Choice("planned", pgettext_lazy("a prevention measure's status", "Planned")),
            Choice("partly", _("Partly in place")),
            Choice("fully", _("Fully in place")),
            DONT_KNOW,
        ),
        YES_NO: (Choice("yes", _("Yes")), Choice("no", _("No")), DONT_KNOW),
        TEXT: (),  # the answer is the free-text note
    }
)
# Other wordings of a kind's scale, chosen with `scale = "..."`; the stored values are the
# kind's own, so that scoring reads them alike.
SCALE_VARIANTS: Mapping[str, tuple[Choice, ...]] = MappingProxyType(
    {"history": (Choice("not_present", _("None recorded")), LOW, MODERATE, HIGH, DONT_KNOW)}
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
    short: str = ""  # a few words, for the chart and lists; the text where there is none
    basis: str = ""  # STATED, DERIVED or BEYOND ("" in files that predate it)
    other_source: str = ""  # what a derived or beyond question also rests on
    support: tuple[tuple[int, str], ...] = ()  # (paragraph, the summary's phrase for who said it)
    max_words: int | None = None  # text questions
    prompts: tuple[str, ...] = ()  # text questions: what the answer should cover

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    @property
    def title(self) -> str:
        return self.short or self.text

    def label_for(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        raise KeyError(f"{value!r} is not a choice of question {self.key!r}")

    def phrase_for(self, paragraph: int) -> str:
        return dict(self.support).get(paragraph, "")

    @property
    def sources(self) -> tuple[tuple[int, str], ...]:
        """Each cited paragraph with the summary's phrase for who said it ("" where the
        instrument gives none)."""
        return tuple((n, self.phrase_for(n)) for n in self.paragraphs)

    @property
    def provenance(self) -> str:
        """Where the question comes from, in words ("" in files that predate it)."""
        if not self.basis:
            return ""
        if not self.other_source:
            return str(BASIS_LABELS[self.basis])
        return _("%(basis)s; other source: %(source)s") % {
            "basis": BASIS_LABELS[self.basis],
            "source": self.other_source,
        }


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    intro: str
    paragraphs: tuple[int, ...]
    questions: tuple[Question, ...]
    # Context (international engagement): never scored, never required, never in a figure.
    context: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    date: datetime.date
    place: str
    report_symbol: str
    report_title: str
    paragraphs: Mapping[int, str]  # read-only, numbered from 1
    language: str = "en"
    # In a translation (unofficial), the English source, which is authoritative.
    original: Source | None = None

    def __hash__(self) -> int:
        # A mapping is not hashable; without this an Instrument could not be a cache key.
        return hash((self.key, self.language, tuple(self.paragraphs.items())))


@dataclass(frozen=True, slots=True)
class CarryOver:
    """Which questions of an earlier version mean the same here: (old key, new key) pairs.
    "Start from the previous cycle" and the year-on-year changes follow only these."""

    from_version: str
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Instrument:
    version: str
    title: str
    source: Source
    sections: tuple[Section, ...]
    summary_key: str = ""  # the text question holding the focal point's summary, if any
    carry_over: CarryOver | None = None
    language: str = "en"  # of its words; a translation's source is unofficial
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

    def original(self, number: int) -> str:
        """The English original of a paragraph where the source is a translation ("" where it
        is the original): the translation is unofficial, so the original is always at hand."""
        return self.source.original.paragraphs[number] if self.source.original else ""

    def citations(self, numbers: Iterable[int]) -> list[tuple[int, str, str]]:
        """Each paragraph: its number, its text, and its English original ("" if the same)."""
        return [(n, self.paragraph(n), self.original(n)) for n in sorted(set(numbers))]

    def is_context(self, question: Question) -> bool:
        return self._sections[question.section_key].context

    @property
    def summary_question(self) -> Question | None:
        return self._questions[self.summary_key] if self.summary_key else None

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

    def keys_shaping(self, section: Section) -> set[str]:
        """The questions whose answers decide what `section` shows: its own, and those its
        questions' show_if chains point to (in this or an earlier section)."""
        keys = set()
        for question in section.questions:
            keys.add(question.key)
            while question.show_if is not None:
                question = self.question(question.show_if.question)
                keys.add(question.key)
        return keys

    def visible_questions(self, answers: Mapping[str, str]) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if self.is_visible(q, answers))

    def keys_from(self, version: str) -> dict[str, str]:
        """The questions of `version` that mean the same here, old key -> this version's key:
        every question when it is this version, the declared carry-over from an earlier one,
        none from any other."""
        if version == self.version:
            return {key: key for key in self._questions}
        if self.carry_over is not None and self.carry_over.from_version == version:
            return dict(self.carry_over.pairs)
        return {}
