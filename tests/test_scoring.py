"""Scoring on small instruments built in memory, and on the real ones: every expectation is
worked out by hand. The method is FINDINGS.md's: a profile, never an index."""

from __future__ import annotations

import datetime
from types import MappingProxyType

import pytest

from assessments.findings import no_risk_caveat, profile_line
from assessments.instrument import (
    CURRENT_VERSION,
    MEASURE,
    NOT_APPLICABLE,
    NOT_PRIORITY,
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
from assessments.results import question_numbers
from assessments.scoring import (
    Progress,
    Response,
    carried,
    changes,
    considerations,
    overall_progress,
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
V1, V2 = "2013-summary/v1", CURRENT_VERSION


def question(
    key: str,
    kind: str,
    paragraphs: tuple[int, ...] = (1,),
    mitigated_by: tuple[str, ...] = (),
    allow_na: bool = False,
    show_if: ShowIf | None = None,
    section: str = "risks",
    not_priority: bool = False,
) -> Question:
    choices = SCALES[kind]
    if not_priority:
        choices = (*choices[:-1], NOT_PRIORITY, choices[-1])
    choices += (NOT_APPLICABLE,) if allow_na else ()
    return Question(
        key, kind, key, "Help.", paragraphs, mitigated_by, choices, allow_na, show_if, section
    )


def instrument(*sections: tuple[str, list[Question]], context: tuple[str, ...] = ()) -> Instrument:
    built = tuple(
        Section(key, key.title(), "Intro.", (1,), tuple(questions), key in context)
        for key, questions in sections
    )
    return Instrument("mini/v1", "Mini", SOURCE, built)


def answers(**values: str) -> dict[str, Response]:
    # Keys are dotted, which keyword arguments cannot be: "risk__a" stands for "risk.a".
    return {key.replace("__", "."): Response(value) for key, value in values.items()}


# Two risks, three measures (one may be N/A, one not a priority), a yes/no and a text question,
# and a context section of international engagement.
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
            question("measure.x", MEASURE, (3,), section="measures", not_priority=True),
            question("measure.y", MEASURE, (4,), section="measures"),
            question("measure.z", MEASURE, (5,), allow_na=True, section="measures"),
            question("notes.text", TEXT, section="measures"),
        ],
    ),
    (
        "world",
        [
            question("engagement.aid", MEASURE, (6,), section="world"),
            question("engagement.note", TEXT, section="world"),
        ],
    ),
    context=("world",),
)


def line(result, instrument: Instrument = MINI) -> str:
    return profile_line(result.profile, question_numbers(instrument))


# --- Progress ------------------------------------------------------------------------------------


def test_nothing_answered_is_nothing_found():
    result = score(MINI, {})
    assert result.profile.highest is None
    assert [(f.question.key, f.value) for f in result.profile.factors] == [
        ("risk.a", None),
        ("risk.b", None),
    ]
    assert result.measures.indicative is None
    assert result.considerations == ()
    # Unanswered is an information gap too, never a finding of "not observed".
    assert [g.question.key for g in result.not_answered] == [
        "risk.a",
        "risk.b",
        "commitment.yes",
        "measure.x",
        "measure.y",
        "measure.z",
        "notes.text",
    ]
    assert result.progress == Progress(0, 7)  # the context section is not required
    assert [(s.section.key, s.progress) for s in result.sections] == [
        ("risks", Progress(0, 3)),
        ("measures", Progress(0, 4)),
        ("world", Progress(0, 2)),
    ]
    assert line(result) == (
        "No risk factor is rated yet: 2 are unknown (“Don't know” or not answered)."
    )


def test_the_result_agrees_with_the_progress_functions():
    responses = answers(risk__a="high", commitment__yes="no", measure__x="partly")
    result = score(MINI, responses)
    assert result.progress == overall_progress(MINI, responses)
    by_key = section_progress(MINI, responses)
    assert {s.section.key: s.progress for s in result.sections} == by_key


# --- The profile ---------------------------------------------------------------------------

