"""Scoring on small instruments built in memory: every expectation is worked out by hand."""

from __future__ import annotations

import datetime
from types import MappingProxyType

import pytest

from assessments.instrument import (
    CURRENT_VERSION,
    MEASURE,
    NOT_APPLICABLE,
    RISK,
    SCALES,
    TEXT,
    YES_NO,
    Instrument,
    Question,
    Section,
    ShowIf,
    Source,
    get_instrument,
)
from assessments.scoring import (
    Progress,
    Response,
    overall_progress,
    priority_gaps,
    score,
    section_progress,
)

SOURCE = Source(
    key="mini",
    title="Mini source",
    date=datetime.date(2013, 9, 11),
    place="New York",
    report_symbol="A/1",
    report_title="Mini",
    paragraphs=MappingProxyType({n: f"Paragraph {n}." for n in range(1, 10)}),
)


def question(
    key: str,
    kind: str,
    paragraphs: tuple[int, ...] = (1,),
    mitigated_by: tuple[str, ...] = (),
    allow_na: bool = False,
    show_if: ShowIf | None = None,
    section: str = "risks",
) -> Question:
    choices = SCALES[kind] + ((NOT_APPLICABLE,) if allow_na else ())
    return Question(
        key, kind, key, "Help.", paragraphs, mitigated_by, choices, allow_na, show_if, section
    )


def instrument(*sections: tuple[str, list[Question]]) -> Instrument:
    built = tuple(
        Section(key, key.title(), "Intro.", (1,), tuple(questions)) for key, questions in sections
    )
    return Instrument("mini/v1", "Mini", SOURCE, built)


def answers(**values: str) -> dict[str, Response]:
    # Keys are dotted, which keyword arguments cannot be: "risk__a" stands for "risk.a".
    return {key.replace("__", "."): Response(value) for key, value in values.items()}


# Two risks, three measures (one may be N/A), a yes/no and a text question.
MINI = instrument(
    (
        "risks",
        [
            question("risk.a", RISK, (1,), ("measure.x", "measure.y")),
            question("risk.b", RISK, (2,), ("measure.z",)),
            question("commitment.yes", YES_NO),
        ],
    ),
    (
        "measures",
        [
            question("measure.x", MEASURE, (3,), section="measures"),
            question("measure.y", MEASURE, (4,), section="measures"),
            question("measure.z", MEASURE, (5,), allow_na=True, section="measures"),
            question("notes.text", TEXT, section="measures"),
        ],
    ),
)


def test_it_scores_nothing_when_nothing_is_answered():
    result = score(MINI, {})
    assert result.risk_index is None
    assert result.coverage is None
    assert result.priority_gaps == ()
    assert result.information_gaps == ()
    assert [(r.question.key, r.level) for r in result.risk_levels] == [
        ("risk.a", None),
        ("risk.b", None),
    ]
    assert result.progress == Progress(0, 7)
    assert [(s.section.key, s.progress, s.dont_know) for s in result.sections] == [
        ("risks", Progress(0, 3), 0),
        ("measures", Progress(0, 4), 0),
    ]


def test_it_reports_dont_know_as_information_gaps_never_as_a_score():
    everything = {q.key: Response("dont_know") for q in MINI.questions if q.kind != TEXT}
    result = score(MINI, everything)
    assert result.risk_index is None
    assert result.coverage is None
    assert [q.key for q in result.information_gaps] == [
        "risk.a",
        "risk.b",
        "commitment.yes",
        "measure.x",
        "measure.y",
        "measure.z",
    ]
    assert [s.dont_know for s in result.sections] == [3, 3]
    assert [r.level for r in result.risk_levels] == ["dont_know", "dont_know"]
    # Don't know is an answer: the text question is the only one left.
    assert result.progress == Progress(6, 7)
    # Risks that are not rated are not gaps, however little is known about their measures.
    assert result.priority_gaps == ()


def test_it_leaves_not_applicable_out_of_coverage():
    only_na = score(MINI, answers(measure__z="na"))
    assert only_na.coverage is None
    # (fully 1 + planned 0.25) / 2 = 62.5; z's N/A would make it 41.7 if it counted as zero.
    mixed = score(MINI, answers(measure__x="fully", measure__y="planned", measure__z="na"))
    assert mixed.coverage == 62.5


