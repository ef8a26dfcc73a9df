"""Shapes what the templates show out of the instrument, the answers and the events, so that
views stay thin and templates stay free of logic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.forms import BoundField, Form

from assessments import access
from assessments.forms import keep_out_field_name, loaded_field_name, note_field_name
from assessments.instrument import Instrument, Question, Section, get_instrument
from assessments.models import Answer, Assessment, AssessmentEvent, Country, ReviewComment
from assessments.scoring import Progress, Responses, overall_progress
from assessments.services import SectionConflict


@dataclass
class AssessmentRow:
    assessment: Assessment
    progress: Progress


@dataclass
class CountryRow:
    country: Country
    assessments: list[AssessmentRow]
    can_start: bool
    previous_cycle: int | None


def dashboard_rows(user: AbstractBaseUser, *, cycle: int) -> list[CountryRow]:
    """The user's countries, each with its assessments (newest first) and their progress."""
    assessments = (
        access.visible_assessments(user)
        .order_by("-cycle")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.only(
                    "assessment_id", "question_key", "value", "note", "keep_out_of_report"
                ),
            )
        )
    )
    by_country: dict[int, list[AssessmentRow]] = {}
    for assessment in assessments:
        instrument = get_instrument(assessment.instrument_version)
        by_country.setdefault(assessment.country_id, []).append(
            AssessmentRow(assessment, overall_progress(instrument, assessment.responses()))
        )
    editable = set(access.editable_countries_for(user).values_list("pk", flat=True))
    rows = []
    for country in access.countries_for(user).distinct():
        own = by_country.get(country.pk, [])
        cycles = [row.assessment.cycle for row in own]
        rows.append(
            CountryRow(
                country=country,
                assessments=own,
                can_start=country.pk in editable and cycle not in cycles,
                previous_cycle=max((c for c in cycles if c < cycle), default=None),
            )
        )
    return rows


def section_neighbours(
    instrument: Instrument, section: Section
) -> tuple[Section | None, Section | None]:
    index = instrument.sections.index(section)
    before = instrument.sections[index - 1] if index > 0 else None
    after = instrument.sections[index + 1] if index + 1 < len(instrument.sections) else None
    return before, after


def section_citations(instrument: Instrument, section: Section) -> list[tuple[int, str]]:
    """Every paragraph the section or one of its questions cites, with its text."""
    numbers = set(section.paragraphs)
    numbers.update(n for question in section.questions for n in question.paragraphs)
    return [(n, instrument.paragraph(n)) for n in sorted(numbers)]


@dataclass
class QuestionRow:
    number: str
    question: Question
    field: BoundField | None
    note: BoundField
    keep_out: BoundField | None  # None where the note can't be kept out (the summary)
    saved: Answer | None
    visible: bool
    loaded: str  # the answer's digest as this page has it (services.save_answers)
    theirs: Answer | None = None
    elsewhere: Answer | None = None  # saved by another page meanwhile, shown instead
    show_if_values: str = ""
    comments: list[ReviewComment] = field(default_factory=list)

    @property
    def answer_label(self) -> str:
        return label_of(self.question, self.saved.value) if self.saved else ""

    @property
    def their_label(self) -> str:
        return label_of(self.question, self.theirs.value) if self.theirs else ""


def question_rows(
    instrument: Instrument,
    section: Section,
    form: Form,
    answers: Mapping[str, Answer],
    *,
    conflict: SectionConflict | None,
    responses: Responses,
    comments: Mapping[str, list[ReviewComment]],
) -> list[QuestionRow]:
    # Skip logic follows what is on screen: the typed values where the form was posted.
    values = {key: response.value for key, response in responses.items()}
    if form.is_bound:
        values.update({q.key: form.data.get(q.key, "") for q in section.questions})
    position = instrument.sections.index(section) + 1
    rows = []
    for index, question in enumerate(section.questions, start=1):
        theirs = conflict.theirs.get(question.key) if conflict else None
        loaded = loaded_field_name(question.key)
        rows.append(
            QuestionRow(
                number=f"{position}.{index}",
                question=question,
                field=form[question.key] if question.kind != "text" else None,
                note=form[note_field_name(question.key)],
                keep_out=form[keep_out_field_name(question.key)]
                if keep_out_field_name(question.key) in form.fields
                else None,
                saved=answers.get(question.key),
                visible=instrument.is_visible(question, values),
                loaded=str(form.data.get(loaded, "")) if form.is_bound else form.initial[loaded],
                theirs=theirs,
                elsewhere=conflict.elsewhere.get(question.key) if conflict else None,
                show_if_values=" ".join(question.show_if.values) if question.show_if else "",
                comments=comments.get(question.key, []),
            )
        )
    return rows


# Autosave writes an event every few seconds of typing; the timeline shows one person's run
# of saves to one section as a single entry, from its first old value to its last new one.
MERGE_WINDOW = timedelta(minutes=10)