TEN = instrument(
    (
        "risks",
        [question(f"risk.r{n}", RISK, (1,), ("measure.m",)) for n in range(1, 11)]
        + [question("measure.m", MEASURE, (2,))],
    )
)


def test_targeting_high_and_the_rest_not_observed_leads_with_the_high_factor():
    """The index gave this State 20.0 and five moderate factors 33.3: the State showing signs
    of targeting looked safer. The profile leads with what is highest."""
    responses = answers(risk__r1="high", risk__r2="high", measure__m="planned")
    responses |= {f"risk.r{n}": Response("not_present") for n in range(3, 11)}
    result = score(TEN, responses)
    assert result.profile.highest == "high"
    assert line(result, TEN) == (
        "Highest rating: high (2: 1.1 risk.r1, 1.2 risk.r2); 0 moderate; 0 low; "
        "8 not observed; 0 unknown."
    )
    assert no_risk_caveat(result.profile) == ""
    assert not hasattr(result, "risk_index")
    # Both high factors are listed with their weak measure, high first.
    assert [(c.risk.key, c.level) for c in result.considerations] == [
        ("risk.r1", "high"),
        ("risk.r2", "high"),
    ]


def test_five_moderate_never_reads_as_more_than_two_high():
    moderate = score(
        TEN, {f"risk.r{n}": Response("moderate" if n <= 5 else "not_present") for n in range(1, 11)}
    )
    assert moderate.profile.highest == "moderate"
    assert line(moderate, TEN).startswith("Highest rating: moderate (5: ")


def test_nine_dont_know_and_one_not_observed_is_no_immunity():
    responses = {f"risk.r{n}": Response("dont_know") for n in range(1, 10)}
    responses["risk.r10"] = Response("not_present")
    result = score(TEN, responses)
    assert result.profile.highest == "not_present"
    assert len(result.profile.not_rated) == 9
    assert line(result, TEN) == "1 not observed; 9 unknown."
    caveat = no_risk_caveat(result.profile)
    assert "unknown is not “not observed”" in caveat
    assert caveat.endswith("This does not mean there is no risk (¶ 4).")
    assert [g.question.key for g in result.dont_know] == [f"risk.r{n}" for n in range(1, 10)]
    # Not rated is never a finding: no consideration, and no figure of any kind.
    assert result.considerations == ()


def test_every_factor_not_observed_says_it_does_not_mean_no_risk():
    result = score(TEN, {f"risk.r{n}": Response("not_present") for n in range(1, 11)})
    assert line(result, TEN) == "10 not observed; 0 unknown."
    assert no_risk_caveat(result.profile) == (
        "No risk factor was observed on the evidence available. This does not mean there is "
        "no risk (¶ 4)."
    )


def test_the_real_scale_says_not_observed_on_the_evidence_available():
    risk = get_instrument(V2).question("risk.armed_conflict")
    assert str(risk.label_for("not_present")) == "Not observed (on the evidence available)"
    history = get_instrument(V2).question("risk.past_mass_violence")
    assert str(history.label_for("not_present")) == "None recorded"


def test_hidden_questions_count_nowhere_even_when_answered():
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
    assert result.profile.highest == "low"
    assert [f.question.key for f in result.profile.factors] == ["risk.past"]
    assert result.measures.measures == ()
    assert result.information_gaps == ()
    assert result.considerations == ()
    assert result.progress == Progress(1, 1)

    # Once risk.past is high, both show; the measure is unknown, so both are considered.
    result = score(gated, {**responses, **answers(risk__past="high")})
    assert [c.risk.key for c in result.considerations] == ["risk.past", "risk.follow_up"]
    assert [m.question.key for m in result.considerations[0].unknown] == ["measure.justice"]


# --- Measures ------------------------------------------------------------------------------------


def test_measures_are_counted_by_status_and_set_aside_ones_leave_the_figure():
    responses = answers(measure__x="not_priority", measure__y="partly", measure__z="na")
    result = score(MINI, responses)
    counts = result.measures.counts
    assert (counts["partly"], counts["not_priority"], counts["na"]) == (1, 1, 1)
    assert [m.question.key for m in result.measures.set_aside] == ["measure.x", "measure.z"]
    assert [m.question.key for m in result.measures.rated] == ["measure.y"]
    # Every measure asked has an answer: one figure, of the one rated (partly: 0.5).
    assert result.measures.indicative == 50.0


