"""What the results page, the review page and the PDF report show, shaped once from the
instrument and the answers: scoring.py computes, this module puts the findings in words
(FINDINGS.md's words: a profile, never an index; "not observed", never "absent").

Links are the caller's: the results page points at the section pages, the PDF at its own
chapters, so both pass a `Links` that says where a question and a paragraph live.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import access, lists
from assessments.charts import Bar, Row, risk_profile_rows, risk_profile_svg
from assessments.findings import (
    CHART_SCALE,
    Count,
    measure_counts,
    no_risk_caveat,
    profile_line,
)
from assessments.instrument import Instrument, Question
from assessments.models import Action, Assessment
from assessments.scoring import (
    EMPTY,
    RISK_LEVELS,
    Consideration,
    Rating,
    Responses,
    Result,
    SectionResult,
    carried,
    changes,
    score,
)

EXCERPT_CHARS = 240  # of a factor's evidence, in the profile


@dataclass(frozen=True, slots=True)
class Links:
    question: Callable[[Question], str]
    paragraph: Callable[[Question, int], str]


def section_page_links(assessment: Assessment) -> Links:
    """Links into the assessment's section pages (the results page)."""

    def section_url(question: Question) -> str:
        return reverse(
            "assessments:section",
            kwargs={
                "code": assessment.country.code,
                "cycle": assessment.cycle,
                "section_key": question.section_key,
            },
        )

    return Links(
        question=lambda q: f"{section_url(q)}#q-{q.key}",
        paragraph=lambda q, n: f"{section_url(q)}#para-{n}",
    )


# Within one document (the PDF): its chapters carry these ids.
IN_DOCUMENT = Links(question=lambda q: f"#q-{q.key}", paragraph=lambda q, n: f"#para-{n}")


@dataclass(frozen=True, slots=True)
class Citation:
    number: int
    href: str
    phrase: str = ""  # the summary's own words for who said it, where the instrument gives them


@dataclass(frozen=True, slots=True)
class QuestionRef:
    """A question as a line of the results: its number, text, answer and where to read it."""

    question: Question
    number: str
    href: str
    label: str  # its answer (or status, or level) in words
    citations: tuple[Citation, ...]
    note: str = ""
    keep_out_of_report: bool = False

    @property
    def excerpt(self) -> str:
        short = Truncator(self.note).chars(EXCERPT_CHARS)
        if short == self.note or " " not in short[-40:]:
            return short
        return short[: short.rindex(" ")].rstrip(",;:") + "…"  # at a word's end


@dataclass(frozen=True, slots=True)
class DismissedRef:
    """A suggested link the country marked not relevant for this assessment, and why."""

    risk: QuestionRef
    measure: QuestionRef
    reason: str


@dataclass(frozen=True, slots=True)
class ConsiderationRow:
    risk: QuestionRef
    level: str
    weak: tuple[QuestionRef, ...]
    unknown: tuple[QuestionRef, ...]
    set_aside: tuple[QuestionRef, ...]
    citations: tuple[Citation, ...]  # the risk's and its listed measures'


@dataclass(frozen=True, slots=True)
class MeasureToConsider:
    """A measure that is weak, or of unknown status, and linked to a risk rated moderate or
    high: once, with every such risk."""

    measure: QuestionRef
    weak: bool  # False: its status is not known
    risks: tuple[QuestionRef, ...]

    @property
    def risk_titles(self) -> str:
        return lists.semicolons(f"{risk.number} {risk.question.title}" for risk in self.risks)


@dataclass(frozen=True, slots=True)
class SectionRow:
    number: int
    result: SectionResult


@dataclass(frozen=True, slots=True)
class ChangeRow:
    question: QuestionRef
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Results:
    result: Result
    summary: str | None  # the focal point's summary; None when the instrument has none
    chart: SafeString
    chart_rows: tuple[Row, ...]  # the same chart, for the PDF (charts.risk_profile_rows)
    profile_line: str
    no_risk_caveat: str  # when no factor is rated above "not observed"
    factors: tuple[QuestionRef, ...]
    measure_counts: tuple[Count, ...]
    set_aside: tuple[QuestionRef, ...]  # judged not a priority, or not applicable: note = reason
    considerations: tuple[ConsiderationRow, ...]
    information_gaps: tuple[QuestionRef, ...]
    sections: tuple[SectionRow, ...]
    dismissed: tuple[DismissedRef, ...]  # every link marked not relevant, whatever the level

    @property
    def measures_line(self) -> str:
        return lists.sentence(c.text for c in self.measure_counts)

    @property
    def indicative(self) -> float | None:
        return self.result.measures.indicative

    @property
    def indicative_caveat(self) -> str:
        measures = self.result.measures
        return ngettext(
            "Indicative, for this assessment only: the focal point's own ratings of %(rated)s "
            "of %(asked)s measure. It does not measure risk or predict anything. It cannot be "
            "compared with any other State's figure and is not a ranking. No society is immune "
            "to the risk of atrocity crimes (¶ 4).",
            "Indicative, for this assessment only: the focal point's own ratings of %(rated)s "
            "of %(asked)s measures. It does not measure risk or predict anything. It cannot be "
            "compared with any other State's figure and is not a ranking. No society is immune "
            "to the risk of atrocity crimes (¶ 4).",
            len(measures.measures),
        ) % {"rated": len(measures.rated), "asked": len(measures.measures)}

    @property
    def to_consider(self) -> tuple[MeasureToConsider, ...]:
        """Each measure the considerations name, once, in the order they first name it."""
        found: dict[str, tuple[QuestionRef, bool, list[QuestionRef]]] = {}
        for row in self.considerations:
            for measure, weak in [(m, True) for m in row.weak] + [(m, False) for m in row.unknown]:
                found.setdefault(measure.question.key, (measure, weak, []))[2].append(row.risk)
        return tuple(
            MeasureToConsider(measure, weak, tuple(risks))
            for measure, weak, risks in found.values()
        )