@dataclass
class HistoryEntry:
    event: AssessmentEvent
    section: Section | None
    changes: dict[str, dict[str, object]]
    since: datetime | None = None
    # The risk factor and measure of a suggested link marked not relevant, or restored.
    link: tuple[Question, Question] | None = None

    @property
    def marking(self) -> str:
        """A marking event's new marking, in words."""
        new = self.event.detail.get("new", "")
        return Assessment.Marking(new).label if new in Assessment.Marking.values else ""

    def continues(self, event: AssessmentEvent) -> bool:
        """Whether `event` (older than this entry) belongs to the same run of saves."""
        return (
            event.kind == self.event.kind == AssessmentEvent.Kind.ANSWERS_SAVED
            and event.user_id == self.event.user_id
            and event.detail.get("section") == self.event.detail.get("section")
            and (self.since or self.event.at) - event.at <= MERGE_WINDOW
        )


def history_entries(
    instrument: Instrument, events: Iterable[AssessmentEvent]
) -> list[HistoryEntry]:
    """Events newest first, each with its changes in the instrument's words."""
    entries: list[HistoryEntry] = []
    for event in events:
        if entries and entries[-1].continues(event):
            entry = entries[-1]
            entry.since = event.at
        else:
            section = None
            if event.kind == AssessmentEvent.Kind.ANSWERS_SAVED:
                section = _known(instrument.section, event.detail.get("section", ""))
            entry = HistoryEntry(event, section, {}, link=_link(instrument, event.detail))
            entries.append(entry)
        # Older events come later: their "old" wins, the newer "new" stays.
        for change in event.detail.get("changes", []):
            question = _known(instrument.question, change.get("question", ""))
            if question is None:
                continue
            shown = entry.changes.setdefault(
                question.key,
                {
                    "question": question,
                    "value_changed": False,
                    "new": "",
                    "note_changed": False,
                    "kept_out": None,
                },
            )
            if "keep_out_of_report" in change and shown["kept_out"] is None:
                shown["kept_out"] = change["keep_out_of_report"]  # the newest wins
            if "new" in change:
                if not shown["value_changed"]:
                    shown["new"] = label_of(question, change["new"])
                shown["value_changed"] = True
                shown["old"] = label_of(question, change["old"])
            shown["note_changed"] = shown["note_changed"] or change.get("note_changed", False)
    return entries


@dataclass
class ChangeSinceReturn:
    question: Question
    number: str
    value_changed: bool = False
    old: str = ""
    new: str = ""
    note_changed: bool = False


def changes_since_return(
    instrument: Instrument, events: Iterable[AssessmentEvent]
) -> list[ChangeSinceReturn] | None:
    """What the country changed since the secretariat last returned it (each question once:
    its answer before the first change and after the last), in questionnaire order; None
    when it was never returned."""
    newest_first = list(events)
    returned = next(
        (i for i, e in enumerate(newest_first) if e.kind == AssessmentEvent.Kind.RETURNED), None
    )
    if returned is None:
        return None
    numbers = {q.key: number for number, q in _numbered(instrument)}
    found: dict[str, ChangeSinceReturn] = {}
    for event in reversed(newest_first[:returned]):  # oldest first
        if event.kind != AssessmentEvent.Kind.ANSWERS_SAVED:
            continue
        for change in event.detail.get("changes", []):
            question = _known(instrument.question, change.get("question", ""))
            if question is None:
                continue
            row = found.setdefault(question.key, ChangeSinceReturn(question, numbers[question.key]))
            if "new" in change:
                if not row.value_changed:
                    row.old = label_of(question, change["old"])
                row.value_changed = True
                row.new = label_of(question, change["new"])
            row.note_changed = row.note_changed or change.get("note_changed", False)
    order = list(numbers)
    return sorted(found.values(), key=lambda row: order.index(row.question.key))


def _numbered(instrument: Instrument) -> list[tuple[str, Question]]:
    return [
        (f"{s}.{q}", question)
        for s, section in enumerate(instrument.sections, start=1)
        for q, question in enumerate(section.questions, start=1)
    ]


def _link(instrument: Instrument, detail: Mapping) -> tuple[Question, Question] | None:
    risk = _known(instrument.question, detail.get("risk", ""))
    measure = _known(instrument.question, detail.get("measure", ""))
    return (risk, measure) if risk and measure else None


def _known(lookup, key: str):
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

    @property
    def answer_label(self) -> str:
        return label_of(self.question, self.answer.value) if self.answer else ""


def review_sections(
    instrument: Instrument, answers: Mapping[str, Answer], comments: Iterable[ReviewComment]
) -> list[tuple[Section, list[ReviewRow]]]:
    """Every question with its answer and the comments made on it, section by section."""
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
    numbered = {q.key: (number, q) for number, q in _numbered(instrument)}
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
            question = _known(instrument.question, comment.question_key)
            if question is not None:
                counts[question.section_key] = counts.get(question.section_key, 0) + 1
    return counts


def comments_by_question(comments: Iterable[ReviewComment]) -> dict[str, list[ReviewComment]]:
    grouped: dict[str, list[ReviewComment]] = {}
    for comment in comments:
        if comment.question_key:
            grouped.setdefault(comment.question_key, []).append(comment)
    return grouped