def test_it_scores_a_mix_by_hand():
    result = score(
        MINI,
        answers(
            risk__a="high",
            risk__b="low",
            measure__x="partly",
            measure__y="dont_know",
            measure__z="not_in_place",
        ),
    )
    # (1 + 1/3) / 2 = 0.6667; (0.5 + 0) / 2, Don't know left out.
    assert result.risk_index == 66.7
    assert result.coverage == 25.0
    assert [q.key for q in result.information_gaps] == ["measure.y"]
    assert [(s.section.key, s.dont_know) for s in result.sections] == [
        ("risks", 0),
        ("measures", 1),
    ]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("not_present", 0.0), ("low", 33.3), ("moderate", 66.7), ("high", 100.0)],
)
def test_each_risk_level_has_its_weight(level, expected):
    assert score(MINI, answers(risk__a=level)).risk_index == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [("not_in_place", 0.0), ("planned", 25.0), ("partly", 50.0), ("fully", 100.0)],
)
def test_each_measure_status_has_its_weight(status, expected):
    assert score(MINI, answers(measure__x=status)).coverage == expected


def test_it_ignores_hidden_questions_even_when_answered():
    gated = instrument(
        (
            "risks",
            [
                question("risk.past", RISK, (1,), ("measure.justice",)),
                question(
                    "risk.follow_up",
                    RISK,
                    (2,),
                    ("measure.justice",),
                    show_if=ShowIf("risk.past", ("moderate", "high")),
                ),
                question(
                    "measure.justice",
                    MEASURE,
                    (3,),
                    show_if=ShowIf("risk.past", ("moderate", "high")),
                ),
            ],
        ),
    )
    # Stale answers, from before risk.past was lowered, are kept but must not count.
    responses = answers(risk__past="low", risk__follow_up="high", measure__justice="dont_know")
    result = score(gated, responses)
    assert result.risk_index == 33.3  # low alone
    assert result.coverage is None
    assert result.information_gaps == ()
    assert result.priority_gaps == ()
    assert [r.question.key for r in result.risk_levels] == ["risk.past"]
    assert result.progress == Progress(1, 1)

    # Once risk.past is high, both show; the measure is unknown, so both risks are gaps.
    result = score(gated, {**responses, **answers(risk__past="high")})
    assert result.risk_index == 100.0
    assert [g.risk.key for g in result.priority_gaps] == ["risk.past", "risk.follow_up"]
    assert [m.question.key for m in result.priority_gaps[0].unknown] == ["measure.justice"]


def test_a_hidden_measure_is_left_out_of_a_gap():
    gated = instrument(
        (
            "risks",
            [
                question("commitment.plan", YES_NO),
                question("risk.a", RISK, (1,), ("measure.plan", "measure.other")),
                question(
                    "measure.plan", MEASURE, (2,), show_if=ShowIf("commitment.plan", ("yes",))
                ),
                question("measure.other", MEASURE, (3,)),
            ],
        ),
    )
    result = score(
        gated, answers(risk__a="high", measure__plan="not_in_place", measure__other="planned")
    )
    (gap,) = result.priority_gaps
    assert [(m.question.key, m.status) for m in gap.weak] == [("measure.other", "planned")]
    assert gap.paragraphs == (1, 3)


# Six risks built to exercise every step of the ranking; each names its own two measures.
RANKED = instrument(
    (
        "risks",
        [
            question(f"risk.{name}", RISK, (n,), (f"measure.{name}_1", f"measure.{name}_2"))
            for n, name in enumerate(("a", "b", "c", "d", "e", "f"), start=1)
        ],
    ),
    (
        "measures",
        [
            question(f"measure.{name}_{i}", MEASURE, (i + 6,), allow_na=True, section="measures")
            for name in ("a", "b", "c", "d", "e", "f")
            for i in (1, 2)
        ],
    ),
)


