"""Shapes what the templates show out of the instrument and the answers (the dashboards, the
questions, the review page's rows, the comments), so that views stay thin and templates stay
free of logic. An assessment's history is history.py's."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.forms import Form
from django.http import QueryDict
from django.utils import timezone

from assessments import access, services
from assessments.forms import (
    AssessmentFilterForm,
    keep_out_field_name,
    loaded_field_name,
    note_field_name,
)
from assessments.instrument import Instrument, Question, Section
from assessments.models import Answer, Assessment, Country, ReviewComment
from assessments.scoring import Responses
from assessments.services import SectionConflict


@dataclass
class CountryRow:
    country: Country
    assessments: list[Assessment]
    can_start: bool
    previous_cycle: int | None


def dashboard_rows(user: AbstractBaseUser, *, cycle: int) -> list[CountryRow]:
    """The user's own countries (those they are a member of), each with its assessments
    (newest first) and their progress as kept on them."""
    countries = list(access.member_countries(user))
    if not countries:
        return []
    assessments = list(
        access.visible_assessments(user).filter(country__in=countries).order_by("-cycle")
    )
    services.count_progress(assessments=assessments)
    by_country: dict[int, list[Assessment]] = {}
    for assessment in assessments:
        by_country.setdefault(assessment.country_id, []).append(assessment)
    editable = set(access.editable_countries_for(user).values_list("pk", flat=True))
    rows = []
    for country in countries:
        own = by_country.get(country.pk, [])
        cycles = [assessment.cycle for assessment in own]
        rows.append(
            CountryRow(
                country=country,
                assessments=own,
                can_start=country.pk in editable and cycle not in cycles,
                previous_cycle=max((c for c in cycles if c < cycle), default=None),
            )
        )
    return rows


REVIEW_PAGE_SIZE = 25
FILTERS = {"status": "status", "cycle": "cycle", "region": "country__region"}  # field: lookup


@dataclass
class ReviewListing:
    form: AssessmentFilterForm
    page: Page
    filters: str = ""  # the query's filters without its page, for the same list as CSV


def review_listing(user: AbstractBaseUser, query: QueryDict) -> ReviewListing | None:
    """For a reviewer: every country's assessments from their first submission on, filtered
    by the query's status, cycle and regional group (a filter not understood is said so at its
    field, and left out), a page at a time. In the order of the countries' names, then newest
    first: never by progress or any other figure, which would rank countries."""
    if not access.is_reviewer(user):
        return None
    form, assessments = filtered_reviewable(user, query)
    assessments = assessments.select_related("country", "updated_by").order_by(
        "country__name", "-cycle"
    )
    page = Paginator(assessments, REVIEW_PAGE_SIZE).get_page(query.get("page"))
    services.count_progress(assessments=page)
    filters = query.copy()
    filters.pop("page", None)
    return ReviewListing(form, page, filters.urlencode())


def filtered_reviewable(
    user: AbstractBaseUser, query: QueryDict
) -> tuple[AssessmentFilterForm, QuerySet[Assessment]]:
    """The reviewer's assessments as the query's filters choose them (the dashboard's list,
    and its CSV): a filter not understood is said so at its field on the page, and left out."""
    assessments = access.reviewable_assessments(user)
    form = AssessmentFilterForm(
        query,
        statuses=[c for c in Assessment.Status.choices if c[0] != Assessment.Status.DRAFT],
        cycles=assessments.order_by("-cycle").values_list("cycle", flat=True).distinct(),
    )
    form.is_valid()
    chosen = {FILTERS[name]: value for name, value in form.cleaned_data.items() if value}
    return form, assessments.filter(**chosen)


def section_neighbours(
    instrument: Instrument, section: Section
) -> tuple[Section | None, Section | None]:
    index = instrument.sections.index(section)
    before = instrument.sections[index - 1] if index > 0 else None
    after = instrument.sections[index + 1] if index + 1 < len(instrument.sections) else None
    return before, after


def section_citations(instrument: Instrument, section: Section) -> list[tuple[int, str, str]]:
    """Every paragraph the section or one of its questions cites, with its text (and its
    English original, where the text is a translation)."""
    numbers = set(section.paragraphs)
    numbers.update(n for question in section.questions for n in question.paragraphs)
    return instrument.citations(numbers)


@dataclass
class QuestionRow:
    """A question as its page shows it. What the form holds is read out here once, as plain
    values: this page is the one users wait on most, and reaching into bound fields from the
    template, question by question, was a good part of its time."""

    number: str
    question: Question
    has_choices: bool
    value: str  # the answer on screen: as saved, or as typed in a posted form
    note: str
    note_label: str
    # None where the note can't be kept out (the summary)
    keep_out: bool | None
    keep_out_label: str
    choice_errors: list[str]
    note_errors: list[str]
    saved: Answer | None
    visible: bool
    loaded: str  # the answer's digest as this page has it (services.save_answers)
    theirs: Answer | None = None
    elsewhere: Answer | None = None  # saved by another page meanwhile, shown instead
    show_if_values: str = ""
    comments: list[ReviewComment] = field(default_factory=list)
    evidence: EvidenceSummary | None = None

    @property
    def answer_label(self) -> str:
        return label_of(self.question, self.saved.value) if self.saved else ""

    @property
    def their_label(self) -> str:
        return label_of(self.question, self.theirs.value) if self.theirs else ""


@dataclass(frozen=True, slots=True)
class EvidenceSummary:
    """What a question's card says of the evidence behind its answer."""

    sources: int
    confidence: str  # in words; "" when not stated
    contested: bool