@dataclass(frozen=True, slots=True)
class ActionRow:
    """An action of the plan with the questions it answers, numbered, where to read each."""

    action: Action
    questions: tuple[tuple[str, Question, str], ...]  # number, question, link


def action_rows(
    instrument: Instrument, actions: Iterable[Action], *, links: Links
) -> list[ActionRow]:
    numbers = question_numbers(instrument)
    return [
        ActionRow(
            action,
            tuple(
                (numbers[key], question, links.question(question))
                for key in action.questions
                if key in numbers
                for question in (instrument.question(key),)
            ),
        )
        for action in actions
    ]


def risks_without_action(results: Results, actions: Iterable[Action]) -> tuple[QuestionRef, ...]:
    """The risk factors rated as present (low, moderate or high) that no action answers; a
    dropped action answers nothing."""
    answered = {
        key
        for action in actions
        if action.status != Action.Status.DROPPED
        for key in action.questions
    }
    return tuple(
        ref
        for rating, ref in zip(results.result.profile.factors, results.factors, strict=True)
        if rating.is_rated and rating.value != "not_present" and ref.question.key not in answered
    )


def question_numbers(instrument: Instrument) -> dict[str, str]:
    """Each question's number as the section pages show it: "2.3" is section 2, question 3."""
    return {
        question.key: f"{s}.{q}"
        for s, section in enumerate(instrument.sections, start=1)
        for q, question in enumerate(section.questions, start=1)
    }


def answer_label(question: Question, value: str | None) -> str:
    if not value:
        return _("Not answered")
    try:
        return str(question.label_for(value))
    except KeyError:
        return _("Not answered")  # a stored value the instrument does not offer


def citations(question: Question, links: Links) -> tuple[Citation, ...]:
    return tuple(
        Citation(n, links.paragraph(question, n), question.phrase_for(n))
        for n in question.paragraphs
    )


class _Shaper:
    def __init__(self, instrument: Instrument, responses: Responses, links: Links) -> None:
        self.links = links
        self.responses = responses
        self.numbers = question_numbers(instrument)

    def ref(self, question: Question, value: str | None) -> QuestionRef:
        response = self.responses.get(question.key, EMPTY)
        return QuestionRef(
            question=question,
            number=self.numbers[question.key],
            href=self.links.question(question),
            label=answer_label(question, value),
            citations=citations(question, self.links),
            note=response.note.strip(),
            keep_out_of_report=response.keep_out_of_report,
        )

    def rating(self, rating: Rating) -> QuestionRef:
        return self.ref(rating.question, rating.value)

    def dismissed(
        self, risk: Question, measure: Question, reasons: Mapping[tuple[str, str], str]
    ) -> DismissedRef:
        return DismissedRef(
            self.ref(risk, None), self.ref(measure, None), reasons[(risk.key, measure.key)]
        )

    def consideration(self, row: Consideration) -> ConsiderationRow:
        # Its citations are the risk's and its measures': each links to where it is asked.
        owner = {n: row.risk for n in row.risk.paragraphs}
        for rating in row.weak + row.unknown:
            for n in rating.question.paragraphs:
                owner.setdefault(n, rating.question)
        return ConsiderationRow(
            risk=self.ref(row.risk, row.level),
            level=row.level,
            weak=tuple(self.rating(m) for m in row.weak),
            unknown=tuple(self.rating(m) for m in row.unknown),
            set_aside=tuple(self.rating(m) for m in row.set_aside),
            citations=tuple(
                Citation(n, self.links.paragraph(owner[n], n), owner[n].phrase_for(n))
                for n in row.paragraphs
            ),
        )