def test_it_ranks_gaps_by_level_then_best_measure_then_weak_count_then_order():
    responses = answers(
        # moderate, nothing in place: outranked by every high risk.
        risk__a="moderate",
        measure__a_1="not_in_place",
        measure__a_2="not_in_place",
        # high, best measure partly in place.
        risk__b="high",
        measure__b_1="partly",
        measure__b_2="not_in_place",
        # high, best measure planned, one weak measure (the other unknown).
        risk__c="high",
        measure__c_1="planned",
        measure__c_2="dont_know",
        # high, best measure planned, two weak measures: before c.
        risk__d="high",
        measure__d_1="planned",
        measure__d_2="not_in_place",
        # high, one measure fully in place, one not: still a gap, but last of the high ones.
        risk__e="high",
        measure__e_1="fully",
        measure__e_2="not_in_place",
        # high, best measure planned, two weak: ties with d, so instrument order puts it after.
        risk__f="high",
        measure__f_1="not_in_place",
        measure__f_2="planned",
    )
    ranked = [gap.risk.key for gap in priority_gaps(RANKED, responses)]
    assert ranked == ["risk.d", "risk.f", "risk.c", "risk.b", "risk.e", "risk.a"]


def test_a_risk_is_no_gap_when_every_applicable_measure_is_fully_in_place():
    responses = answers(
        risk__a="high",
        measure__a_1="fully",
        measure__a_2="na",
        risk__b="low",
        measure__b_1="not_in_place",
        risk__c="not_present",
        risk__d="dont_know",
    )
    assert priority_gaps(RANKED, responses) == ()


def test_a_rated_risk_whose_measures_are_unknown_or_not_applicable_is_still_a_gap():
    responses = answers(
        risk__a="moderate",
        measure__a_1="dont_know",  # a_2 unanswered
        risk__b="high",
        measure__b_1="na",
        measure__b_2="na",
    )
    b, a = priority_gaps(RANKED, responses)
    assert (b.risk.key, b.level, b.weak, b.unknown) == ("risk.b", "high", (), ())
    assert b.paragraphs == (2,)
    assert (a.risk.key, a.level, a.weak) == ("risk.a", "moderate", ())
    assert [(m.question.key, m.status) for m in a.unknown] == [
        ("measure.a_1", "dont_know"),
        ("measure.a_2", None),
    ]


def test_a_gap_cites_the_union_of_its_risk_and_listed_measures_paragraphs():
    shared = instrument(
        (
            "risks",
            [
                question("risk.a", RISK, (5, 2), ("measure.x", "measure.y", "measure.z")),
                question("measure.x", MEASURE, (2, 7)),
                question("measure.y", MEASURE, (9, 1)),
                question("measure.z", MEASURE, (8,)),
            ],
        ),
    )
    responses = answers(risk__a="high", measure__x="planned", measure__y="dont_know")
    responses |= answers(measure__z="fully")  # in place, so not listed and not cited
    (gap,) = priority_gaps(shared, responses)
    assert [m.question.key for m in gap.weak] == ["measure.x"]
    assert [m.question.key for m in gap.unknown] == ["measure.y"]
    assert gap.paragraphs == (1, 2, 5, 7, 9)


def test_the_result_agrees_with_the_progress_functions():
    responses = answers(risk__a="high", commitment__yes="no", measure__x="partly")
    result = score(MINI, responses)
    assert result.progress == overall_progress(MINI, responses)
    by_key = section_progress(MINI, responses)
    assert {s.section.key: s.progress for s in result.sections} == by_key


def test_the_real_instrument_at_its_worst_has_every_risk_as_a_gap():
    real = get_instrument(CURRENT_VERSION)
    responses = {
        q.key: Response({RISK: "high", MEASURE: "not_in_place"}[q.kind])
        for q in real.questions
        if q.kind in (RISK, MEASURE)
    }
    result = score(real, responses)
    risks = [q for q in real.questions if q.kind == RISK]
    assert result.risk_index == 100
    assert result.coverage == 0
    # All high with nothing in place: only the number of weak measures, then order, ranks them.
    expected = sorted(risks, key=lambda q: -len(q.mitigated_by))  # sorted() is stable
    assert [gap.risk.key for gap in result.priority_gaps] == [q.key for q in expected]
    for gap in result.priority_gaps:
        assert [m.question.key for m in gap.weak] == list(gap.risk.mitigated_by)
        assert gap.unknown == ()
        assert set(gap.risk.paragraphs) <= set(gap.paragraphs)
