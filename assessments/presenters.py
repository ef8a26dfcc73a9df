"""Shapes what the templates show out of the instrument, the answers and the events, so that
views stay thin and templates stay free of logic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.forms import BoundField, Form

from assessments import access
from assessments.forms import note_field_name
from assessments.instrument import Instrument, Question, Section, get_instrument
from assessments.models import Answer, Assessment, AssessmentEvent, Country
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
                queryset=Answer.objects.only("assessment_id", "question_key", "value", "note"),
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
    saved: Answer | None
    visible: bool
    theirs: Answer | None = None
    show_if_values: str = ""

    @property
    def answer_label(self) -> str:
        if self.saved is None or not self.saved.value:
            return ""
        return str(self.question.label_for(self.saved.value))

    @property
    def their_label(self) -> str:
        if self.theirs is None or not self.theirs.value:
            return ""
        return str(self.question.label_for(self.theirs.value))


def question_rows(
    instrument: Instrument,
    section: Section,
    form: Form,
    answers: Mapping[str, Answer],
    *,
    conflict: SectionConflict | None,
    responses: Responses,
) -> list[QuestionRow]:
    # Skip logic follows what is on screen: the typed values where the form was posted.
    values = {key: response.value for key, response in responses.items()}
    if form.is_bound:
        values.update({q.key: form.data.get(q.key, "") for q in section.questions})
    position = instrument.sections.index(section) + 1
    rows = []
    for index, question in enumerate(section.questions, start=1):
        theirs = conflict.theirs.get(question.key) if conflict else None
        rows.append(
            QuestionRow(
                number=f"{position}.{index}",
                question=question,
                field=form[question.key] if question.kind != "text" else None,
                note=form[note_field_name(question.key)],
                saved=answers.get(question.key),
                visible=instrument.is_visible(question, values),
                theirs=theirs,
                show_if_values=" ".join(question.show_if.values) if question.show_if else "",
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
            entry = HistoryEntry(event, section, {})
            entries.append(entry)
        # Older events come later: their "old" wins, the newer "new" stays.
        for change in event.detail.get("changes", []):
            question = _known(instrument.question, change.get("question", ""))
            if question is None:
                continue
            shown = entry.changes.setdefault(
                question.key,
                {"question": question, "value_changed": False, "new": "", "note_changed": False},
            )
            if "new" in change:
                if not shown["value_changed"]:
                    shown["new"] = _label(question, change["new"])
                shown["value_changed"] = True
                shown["old"] = _label(question, change["old"])
            shown["note_changed"] = shown["note_changed"] or change.get("note_changed", False)
    return entries


def _known(lookup, key: str):
    try:
        return lookup(key)
    except KeyError:
        return None


def _label(question: Question, value: str) -> str:
    if not value:
        return ""
    try:
        return question.label_for(value)
    except KeyError:
        return value
