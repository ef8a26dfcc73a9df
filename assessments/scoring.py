"""What the answers mean: pure functions of (instrument, responses), no database.

Responses map question keys to what was typed. Only the questions asked count: one hidden by
skip logic is neither required nor counted, though its answer is kept. Questions in a context
section (international engagement) are never required and never in a finding.

The method (../shared/design/FINDINGS.md), as `score` applies it:

- **No index.** Risk factors of different kinds are not averaged: two factors rated high among
  eight not observed would average to "low". The profile lists every factor with its level and
  counts them by level; the highest level reached leads.
- **Not rated is not "not observed".** "Don't know" and no answer are information gaps, counted
  and listed, never read as not observed (for a risk) or in place (for a measure).
- **Measures** are counted by status. "Not a priority here" (¶ 7: each State assesses which
  measures suit it; the note gives the reason) and "Not applicable" leave the analysis and are
  listed with their reason. One indicative figure, for this assessment only: the mean of the
  rated measures, weighted not in place 0, planned 0.25, partly 0.5, fully 1, times 100 — given
  only once every measure asked has an answer, with the number of measures it covers.
- **Measures to consider.** For each risk factor rated moderate or high, the measures linked to
  it (`mitigated_by`: links suggested by R2P Assess; the summary makes none) that are not fully
  in place, or whose status is unknown. A link the focal point marked not relevant for this
  assessment leaves the analysis. Listed high before moderate, then in questionnaire order: the
  tool ranks nothing beyond the State's own ratings.
- **Changes** between cycles: only questions rated in both (on the same question, or one that an
  instrument's carry-over declares unchanged), whose rating differs.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from assessments.instrument import MEASURE, RISK, TEXT, Instrument, Question, Section


@dataclass(frozen=True, slots=True)
class Response:
    value: str = ""
    note: str = ""
    keep_out_of_report: bool = False  # the note is seen in the app, never printed

    @property
    def digest(self) -> str:
        """A short fingerprint: a page sends back the one of what it loaded, so that a save
        can tell what the page changed from what it merely shows."""
        text = f"{self.value}\x1f{self.keep_out_of_report:d}\x1f{self.note}"
        return hashlib.blake2s(text.encode(), digest_size=8).hexdigest()


Responses = Mapping[str, Response]
EMPTY = Response()
Links = Collection[tuple[str, str]]  # (risk key, measure key) pairs marked not relevant


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
    if question.kind == TEXT:
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
    """The required questions still without an answer, by section (sections with none left
    out; context sections are never required)."""
    missing = []
    for section in instrument.sections:
        if section.context:
            continue
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
    """Answered of the required questions: context sections are optional."""
    progress = section_progress(instrument, responses)
    required = [progress[s.key] for s in instrument.sections if not s.context]
    return Progress(sum(p.answered for p in required), sum(p.total for p in required))


# --- The scales ---------------------------------------------------------------------------------

DONT_KNOW = "dont_know"
NOT_PRIORITY = "not_priority"
NOT_APPLICABLE = "na"
RISK_LEVELS = ("not_present", "low", "moderate", "high")  # "not present" reads "not observed"
MEASURE_STATUSES = ("not_in_place", "planned", "partly", "fully")
RATINGS = {RISK: RISK_LEVELS, MEASURE: MEASURE_STATUSES}
# The indicative figure's weights: a plan is worth much less than a measure partly at work.
MEASURE_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"not_in_place": 0.0, "planned": 0.25, "partly": 0.5, "fully": 1.0}
)
SIGNS_LEVELS = ("moderate", "high")  # the levels whose linked measures are worth considering
WEAK_STATUSES = ("not_in_place", "planned", "partly")
SET_ASIDE = (NOT_PRIORITY, NOT_APPLICABLE)  # a measure the State judged not to apply to it


@dataclass(frozen=True, slots=True)
class Rating:
    question: Question
    value: str | None  # as stored, "dont_know" included; None when unanswered

    @property
    def is_rated(self) -> bool:
        """A level or status on the scale: not Don't know, not set aside, not unanswered."""
        return self.value in RATINGS.get(self.question.kind, ())


@dataclass(frozen=True, slots=True)
class Profile:
    """The risk factors asked, each with its level, in questionnaire order."""

    factors: tuple[Rating, ...]

    def at(self, level: str) -> tuple[Rating, ...]:
        return tuple(f for f in self.factors if f.value == level)

    @property
    def not_rated(self) -> tuple[Rating, ...]:
        return tuple(f for f in self.factors if not f.is_rated)

    @property
    def highest(self) -> str | None:
        """The highest level any factor reached; None when none is rated."""
        rated = [RISK_LEVELS.index(f.value) for f in self.factors if f.is_rated]
        return RISK_LEVELS[max(rated)] if rated else None


@dataclass(frozen=True, slots=True)
class MeasureSummary:
    """The measures asked, counted by status; at most one indicative figure."""

    measures: tuple[Rating, ...]

    @property
    def counts(self) -> Counter[str | None]:
        return Counter(m.value for m in self.measures)

    @property
    def rated(self) -> tuple[Rating, ...]:
        return tuple(m for m in self.measures if m.is_rated)

    @property
    def set_aside(self) -> tuple[Rating, ...]:
        return tuple(m for m in self.measures if m.value in SET_ASIDE)

    @property
    def indicative(self) -> float | None:
        """Only once every measure asked has an answer, and at least one is rated."""
        if any(m.value is None for m in self.measures) or not self.rated:
            return None
        weights = [MEASURE_WEIGHTS[m.value] for m in self.rated]
        return round(100 * sum(weights) / len(weights), 1)


