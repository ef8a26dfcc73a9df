"""What the answers mean: pure functions of (instrument, responses), no database.

Responses map question keys to what was typed. A question hidden by skip logic is neither
required nor counted, though its answer is kept. "Don't know" counts as answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessments.instrument import Instrument, Question, Section


@dataclass(frozen=True, slots=True)
class Response:
    value: str = ""
    note: str = ""


Responses = Mapping[str, Response]
EMPTY = Response()


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def is_answered(question: Question, response: Response) -> bool:
    if question.kind == "text":
        return bool(response.note.strip())
    return response.value in question.choice_values


def visible_questions(
    instrument: Instrument, section: Section, responses: Responses
) -> list[Question]:
    values = {key: response.value for key, response in responses.items()}
    return [q for q in section.questions if instrument.is_visible(q, values)]


def unanswered(
    instrument: Instrument, responses: Responses
) -> list[tuple[Section, list[Question]]]:
    """The visible questions still without an answer, by section (sections with none left out)."""
    missing = []
    for section in instrument.sections:
        questions = [
            q
            for q in visible_questions(instrument, section, responses)
            if not is_answered(q, responses.get(q.key, EMPTY))
        ]
        if questions:
            missing.append((section, questions))
    return missing


def section_progress(instrument: Instrument, responses: Responses) -> dict[str, Progress]:
    progress = {}
    for section in instrument.sections:
        questions = visible_questions(instrument, section, responses)
        answered = sum(is_answered(q, responses.get(q.key, EMPTY)) for q in questions)
        progress[section.key] = Progress(answered, len(questions))
    return progress


def overall_progress(instrument: Instrument, responses: Responses) -> Progress:
    sections = section_progress(instrument, responses).values()
    return Progress(sum(p.answered for p in sections), sum(p.total for p in sections))
