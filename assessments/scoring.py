"""What the answers mean: pure functions of (instrument, responses), no database.

Responses map question keys to what was typed. A question hidden by skip logic is neither
required nor counted, though its answer is kept. "Don't know" counts as answered.

The method, as `score` applies it (only visible questions ever count):

- Risk index, 0-100: the mean of the rated risks, weighted not present 0, low 1/3,
  moderate 2/3, high 1, times 100, to one decimal. None when no risk has a level.
- Coverage, 0-100: the mean of the rated measures, weighted not in place 0, planned 0.25,
  partly 0.5, fully 1, times 100, to one decimal. "Not applicable" is left out entirely.
  None when no measure has a status.
- "Don't know" is an information gap, counted and listed; it is never scored as zero or as
  present, and is left out of both means.
- Priority gaps: each risk rated high or moderate, unless every applicable measure that
  mitigates it is fully in place. Its weak measures (not in place, planned, partly) and
  unknown ones (Don't know, unanswered) are listed; with no applicable measure at all the
  risk is still a gap. Ranked high before moderate, then by the best known status among its
  measures (weakest first; none known counts as not in place), then by the number of weak
  measures (most first), then by instrument order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from assessments.instrument import MEASURE, RISK, Instrument, Question, Section


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


# --- Scores ------------------------------------------------------------------------------------

DONT_KNOW = "dont_know"
# Equal steps on the risk scale: the scale's labels promise no more than an order.
RISK_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"not_present": 0.0, "low": 1 / 3, "moderate": 2 / 3, "high": 1.0}
)
# A plan is worth something but much less than a measure partly at work, hence not thirds.
MEASURE_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"not_in_place": 0.0, "planned": 0.25, "partly": 0.5, "fully": 1.0}
)
GAP_LEVELS = ("high", "moderate")
WEAK_STATUSES = ("not_in_place", "planned", "partly")


@dataclass(frozen=True, slots=True)
class RiskLevel:
    question: Question
    level: str | None  # the answer as stored, "dont_know" included; None when unanswered


@dataclass(frozen=True, slots=True)
class MeasureStatus:
    question: Question
    status: str | None  # as stored; None when unanswered


@dataclass(frozen=True, slots=True)
class Gap:
    """A risk rated high or moderate that its measures do not (yet, or knowably) answer."""

    risk: Question
    level: str
    weak: tuple[MeasureStatus, ...]  # not in place, planned or partly, in mitigated_by order
    unknown: tuple[MeasureStatus, ...]  # Don't know or unanswered
    paragraphs: tuple[int, ...]  # the risk's and every listed measure's, sorted


@dataclass(frozen=True, slots=True)
class SectionResult:
    section: Section
    progress: Progress
    dont_know: int


@dataclass(frozen=True, slots=True)
class Result:
    risk_index: float | None
    coverage: float | None
    risk_levels: tuple[RiskLevel, ...]
    sections: tuple[SectionResult, ...]
    information_gaps: tuple[Question, ...]  # visible questions answered "Don't know"
    priority_gaps: tuple[Gap, ...]  # most urgent first
    progress: Progress


def score(instrument: Instrument, responses: Responses) -> Result:
    visible = _visible(instrument, responses)
    progress = section_progress(instrument, responses)
    gaps = information_gaps(instrument, responses)
    sections = tuple(
        SectionResult(s, progress[s.key], sum(q.section_key == s.key for q in gaps))
        for s in instrument.sections
    )
    return Result(
        risk_index=risk_index(instrument, responses),
        coverage=coverage(instrument, responses),
        risk_levels=tuple(RiskLevel(q, _value(q, responses)) for q in visible if q.kind == RISK),
        sections=sections,
        information_gaps=gaps,
        priority_gaps=priority_gaps(instrument, responses),
        progress=Progress(
            sum(p.answered for p in progress.values()), sum(p.total for p in progress.values())
        ),
    )


def risk_index(instrument: Instrument, responses: Responses) -> float | None:
    return _mean_percent(instrument, responses, RISK, RISK_WEIGHTS)


def coverage(instrument: Instrument, responses: Responses) -> float | None:
    return _mean_percent(instrument, responses, MEASURE, MEASURE_WEIGHTS)


def information_gaps(instrument: Instrument, responses: Responses) -> tuple[Question, ...]:
    return tuple(q for q in _visible(instrument, responses) if _value(q, responses) == DONT_KNOW)


def priority_gaps(instrument: Instrument, responses: Responses) -> tuple[Gap, ...]:
    visible = _visible(instrument, responses)
    shown = {q.key for q in visible}
    ranked = []
    for position, risk in enumerate(visible):
        level = _value(risk, responses)
        if risk.kind != RISK or level not in GAP_LEVELS:
            continue
        # "Not applicable" means the measure is no answer to this risk here, so it is dropped
        # rather than read as either protection or its absence.
        measures = [
            MeasureStatus(instrument.question(key), _value(instrument.question(key), responses))
            for key in risk.mitigated_by
            if key in shown
        ]
        measures = [m for m in measures if m.status != "na"]
        if measures and all(m.status == "fully" for m in measures):
            continue
        weak = tuple(m for m in measures if m.status in WEAK_STATUSES)
        unknown = tuple(m for m in measures if m.status not in MEASURE_WEIGHTS)
        known = [MEASURE_WEIGHTS[m.status] for m in measures if m.status in MEASURE_WEIGHTS]
        # Nothing known to be in place protects no better than nothing in place.
        best = max(known, default=0.0)
        cited = {n for q in (risk, *(m.question for m in weak + unknown)) for n in q.paragraphs}
        gap = Gap(risk, level, weak, unknown, tuple(sorted(cited)))
        ranked.append(((GAP_LEVELS.index(level), best, -len(weak), position), gap))
    return tuple(gap for _, gap in sorted(ranked, key=lambda item: item[0]))


@dataclass(frozen=True, slots=True)
class Change:
    question: Question
    before: str | None  # as stored; None when not answered or not asked
    after: str | None


def changes(instrument: Instrument, before: Responses, after: Responses) -> tuple[Change, ...]:
    """The risk levels and measure statuses that differ between two sets of responses (a
    country's previous cycle and this one), in instrument order. A question that skip logic
    hides, or that has no valid answer, counts as None on that side."""
    shown_before = {q.key for q in _visible(instrument, before)}
    shown_after = {q.key for q in _visible(instrument, after)}
    found = []
    for question in instrument.questions:
        if question.kind not in (RISK, MEASURE):
            continue
        old = _value(question, before) if question.key in shown_before else None
        new = _value(question, after) if question.key in shown_after else None
        if old != new:
            found.append(Change(question, old, new))
    return tuple(found)


def _visible(instrument: Instrument, responses: Responses) -> tuple[Question, ...]:
    return instrument.visible_questions({k: r.value for k, r in responses.items()})


def _value(question: Question, responses: Responses) -> str | None:
    """The chosen value, or None when there is none (a text question, or no valid choice)."""
    response = responses.get(question.key, EMPTY)
    if question.kind == "text" or not is_answered(question, response):
        return None
    return response.value


def _mean_percent(
    instrument: Instrument, responses: Responses, kind: str, weights: Mapping[str, float]
) -> float | None:
    # Only values with a weight count: Don't know, N/A and no answer are left out, so an
    # assessment with nothing rated has no score at all rather than a score of zero.
    counted = [
        weights[value]
        for q in _visible(instrument, responses)
        if q.kind == kind and (value := _value(q, responses)) in weights
    ]
    return round(100 * sum(counted) / len(counted), 1) if counted else None
