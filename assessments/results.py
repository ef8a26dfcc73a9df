"""What the results page and the PDF report show, shaped once from the instrument and the
answers (scoring.py computes; this module only puts the figures in the instrument's words).

Links are the caller's: the results page points at the section pages, the PDF at its own
chapters, so both pass a `Links` that says where a question and a paragraph live.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from assessments import access
from assessments.charts import Bar, risk_profile_svg
from assessments.instrument import RISK, SCALES, Instrument, Question
from assessments.models import Assessment
from assessments.scoring import (
    DONT_KNOW,
    RISK_WEIGHTS,
    Gap,
    MeasureStatus,
    Responses,
    Result,
    SectionResult,
    changes,
    score,
)

RISK_SCALE = tuple(RISK_WEIGHTS)  # not present, low, moderate, high: the chart's steps
TOP_GAPS = 5  # how many priority gaps the PDF's executive summary names


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


@dataclass(frozen=True, slots=True)
class QuestionRef:
    """A question as a line of the results: its number, text, answer and where to read it."""

    question: Question
    number: str
    href: str
    label: str  # its answer (or status, or level) in words
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class GapRow:
    risk: QuestionRef
    level: str
    weak: tuple[QuestionRef, ...]
    unknown: tuple[QuestionRef, ...]
    citations: tuple[Citation, ...]  # the risk's and its listed measures'


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A measure that is weak or of unknown status in at least one priority gap."""

    measure: QuestionRef
    weak: bool  # False: its status is not known
    risks: tuple[QuestionRef, ...]  # the gaps it would help close, most urgent first

    @property
    def risk_numbers(self) -> str:
        return ", ".join(risk.number for risk in self.risks)


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
    chart: SafeString
    risks: tuple[QuestionRef, ...]
    sections: tuple[SectionRow, ...]
    priority_gaps: tuple[GapRow, ...]
    information_gaps: tuple[QuestionRef, ...]

    @property
    def top_gaps(self) -> tuple[GapRow, ...]:
        return self.priority_gaps[:TOP_GAPS]

    @property
    def recommendations(self) -> tuple[Recommendation, ...]:
        """Each measure named by a priority gap, once, in the order of the most urgent gap
        that names it: what to strengthen (or find out about) first."""
        found: dict[str, tuple[QuestionRef, bool, list[QuestionRef]]] = {}
        for gap in self.priority_gaps:
            for measure, weak in [(m, True) for m in gap.weak] + [(m, False) for m in gap.unknown]:
                found.setdefault(measure.question.key, (measure, weak, []))[2].append(gap.risk)
        return tuple(
            Recommendation(measure, weak, tuple(risks)) for measure, weak, risks in found.values()
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


class _Shaper:
    def __init__(self, instrument: Instrument, links: Links) -> None:
        self.links = links
        self.numbers = question_numbers(instrument)

    def citations(self, question: Question, numbers: tuple[int, ...]) -> tuple[Citation, ...]:
        return tuple(Citation(n, self.links.paragraph(question, n)) for n in numbers)

    def ref(self, question: Question, value: str | None) -> QuestionRef:
        return QuestionRef(
            question=question,
            number=self.numbers[question.key],
            href=self.links.question(question),
            label=answer_label(question, value),
            citations=self.citations(question, question.paragraphs),
        )

    def measure(self, status: MeasureStatus) -> QuestionRef:
        return self.ref(status.question, status.status)

    def gap(self, gap: Gap) -> GapRow:
        # A gap's citations are the risk's and its measures': each links to where it is asked.
        owner = {n: gap.risk for n in gap.risk.paragraphs}
        for status in gap.weak + gap.unknown:
            for n in status.question.paragraphs:
                owner.setdefault(n, status.question)
        return GapRow(
            risk=self.ref(gap.risk, gap.level),
            level=gap.level,
            weak=tuple(self.measure(m) for m in gap.weak),
            unknown=tuple(self.measure(m) for m in gap.unknown),
            citations=tuple(Citation(n, self.links.paragraph(owner[n], n)) for n in gap.paragraphs),
        )


def build_results(
    instrument: Instrument,
    responses: Responses,
    *,
    links: Links,
    chart_title: str,
    chart_id: str = "risk-profile",
    full_labels: bool = True,
) -> Results:
    result = score(instrument, responses)
    shaper = _Shaper(instrument, links)
    risks = tuple(shaper.ref(r.question, r.level) for r in result.risk_levels)
    return Results(
        result=result,
        chart=risk_chart(
            result, risks, title=chart_title, chart_id=chart_id, full_labels=full_labels
        ),
        risks=risks,
        sections=tuple(SectionRow(n, s) for n, s in enumerate(result.sections, start=1)),
        priority_gaps=tuple(shaper.gap(gap) for gap in result.priority_gaps),
        information_gaps=tuple(shaper.ref(q, DONT_KNOW) for q in result.information_gaps),
    )


def assessment_results(
    assessment: Assessment,
    instrument: Instrument,
    responses: Responses,
    *,
    links: Links,
    full_labels: bool = True,
) -> Results:
    """The results of one assessment, its chart titled with the country and cycle."""
    title = _("Risk profile: %(country)s, %(cycle)s") % {
        "country": assessment.country.name,
        "cycle": assessment.cycle,
    }
    return build_results(
        instrument, responses, links=links, chart_title=title, full_labels=full_labels
    )


def risk_chart(
    result: Result,
    risks: tuple[QuestionRef, ...],
    *,
    title: str,
    chart_id: str,
    full_labels: bool = True,
) -> SafeString:
    """The risk profile. Without `full_labels` the bars are labelled by question number only
    (the PDF: WeasyPrint draws SVG text a letter at a time, so long labels cost a lot)."""
    levels = [r.level for r in result.risk_levels]
    counts = {level: levels.count(level) for level in (*RISK_SCALE, DONT_KNOW)}
    counts[None] = levels.count(None)
    desc = _(
        "The level of each of the %(total)s risk factors asked, on a scale from not present to "
        "high: %(high)s high, %(moderate)s moderate, %(low)s low, %(not_present)s not present, "
        "%(dont_know)s don't know, %(unanswered)s not answered."
    ) % {
        "total": len(levels),
        "high": counts["high"],
        "moderate": counts["moderate"],
        "low": counts["low"],
        "not_present": counts["not_present"],
        "dont_know": counts[DONT_KNOW],
        "unanswered": counts[None],
    }
    bars = [
        Bar(
            label=f"{ref.number} {ref.question.text}" if full_labels else ref.number,
            level=RISK_SCALE.index(level.level) if level.level in RISK_SCALE else None,
            level_label=ref.label,
        )
        for level, ref in zip(result.risk_levels, risks, strict=True)
    ]
    names = {choice.value: str(choice.label) for choice in SCALES[RISK]}
    scale = [names[value] for value in RISK_SCALE]
    return risk_profile_svg(bars, title=title, desc=desc, scale=scale, chart_id=chart_id)


def previous_assessment(user: AbstractBaseUser, assessment: Assessment) -> Assessment | None:
    """The country's latest earlier cycle that `user` may see, with its answers loaded."""
    return (
        access.visible_assessments(user)
        .filter(country_id=assessment.country_id, cycle__lt=assessment.cycle)
        .prefetch_related("answers")
        .order_by("-cycle")
        .first()
    )


def change_rows(
    instrument: Instrument, before: Responses, after: Responses, *, links: Links
) -> tuple[ChangeRow, ...]:
    shaper = _Shaper(instrument, links)
    return tuple(
        ChangeRow(
            question=shaper.ref(change.question, change.after),
            before=answer_label(change.question, change.before),
            after=answer_label(change.question, change.after),
        )
        for change in changes(instrument, before, after)
    )
