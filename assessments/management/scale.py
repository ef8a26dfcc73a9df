"""Every UN member State at once, for the benchmark's scale run (and the tests that prove a
page's queries do not grow with the number of countries).

`populate` writes fictional States and their assessments in bulk: going through the services
one save at a time would take minutes for 1,930 assessments, so the answered-of-asked
figures the services keep are counted here too. Each assessment answers every
question of its instrument (a draft only its first sections); cycles before the last are on
the first questionnaire. The countries' codes hold a digit, which ISO 3166 never assigns, so
that no real State is ever named by them, even in a throwaway database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.management.commands.seed_demo import DEMO_CYCLES, demo_responses
from assessments.models import Answer, Assessment, AssessmentEvent, Country
from assessments.scoring import Response, overall_progress

UN_MEMBER_STATES = 193
CYCLES = 10
DRAFT_SECTIONS = 3  # how far a draft has got


@dataclass(frozen=True)
class Populated:
    countries: int
    assessments: int
    answers: int


def country_code(index: int) -> str:
    """ "00" … "99", "A0" … "J9": a letter and a digit, or two digits."""
    return "0123456789ABCDEFGHIJ"[index // 10] + str(index % 10)


def populate(
    *,
    countries: int = UN_MEMBER_STATES,
    cycles: int = CYCLES,
    last_cycle: int,
    user: AbstractBaseUser | None = None,
    start: int = 0,
) -> Populated:
    """Countries number `start` to `start + countries - 1`, each with `cycles` assessments up to
    `last_cycle`: the older ones accepted, the one before last submitted or returned, the last
    one a draft, submitted or accepted (by country)."""
    current = get_instrument(CURRENT_VERSION)
    first = get_instrument(DEMO_CYCLES[min(DEMO_CYCLES)])
    full = {
        current.version: demo_responses(max(DEMO_CYCLES)),
        first.version: demo_responses(min(DEMO_CYCLES)),
    }
    begun = {
        question.key: full[current.version][question.key]
        for section in current.sections[:DRAFT_SECTIONS]
        for question in section.questions
    }
    now = timezone.now()
    regions = Country.Region.values
    made = Populated(0, 0, 0)
    for index in range(start, start + countries):
        with transaction.atomic():
            country = Country.objects.create(
                code=country_code(index),
                name=f"Fictional State {index + 1:03d}",
                region=regions[index % len(regions)],
            )
            rows: list[tuple[Assessment, dict[str, Response]]] = []
            for cycle in range(last_cycle - cycles + 1, last_cycle + 1):
                version = current.version if cycle == last_cycle else first.version
                status, responses = _status(index, cycle, last_cycle), full[version]
                if status == Assessment.Status.DRAFT:
                    responses = begun
                progress = overall_progress(get_instrument(version), responses)
                submitted = now - timedelta(days=(last_cycle - cycle) * 365 + index % 60)
                assessment = Assessment(
                    country=country,
                    cycle=cycle,
                    instrument_version=version,
                    status=status,
                    revision=2,
                    created_by=user,
                    updated_by=user,
                    submitted_at=None if status == Assessment.Status.DRAFT else submitted,
                    accepted_at=submitted if status == Assessment.Status.ACCEPTED else None,
                    # As the write services count them (a test holds the two equal).
                    progress_answered=progress.answered,
                    progress_total=progress.total,
                )
                rows.append((assessment, responses))
            Assessment.objects.bulk_create([assessment for assessment, _ in rows])
            answers = [
                Answer(
                    assessment=assessment,
                    question_key=key,
                    value=response.value,
                    note=response.note,
                    revision=2,
                    updated_by=user,
                )
                for assessment, responses in rows
                for key, response in responses.items()
            ]
            Answer.objects.bulk_create(answers, batch_size=1000)
        made = Populated(
            made.countries + 1, made.assessments + len(rows), made.answers + len(answers)
        )
    return made


def _status(index: int, cycle: int, last_cycle: int) -> str:
    if cycle < last_cycle - 1:
        return Assessment.Status.ACCEPTED
    if cycle == last_cycle - 1:
        return (Assessment.Status.SUBMITTED, Assessment.Status.RETURNED)[index % 2]
    return (
        Assessment.Status.DRAFT,
        Assessment.Status.SUBMITTED,
        Assessment.Status.ACCEPTED,
    )[index % 3]


def long_history(assessment: Assessment, *, events: int, user: AbstractBaseUser) -> None:
    """`events` saves of one answer each, to sections in turn: none merges with the next, the
    longest a history can get for its number of events."""
    instrument = get_instrument(assessment.instrument_version)
    sections = [s for s in instrument.sections if any(q.choice_values for q in s.questions)]
    rows = []
    for n in range(events):
        section = sections[n % len(sections)]
        question = next(q for q in section.questions if q.choice_values)
        old, new = question.choice_values[n % 2], question.choice_values[(n + 1) % 2]
        rows.append(
            AssessmentEvent(
                assessment=assessment,
                user=user,
                kind=AssessmentEvent.Kind.ANSWERS_SAVED,
                detail={
                    "section": section.key,
                    "changes": [{"question": question.key, "old": old, "new": new}],
                },
            )
        )
    AssessmentEvent.objects.bulk_create(rows, batch_size=1000)