@dataclass(frozen=True, slots=True)
class Consideration:
    """A risk factor rated moderate or high, and the measures linked to it that are not, or
    not knowably, fully in place."""

    risk: Question
    level: str
    weak: tuple[Rating, ...]  # not in place, planned or partly, in mitigated_by order
    unknown: tuple[Rating, ...]  # Don't know or unanswered
    set_aside: tuple[Rating, ...]  # judged not a priority, or not applicable
    paragraphs: tuple[int, ...]  # the risk's and every weak or unknown measure's, sorted


@dataclass(frozen=True, slots=True)
class SectionResult:
    section: Section
    progress: Progress
    dont_know: int


@dataclass(frozen=True, slots=True)
class Result:
    profile: Profile
    measures: MeasureSummary
    sections: tuple[SectionResult, ...]
    information_gaps: tuple[Rating, ...]  # required questions answered Don't know, or not at all
    considerations: tuple[Consideration, ...]
    progress: Progress

    @property
    def dont_know(self) -> tuple[Rating, ...]:
        return tuple(g for g in self.information_gaps if g.value == DONT_KNOW)

    @property
    def not_answered(self) -> tuple[Rating, ...]:
        return tuple(g for g in self.information_gaps if g.value is None)


def score(instrument: Instrument, responses: Responses, *, dismissed: Links = ()) -> Result:
    scored = _scored(instrument, responses)
    progress = section_progress(instrument, responses)
    gaps = information_gaps(instrument, responses)
    sections = tuple(
        SectionResult(
            s,
            progress[s.key],
            sum(g.question.section_key == s.key and g.value == DONT_KNOW for g in gaps),
        )
        for s in instrument.sections
    )
    return Result(
        profile=Profile(tuple(_rating(q, responses) for q in scored if q.kind == RISK)),
        measures=MeasureSummary(tuple(_rating(q, responses) for q in scored if q.kind == MEASURE)),
        sections=sections,
        information_gaps=gaps,
        considerations=considerations(instrument, responses, dismissed=dismissed),
        progress=overall_progress(instrument, responses),
    )


def information_gaps(instrument: Instrument, responses: Responses) -> tuple[Rating, ...]:
    """Required questions answered "Don't know" or not at all, in questionnaire order."""
    found = []
    for question in _scored(instrument, responses):
        response = responses.get(question.key, EMPTY)
        if not is_answered(question, response):
            found.append(Rating(question, None))
        elif response.value == DONT_KNOW:
            found.append(Rating(question, DONT_KNOW))
    return tuple(found)


def considerations(
    instrument: Instrument, responses: Responses, *, dismissed: Links = ()
) -> tuple[Consideration, ...]:
    shown = {q.key for q in _scored(instrument, responses)}
    dismissed = set(dismissed)
    found = []
    for risk in _scored(instrument, responses):
        level = _value(risk, responses)
        if risk.kind != RISK or level not in SIGNS_LEVELS:
            continue
        linked = [instrument.question(key) for key in risk.mitigated_by if key in shown]
        measures = [_rating(m, responses) for m in linked if (risk.key, m.key) not in dismissed]
        applicable = [m for m in measures if m.value not in SET_ASIDE]
        if applicable and all(m.value == "fully" for m in applicable):
            continue
        weak = tuple(m for m in applicable if m.value in WEAK_STATUSES)
        unknown = tuple(m for m in applicable if m.value is None or m.value == DONT_KNOW)
        cited = {n for q in (risk, *(m.question for m in weak + unknown)) for n in q.paragraphs}
        found.append(
            Consideration(
                risk=risk,
                level=level,
                weak=weak,
                unknown=unknown,
                set_aside=tuple(m for m in measures if m.value in SET_ASIDE),
                paragraphs=tuple(sorted(cited)),
            )
        )
    # High before moderate; sorted() keeps questionnaire order within a level.
    return tuple(sorted(found, key=lambda c: -SIGNS_LEVELS.index(c.level)))


@dataclass(frozen=True, slots=True)
class Change:
    question: Question
    before: str
    after: str


def carried(instrument: Instrument, version: str, responses: Responses) -> dict[str, Response]:
    """Responses given on instrument `version`, under `instrument`'s keys: only the questions
    whose meaning is unchanged (Instrument.keys_from)."""
    keys = instrument.keys_from(version)
    return {new: responses[old] for old, new in keys.items() if old in responses}


def changes(instrument: Instrument, before: Responses, after: Responses) -> tuple[Change, ...]:
    """The ratings that changed between two sets of responses to `instrument` (a country's
    previous cycle, carried to this instrument's keys, and this one), in questionnaire order.
    A question not rated on either side — Don't know, set aside, unanswered or not asked — has
    no change to show."""
    rated_before = {r.question.key: r.value for r in _ratings(instrument, before) if r.is_rated}
    found = []
    for rating in _ratings(instrument, after):
        old = rated_before.get(rating.question.key)
        if rating.is_rated and old is not None and old != rating.value:
            found.append(Change(rating.question, old, rating.value))
    return tuple(found)


def _ratings(instrument: Instrument, responses: Responses) -> list[Rating]:
    return [
        _rating(q, responses) for q in _scored(instrument, responses) if q.kind in (RISK, MEASURE)
    ]


def _scored(instrument: Instrument, responses: Responses) -> tuple[Question, ...]:
    """The questions asked, given the answers, outside context sections."""
    values = {k: r.value for k, r in responses.items()}
    return tuple(q for q in instrument.visible_questions(values) if not instrument.is_context(q))


def _rating(question: Question, responses: Responses) -> Rating:
    return Rating(question, _value(question, responses))


def _value(question: Question, responses: Responses) -> str | None:
    """The chosen value, or None when there is none (a text question, or no valid choice)."""
    response = responses.get(question.key, EMPTY)
    if question.kind == TEXT or not is_answered(question, response):
        return None
    return response.value