@pytest.mark.parametrize(
    ("status", "expected"),
    [("not_in_place", 0.0), ("planned", 25.0), ("partly", 50.0), ("fully", 100.0)],
)
def test_each_measure_status_has_its_weight(status, expected):
    responses = answers(measure__x=status, measure__y="fully", measure__z="na")
    assert score(MINI, responses).measures.indicative == (expected + 100) / 2


def test_no_indicative_figure_until_every_measure_has_an_answer():
    """22 of 64 answers once read as coverage 52.3 against last year's complete 45.3."""
    assert score(MINI, answers(measure__x="fully", measure__y="fully")).measures.indicative is None
    only_dont_know = answers(measure__x="dont_know", measure__y="dont_know", measure__z="na")
    assert score(MINI, only_dont_know).measures.indicative is None


def test_engagement_answers_change_nothing():
    """A donor and a State that gives no aid, with identical domestic answers, get identical
    findings: international engagement is context."""
    domestic = answers(risk__a="high", measure__x="partly", measure__y="fully", measure__z="na")
    donor = score(MINI, {**domestic, **answers(engagement__aid="fully")})
    none = score(MINI, {**domestic, **answers(engagement__aid="not_in_place")})
    unanswered = score(MINI, domestic)
    for result in (none, unanswered):
        assert result.profile == donor.profile
        assert result.measures == donor.measures
        assert result.considerations == donor.considerations
        assert result.information_gaps == donor.information_gaps
        assert result.progress == donor.progress


@pytest.mark.parametrize("version", [V1, V2])
def test_engagement_answers_change_nothing_on_the_real_instruments(version):
    real = get_instrument(version)
    domestic = {
        q.key: Response({RISK: "moderate", MEASURE: "partly"}.get(q.kind, "yes"), "Note.")
        for q in real.questions
        if not real.is_context(q)
    }
    context = [q for q in real.questions if real.is_context(q)]
    assert context, "each instrument keeps international engagement as context"
    low = {q.key: Response("not_in_place" if q.kind == MEASURE else "no", "") for q in context}
    high = {q.key: Response("fully" if q.kind == MEASURE else "yes", "Much.") for q in context}
    a, b = score(real, {**domestic, **low}), score(real, {**domestic, **high})
    assert (a.profile, a.measures, a.considerations, a.information_gaps, a.progress) == (
        b.profile,
        b.measures,
        b.considerations,
        b.information_gaps,
        b.progress,
    )


# --- Measures to consider ------------------------------------------------------------------------

PAIRED = instrument(
    (
        "risks",
        [
            question(f"risk.{name}", RISK, (n,), (f"measure.{name}_1", f"measure.{name}_2"))
            for n, name in enumerate(("a", "b", "c"), start=1)
        ],
    ),
    (
        "measures",
        [
            question(
                f"measure.{name}_{i}", MEASURE, (i + 6,), section="measures", not_priority=True
            )
            for name in ("a", "b", "c")
            for i in (1, 2)
        ],
    ),
)


def test_considerations_list_high_before_moderate_then_questionnaire_order():
    responses = answers(
        risk__a="moderate",
        measure__a_1="not_in_place",
        risk__b="high",
        measure__b_1="partly",
        measure__b_2="dont_know",
        risk__c="high",
        measure__c_1="planned",
        measure__c_2="fully",
    )
    found = considerations(PAIRED, responses)
    assert [(c.risk.key, c.level) for c in found] == [
        ("risk.b", "high"),
        ("risk.c", "high"),
        ("risk.a", "moderate"),
    ]
    b = found[0]
    assert [(m.question.key, m.value) for m in b.weak] == [("measure.b_1", "partly")]
    assert [(m.question.key, m.value) for m in b.unknown] == [("measure.b_2", "dont_know")]
    a = found[2]
    assert [(m.question.key, m.value) for m in a.unknown] == [("measure.a_2", None)]