def evidence_summaries(assessment: Assessment, keys: Iterable[str]) -> dict[str, EvidenceSummary]:
    keys = list(keys)
    counts = dict(
        assessment.sources.filter(question_key__in=keys)
        .values_list("question_key")
        .annotate(count=Count("id"))
        .order_by()
    )
    judged = {j.question_key: j for j in assessment.judgements.filter(question_key__in=keys)}
    return {
        key: EvidenceSummary(
            sources=counts.get(key, 0),
            confidence=judged[key].get_confidence_display() if key in judged else "",
            contested=judged[key].contested if key in judged else False,
        )
        for key in keys
    }


@dataclass
class SectionQuestions:
    revision: object  # the section's, as the page holds it (services.save_answers)
    rows: list[QuestionRow]


def section_questions(
    instrument: Instrument,
    section: Section,
    form: Form,
    answers: Mapping[str, Answer],
    *,
    conflict: SectionConflict | None,
    responses: Responses,
    comments: Mapping[str, list[ReviewComment]],
    evidence: Mapping[str, EvidenceSummary],
) -> SectionQuestions:
    # Skip logic follows what is on screen: the typed values where the form was posted.
    values = {key: response.value for key, response in responses.items()}
    if form.is_bound:
        values.update({q.key: form.data.get(q.key, "") for q in section.questions})
    errors = form.errors if form.is_bound else {}
    position = instrument.sections.index(section) + 1
    rows = []
    for index, question in enumerate(section.questions, start=1):
        has_choices = question.kind != "text"
        note, keep_out = form[note_field_name(question.key)], None
        if keep_out_field_name(question.key) in form.fields:
            keep_out = form[keep_out_field_name(question.key)]
        loaded = loaded_field_name(question.key)
        rows.append(
            QuestionRow(
                number=f"{position}.{index}",
                question=question,
                has_choices=has_choices,
                value=form[question.key].value() or "" if has_choices else "",
                note=note.value() or "",
                note_label=note.label,
                keep_out=bool(keep_out.value()) if keep_out else None,
                keep_out_label=keep_out.label if keep_out else "",
                choice_errors=errors.get(question.key, []),
                note_errors=errors.get(note.name, []),
                saved=answers.get(question.key),
                visible=instrument.is_visible(question, values),
                loaded=str(form.data.get(loaded, "")) if form.is_bound else form.initial[loaded],
                theirs=conflict.theirs.get(question.key) if conflict else None,
                elsewhere=conflict.elsewhere.get(question.key) if conflict else None,
                show_if_values=" ".join(question.show_if.values) if question.show_if else "",
                comments=comments.get(question.key, []),
                evidence=evidence.get(question.key),
            )
        )
    return SectionQuestions(form["section_revision"].value(), rows)


