"""An assessment's history as people read it: events newest first, a person's run of
autosaves to one section shown as one entry (the events themselves stay as written), a page
at a time; and what changed since the secretariat last returned it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KT

from assessments.instrument import Instrument, Question, Section
from assessments.models import Assessment, AssessmentEvent
from assessments.presenters import known, label_of, numbered_questions

# Autosave writes an event every few seconds of typing; the timeline shows one person's run
# of saves to one section as a single entry, from its first old value to its last new one.
MERGE_WINDOW = timedelta(minutes=10)
HISTORY_PAGE_SIZE = 50


class EventKey(NamedTuple):
    """What tells whether two events are one run of saves, without their changes."""

    id: int
    at: datetime
    kind: str
    user_id: int | None
    section: str | None

    @classmethod
    def of(cls, event: AssessmentEvent) -> EventKey:
        return cls(event.id, event.at, event.kind, event.user_id, event.detail.get("section"))


def same_run(newer: EventKey, older: EventKey) -> bool:
    """Whether `older`, the event just before `newer`, is part of the same run of saves: one
    person's saves to one section, each within MERGE_WINDOW of the next."""
    return (
        newer.kind == older.kind == AssessmentEvent.Kind.ANSWERS_SAVED
        and newer.user_id == older.user_id
        and newer.section == older.section
        and newer.at - older.at <= MERGE_WINDOW
    )


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


def history_page(
    instrument: Instrument, events: QuerySet[AssessmentEvent], number: object
) -> tuple[Page, list[HistoryEntry]]:
    """Page `number` of the history, HISTORY_PAGE_SIZE entries a page, a run of saves being
    one entry however many events it holds (never split across pages). Where entries begin is
    told from every event's EventKey alone; only the page's events are read in full."""
    keys = [
        EventKey(*row)
        for row in events.values_list("id", "at", "kind", "user_id", KT("detail__section"))
    ]
    starts = [i for i, key in enumerate(keys) if i == 0 or not same_run(keys[i - 1], key)]
    page = Paginator(starts, HISTORY_PAGE_SIZE).get_page(number)
    if not page:
        return page, []
    end = starts[page.end_index()] if page.has_next() else len(keys)
    newest, oldest = keys[page[0]], keys[end - 1]
    shown = events.filter(
        Q(at__lt=newest.at) | Q(at=newest.at, id__lte=newest.id),
        Q(at__gt=oldest.at) | Q(at=oldest.at, id__gte=oldest.id),
    ).select_related("user")
    return page, history_entries(instrument, shown)


def history_entries(
    instrument: Instrument, events: Iterable[AssessmentEvent]
) -> list[HistoryEntry]:
    """Events newest first, each with its changes in the instrument's words."""
    entries: list[HistoryEntry] = []
    newer: EventKey | None = None
    for event in events:
        key = EventKey.of(event)
        if newer is not None and same_run(newer, key):
            entry = entries[-1]
            entry.since = event.at
        else:
            section = None
            if event.kind == AssessmentEvent.Kind.ANSWERS_SAVED:
                section = known(instrument.section, event.detail.get("section", ""))
            entry = HistoryEntry(event, section, {}, link=_link(instrument, event.detail))
            entries.append(entry)
        newer = key
        # Older events come later: their "old" wins, the newer "new" stays.
        for change in event.detail.get("changes", []):
            question = known(instrument.question, change.get("question", ""))
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


def since_last_return(events: QuerySet[AssessmentEvent]) -> list[AssessmentEvent]:
    """The last return and the saves since, newest first: all that changes_since_return
    reads, however long the history before it."""
    returned = events.filter(kind=AssessmentEvent.Kind.RETURNED).first()
    if returned is None:
        return []
    return list(
        events.filter(
            Q(at__gt=returned.at) | Q(at=returned.at, id__gte=returned.id),
            kind__in=(AssessmentEvent.Kind.ANSWERS_SAVED, AssessmentEvent.Kind.RETURNED),
        )
    )


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
    numbers = {q.key: number for number, q in numbered_questions(instrument)}
    found: dict[str, ChangeSinceReturn] = {}
    for event in reversed(newest_first[:returned]):  # oldest first
        if event.kind != AssessmentEvent.Kind.ANSWERS_SAVED:
            continue
        for change in event.detail.get("changes", []):
            question = known(instrument.question, change.get("question", ""))
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


def _link(instrument: Instrument, detail: Mapping) -> tuple[Question, Question] | None:
    risk = known(instrument.question, detail.get("risk", ""))
    measure = known(instrument.question, detail.get("measure", ""))
    return (risk, measure) if risk and measure else None