def build_results(
    instrument: Instrument,
    responses: Responses,
    *,
    links: Links,
    chart_title: str,
    chart_id: str = "risk-profile",
    dismissals: Mapping[tuple[str, str], str] | None = None,
) -> Results:
    dismissals = dismissals or {}
    result = score(instrument, responses, dismissed=dismissals.keys())
    shaper = _Shaper(instrument, responses, links)
    factors = tuple(shaper.rating(f) for f in result.profile.factors)
    # In questionnaire order: by risk, then as the risk lists its measures.
    order = {
        (q.key, m): (index, q.mitigated_by.index(m))
        for index, q in enumerate(instrument.questions)
        for m in q.mitigated_by
    }
    summary = None
    if instrument.summary_question is not None:
        summary = responses.get(instrument.summary_key, EMPTY).note.strip()
    return Results(
        result=result,
        summary=summary,
        chart=risk_chart(result, factors, title=chart_title, chart_id=chart_id),
        chart_rows=risk_profile_rows(
            chart_bars(result, factors),
            steps=len(CHART_SCALE) - 1,
            rtl=translation.get_language_bidi(),
        ),
        profile_line=profile_line(result.profile, shaper.numbers),
        no_risk_caveat=no_risk_caveat(result.profile),
        factors=factors,
        measure_counts=measure_counts(result),
        set_aside=tuple(shaper.rating(m) for m in result.measures.set_aside),
        considerations=tuple(shaper.consideration(c) for c in result.considerations),
        information_gaps=tuple(shaper.rating(g) for g in result.information_gaps),
        sections=tuple(SectionRow(n, s) for n, s in enumerate(result.sections, start=1)),
        dismissed=tuple(
            shaper.dismissed(instrument.question(risk), instrument.question(measure), dismissals)
            for risk, measure in sorted(dismissals.keys() & order.keys(), key=order.get)
        ),
    )


def assessment_results(
    assessment: Assessment, instrument: Instrument, responses: Responses, *, links: Links
) -> Results:
    """The results of one assessment, its chart titled with the country and cycle."""
    title = _("Risk profile: %(country)s, %(cycle)s") % {
        "country": assessment.country.name,
        "cycle": assessment.cycle,
    }
    stored = assessment.dismissals.all() if assessment.pk else ()
    dismissals = {(d.risk_key, d.measure_key): d.reason for d in stored}
    return build_results(
        instrument, responses, links=links, chart_title=title, dismissals=dismissals
    )


def risk_chart(
    result: Result, factors: tuple[QuestionRef, ...], *, title: str, chart_id: str
) -> SafeString:
    """The risk profile: a bar per factor, labelled with its number and short title."""
    profile = result.profile
    desc = ngettext(
        "The level of the %(total)s risk factor asked, on a scale from not observed "
        "(on the evidence available) to high: %(high)s high, %(moderate)s moderate, %(low)s "
        "low, %(not_present)s not observed, %(unknown)s unknown (“Don't know” or not answered).",
        "The level of each of the %(total)s risk factors asked, on a scale from not observed "
        "(on the evidence available) to high: %(high)s high, %(moderate)s moderate, %(low)s "
        "low, %(not_present)s not observed, %(unknown)s unknown (“Don't know” or not answered).",
        len(profile.factors),
    ) % {
        "total": len(profile.factors),
        "high": len(profile.at("high")),
        "moderate": len(profile.at("moderate")),
        "low": len(profile.at("low")),
        "not_present": len(profile.at("not_present")),
        "unknown": len(profile.not_rated),
    }
    scale = [str(name) for name in CHART_SCALE]
    return risk_profile_svg(
        chart_bars(result, factors),
        title=title,
        desc=desc,
        scale=scale,
        chart_id=chart_id,
        rtl=translation.get_language_bidi(),
    )


def chart_bars(result: Result, factors: tuple[QuestionRef, ...]) -> list[Bar]:
    """A bar per factor, labelled with its number and short title."""
    return [
        Bar(
            label=f"{ref.number} {ref.question.title}",
            level=RISK_LEVELS.index(rating.value) if rating.is_rated else None,
            level_label=str(CHART_SCALE[RISK_LEVELS.index(rating.value)])
            if rating.is_rated
            else ref.label,
        )
        for rating, ref in zip(result.profile.factors, factors, strict=True)
    ]


def previous_assessment(user: AbstractBaseUser, assessment: Assessment) -> Assessment | None:
    """The country's latest earlier cycle that `user` may see."""
    return (
        access.visible_assessments(user)
        .filter(country_id=assessment.country_id, cycle__lt=assessment.cycle)
        .order_by("-cycle")
        .first()
    )


def change_rows(
    instrument: Instrument, previous: Assessment | None, responses: Responses, *, links: Links
) -> tuple[ChangeRow, ...]:
    """The ratings that changed since `previous` (which may be on an earlier version)."""
    if previous is None:
        return ()
    before = carried(instrument, previous.instrument_version, previous.responses())
    shaper = _Shaper(instrument, responses, links)
    return tuple(
        ChangeRow(
            question=shaper.ref(change.question, change.after),
            before=answer_label(change.question, change.before),
            after=answer_label(change.question, change.after),
        )
        for change in changes(instrument, before, responses)
    )