def kept_as(assessment: Assessment, *depends_on: object) -> str:
    """The key under which a part of an assessment's page is kept (a `{% cache %}` fragment,
    which adds the language): the assessment at its revision, which every write moves on
    (comments and replies included), the reader's time zone, and whatever else the part
    depends on (`depends_on`: the reader's rights, the previous cycle). A person's new name
    shows in kept parts once they are renewed: after the next write, or within the hour the
    templates keep them."""
    state = hashlib.blake2s(repr(depends_on).encode(), digest_size=8).hexdigest()
    zone = timezone.get_current_timezone_name()
    return f"{assessment.pk}.{assessment.revision}.{zone}.{state}"


def numbered_questions(instrument: Instrument) -> list[tuple[str, Question]]:
    """Every question with its number as the questionnaire shows it ("2.3")."""
    return [
        (f"{s}.{q}", question)
        for s, section in enumerate(instrument.sections, start=1)
        for q, question in enumerate(section.questions, start=1)
    ]


def known(lookup, key: str):
    """`lookup(key)`, or None for a key the instrument does not know (a stale record)."""
    try:
        return lookup(key)
    except KeyError:
        return None


def label_of(question: Question, value: str) -> str:
    """The label of a stored value; an empty value has none, a stale one shows as stored."""
    if not value:
        return ""
    try:
        return question.label_for(value)
    except KeyError:
        return value


@dataclass
class ReviewRow:
    number: str
    question: Question
    answer: Answer | None
    visible: bool
    comments: list[ReviewComment]
    evidence: EvidenceSummary | None = None

    @property
    def answer_label(self) -> str:
        return label_of(self.question, self.answer.value) if self.answer else ""


def review_sections(
    instrument: Instrument,
    answers: Mapping[str, Answer],
    comments: Iterable[ReviewComment],
    evidence: Mapping[str, EvidenceSummary] | None = None,
) -> list[tuple[Section, list[ReviewRow]]]:
    """Every question with its answer, the evidence given for it and the comments made on
    it, section by section."""
    evidence = evidence or {}
    by_question = comments_by_question(comments)
    values = {key: answer.value for key, answer in answers.items()}
    sections = []
    for position, section in enumerate(instrument.sections, start=1):
        rows = [
            ReviewRow(
                number=f"{position}.{index}",
                question=question,
                answer=answers.get(question.key),
                visible=instrument.is_visible(question, values),
                comments=by_question.get(question.key, []),
                evidence=evidence.get(question.key),
            )
            for index, question in enumerate(section.questions, start=1)
        ]
        sections.append((section, rows))
    return sections


@dataclass
class CommentRow:
    comment: ReviewComment
    number: str  # the question's, "" for a comment on the whole assessment
    question: Question | None


def comment_rows(instrument: Instrument, comments: Iterable[ReviewComment]) -> list[CommentRow]:
    """The comments on questions, each with its question's number, in questionnaire order."""
    numbered = {q.key: (number, q) for number, q in numbered_questions(instrument)}
    order = list(numbered)
    rows = [
        CommentRow(c, *numbered[c.question_key]) for c in comments if c.question_key in numbered
    ]
    return sorted(rows, key=lambda row: order.index(row.question.key))


def open_comments_by_section(
    instrument: Instrument, comments: Iterable[ReviewComment]
) -> dict[str, int]:
    """How many comments not yet marked resolved each section has."""
    counts: dict[str, int] = {}
    for comment in comments:
        if comment.question_key and not comment.resolved:
            question = known(instrument.question, comment.question_key)
            if question is not None:
                counts[question.section_key] = counts.get(question.section_key, 0) + 1
    return counts


def comments_by_question(comments: Iterable[ReviewComment]) -> dict[str, list[ReviewComment]]:
    grouped: dict[str, list[ReviewComment]] = {}
    for comment in comments:
        if comment.question_key:
            grouped.setdefault(comment.question_key, []).append(comment)
    return grouped