def test_low_not_observed_and_unknown_risks_are_not_considered():
    responses = answers(risk__a="low", risk__b="not_present", risk__c="dont_know")
    assert considerations(PAIRED, responses) == ()


def test_a_risk_whose_measures_are_all_fully_in_place_is_not_considered():
    responses = answers(risk__a="high", measure__a_1="fully", measure__a_2="fully")
    assert considerations(PAIRED, responses) == ()


def test_not_a_priority_leaves_the_analysis_but_stays_in_view():
    responses = answers(risk__a="high", measure__a_1="not_priority", measure__a_2="fully")
    assert considerations(PAIRED, responses) == ()  # the one applicable measure is in place
    responses = answers(risk__a="high", measure__a_1="not_priority", measure__a_2="planned")
    (row,) = considerations(PAIRED, responses)
    assert [m.question.key for m in row.weak] == ["measure.a_2"]
    assert [m.question.key for m in row.set_aside] == ["measure.a_1"]


def test_a_link_marked_not_relevant_leaves_the_analysis():
    responses = answers(risk__a="high", measure__a_1="not_in_place", measure__a_2="planned")
    (row,) = considerations(PAIRED, responses, dismissed={("risk.a", "measure.a_1")})
    assert [m.question.key for m in row.weak] == ["measure.a_2"]
    assert row.paragraphs == (1, 8)
    # Both links marked: the risk stays, with nothing listed to consider.
    both = {("risk.a", "measure.a_1"), ("risk.a", "measure.a_2")}
    (row,) = considerations(PAIRED, responses, dismissed=both)
    assert (row.weak, row.unknown, row.paragraphs) == ((), (), (1,))


def test_the_real_instrument_at_its_worst_lists_every_risk_and_every_link():
    real = get_instrument(V2)
    responses = {
        q.key: Response({RISK: "high", MEASURE: "not_in_place"}[q.kind])
        for q in real.questions
        if q.kind in (RISK, MEASURE)
    }
    result = score(real, responses)
    risks = [q for q in real.questions if q.kind == RISK]
    assert [c.risk.key for c in result.considerations] == [q.key for q in risks]
    for row in result.considerations:
        assert [m.question.key for m in row.weak] == list(row.risk.mitigated_by)
        assert set(row.risk.paragraphs) <= set(row.paragraphs)
    assert result.measures.indicative == 0.0


# --- Changes -------------------------------------------------------------------------------------


def test_changes_list_only_ratings_given_in_both_cycles():
    before = answers(
        risk__a="moderate",
        risk__b="low",
        measure__x="partly",
        measure__y="dont_know",
        measure__z="planned",
    )
    after = answers(
        risk__a="high",  # a change in the rating
        risk__b="low",  # unchanged
        # measure.x not answered now: not "partly → not answered"
        measure__y="fully",  # Don't know before: nothing to compare
        measure__z="na",  # set aside now: no rating to compare
    )
    found = changes(MINI, before, after)
    assert [(c.question.key, c.before, c.after) for c in found] == [("risk.a", "moderate", "high")]


def test_changes_across_versions_follow_the_carry_over():
    v1, v2 = get_instrument(V1), get_instrument(V2)
    before = {
        "risk.armed_conflict": Response("low"),
        "risk.targeting_of_groups": Response("high"),  # retired: never compared
        "risk.past_atrocities": Response("moderate"),  # reworded: a new key, never compared
        "measure.constitutional_reform": Response("planned"),  # replaced
    }
    after = {
        "risk.armed_conflict": Response("moderate"),
        "risk.singling_out": Response("low"),
        "risk.past_mass_violence": Response("high"),
        "measure.constitutional_protection": Response("fully"),
    }
    moved = carried(v2, v1.version, before)
    assert set(moved) == {"risk.armed_conflict"}
    assert [(c.question.key, c.before, c.after) for c in changes(v2, moved, after)] == [
        ("risk.armed_conflict", "low", "moderate")
    ]
    assert carried(v2, "no/such-version", before) == {}
