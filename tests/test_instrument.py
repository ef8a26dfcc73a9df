from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from assessments.checks import check_instruments
from assessments.instrument import (
    BASES,
    BEYOND,
    CURRENT_VERSION,
    DERIVED,
    INSTRUMENTS_DIR,
    MEASURE,
    RISK,
    STATED,
    TEXT,
    YES_NO,
    InstrumentError,
    available_versions,
    get_instrument,
    load_instrument,
    load_instruments,
)

FIXTURES = Path(__file__).parent / "fixtures" / "instruments"
SHARED_SOURCE = Path(settings.BASE_DIR).parent / "shared/source/presidents-summary-2013.txt"
V1, V2 = "2013-summary/v1", "2013-summary/v2"
V1_FILE, V2_FILE = (
    INSTRUMENTS_DIR / "2013-summary-v1.toml",
    INSTRUMENTS_DIR / "2013-summary-v2.toml",
)
PAST_ATROCITY_QUESTIONS = (
    "past.history",
    "measure.accountability_past",
    "measure.commemoration",
    "measure.transitional_justice",
)
MEASURE_SCALE = ("not_in_place", "planned", "partly", "fully", "dont_know")
MEASURE_SCALE_V2 = ("not_in_place", "planned", "partly", "fully", "not_priority", "dont_know")
RISK_SCALE = ("not_present", "low", "moderate", "high", "dont_know")
# ¶ 11 reports the debate on Syria and the Security Council; v1 asked these from it.
PARAGRAPH_11_KEYS = (
    "engagement.security_council",
    "engagement.icc_referral",
    "engagement.veto_restraint",
    "engagement.humanitarian_assistance",
    "engagement.asylum",
)

# What each paragraph names, and the question that asks about it: the coverage review of v1,
# kept as a test so that a later edit cannot silently drop one.
COVERAGE = {
    1: {"State responsibility (report A/67/929)": "commitment.primary_responsibility"},
    2: {
        "national risk assessment": "measure.risk_assessment",
        "ratification of relevant legal instruments": "measure.ratification",
    },
    3: {
        "resilient, inclusive institutions": "measure.inclusive_institutions",
        "transparent societies": "measure.transparency",
        "capacity to defuse tensions": "measure.defuse_tensions",
        "valuing diversity": "measure.valuing_diversity",
        "learning from the past": "measure.learning_from_past",
    },
    4: {
        "no society immune": "commitment.no_society_immune",
        "primary responsibility of each State": "commitment.primary_responsibility",
        "anchored in IHL and IHRL": "measure.ihl_training",
        "anchored in international law": "measure.domestic_criminalisation",
    },
    5: {
        "socio-economic inequality": "risk.socioeconomic_inequality",
        "identity-based discrimination and marginalisation": "risk.identity_discrimination",
        "denial of rights and freedoms": "risk.denial_of_rights",
        "exclusion from decision-making": "risk.exclusion_decision_making",
        "past history of atrocity crimes": "risk.past_atrocities",
        "international justice mechanisms": "engagement.icc_cooperation",
        "lack of capacity, absence of protective institutions": "risk.prevention_capacity",
        "gender discrimination and inequality": "risk.gender_discrimination",
        "sexual and gender-based violence": "risk.sexual_gender_based_violence",
        "prevention tailored to SGBV": "measure.sgbv_prevention",
    },
    6: {
        "armed conflict": "risk.armed_conflict",
        "atrocity risk in peacetime too": "early.peacetime_risk",
        "deliberate targeting of groups": "risk.targeting_of_groups",
    },
    7: {
        "each State assesses its measures": "focal.priorities",
        "national human rights infrastructure": "measure.nhri",
        "good governance based on the rule of law": "measure.good_governance",
        "strengthening of the judiciary": "measure.judiciary",
        "security sector reform": "measure.security_sector_reform",
        "constitutional reform": "measure.constitutional_reform",
        "human rights education": "measure.human_rights_education",
        "active, diverse civil society": "measure.civil_society",
        "pluralistic media": "measure.pluralistic_media",
        "mediation and preventive diplomacy": "measure.mediation",
        "accountability for perpetrators": "measure.accountability_past",
        "commemoration of past atrocities": "measure.commemoration",
        "fair and inclusive transitional justice": "measure.transitional_justice",
        "horizontal equality": "measure.horizontal_equality",
        "transparency": "measure.transparency",
        "reducing corruption": "measure.anti_corruption",
        "religious and cultural foundations": "measure.religious_cultural_foundations",
    },
    8: {
        "national focal point": "measure.focal_point",
        "coordination among government": "measure.interagency_coordination",
    },
    9: {
        "regional and sub-regional arrangements": "engagement.regional",
        "Universal Periodic Review": "engagement.upr",
        "Human Rights Council": "engagement.special_procedures",
        "Peacebuilding Commission": "engagement.peacebuilding_commission",
        "International Criminal Court": "engagement.icc_cooperation",
        "development aid": "engagement.development_aid",
    },
    10: {
        "pro-active, early action": "measure.early_action",
        "political will": "commitment.political_will",
    },
    11: {
        "Security Council action": "engagement.security_council",
        "ICC referral": "engagement.icc_referral",
        "veto restraint, code of conduct": "engagement.veto_restraint",
        "humanitarian assistance": "engagement.humanitarian_assistance",
        "asylum for refugees": "engagement.asylum",
    },
    12: {
        "continued General Assembly consideration": "engagement.general_assembly",
        "Pillar II assistance given": "engagement.pillar2_given",
        "Pillar II assistance received": "engagement.pillar2_received",
    },
}


# The coverage review of v2: what each paragraph from ¶ 2 to ¶ 10, and ¶ 12, names, and the v2
# question that asks about it, citing that paragraph with the summary's own phrase for who said
# it. ¶ 1 is procedural and ¶ 11 (the debate on Syria and the Security Council) is asked nothing.
# ¶ 12's call for the General Assembly to continue its consideration is asked nothing either: it
# is the Assembly's business, not a national measure.
COVERAGE_V2 = {
    2: {
        "national risk assessments": "measure.risk_assessment",
        "ratification of relevant legal instruments": "law.ratification",
        "immediate steps for national governments (summary)": "summary.judgement",
    },
    3: {
        "resilient, inclusive institutions": "measure.inclusive_institutions",
        "inclusive societies (a voice in decisions)": "measure.inclusive_decision_making",
        "transparent societies": "measure.transparency",
        "capacity to defuse tensions before they escalate": "measure.defuse_tensions",
        "seeing tensions before they escalate": "measure.early_warning",
        "detecting signs that a group is singled out": "measure.singling_out_detection",
        "valuing diversity": "measure.valuing_diversity",
        "learning from the past": "measure.learning_from_past",
    },
    4: {
        "no society immune": "commitment.no_society_immune",
        "primary responsibility of each State": "commitment.primary_responsibility",
        "anchored in IHL and IHRL": "measure.ihl_training",
        "anchored in international law": "measure.domestic_criminalisation",
    },
    5: {
        "socio-economic inequality": "risk.socioeconomic_inequality",
        "identity-based discrimination and marginalisation": "risk.identity_discrimination",
        "denial of rights and freedoms": "risk.denial_of_rights",
        "exclusion from decision-making": "risk.exclusion_decision_making",
        "a voice for all groups in decisions": "measure.inclusive_decision_making",
        "past history of atrocity crimes": "risk.past_mass_violence",
        "what of the past weighs today": "past.context",
        "international justice mechanisms": "context.justice_mechanisms",
        "lack of capacity, absence of protective institutions": "risk.prevention_capacity",
        "capacity to detect signs": "measure.singling_out_detection",
        "gender discrimination and inequality": "risk.gender_discrimination",
        "prevention tailored to SGBV": "measure.sgbv_prevention",
    },
    6: {
        "armed conflict": "risk.armed_conflict",
        "atrocity risk in peacetime too": "early.peacetime_risk",
        "deliberate targeting of specific groups": "risk.singling_out",
        "detecting the singling out of groups": "measure.singling_out_detection",
    },
    7: {
        "each State assesses which measures are most appropriate": "summary.judgement",
        "national human rights infrastructure": "measure.nhri",
        "framework of international human rights law": "measure.ihl_training",
        "good governance based on the rule of law": "measure.good_governance",
        "strengthening of the judiciary": "measure.judiciary",
        "security sector reform": "measure.security_sector_governance",
        "constitutional reform": "measure.constitutional_protection",
        "human rights education": "measure.human_rights_education",
        "active, diverse and robust civil society": "measure.civil_society",
        "pluralistic media": "measure.pluralistic_media",
        "mediation and preventive diplomacy": "measure.mediation",
        "accountability for perpetrators": "measure.accountability",
        "accountability in national criminal law": "measure.domestic_criminalisation",
        "commemoration of past atrocities": "measure.commemoration",
        "fair and inclusive transitional justice": "measure.transitional_justice",
        "horizontal equality": "measure.horizontal_equality",
        "transparency": "measure.transparency",
        "reducing corruption": "measure.anti_corruption",
        "religious and cultural foundations": "measure.religious_cultural_foundations",
        "civil society in the assessment": "focal.consultation",
    },
    8: {
        "national focal points": "measure.focal_point",
        "catalyse and coordinate action": "measure.interagency_coordination",
        "focal point able to catalyse action": "measure.focal_point_capacity",
        "initiatives led by a group of Member States": "focal.network",
        "who took part in the assessment": "focal.consultation",
    },
    9: {
        "regional and sub-regional arrangements": "context.regional",
        "Human Rights Council, Universal Periodic Review": "context.human_rights_mechanisms",
        "Peacebuilding Commission": "context.peacebuilding",
        "International Criminal Court": "context.justice_mechanisms",
        "development aid": "context.development_aid",
    },
    10: {
        "pro-active measures, early action": "measure.early_action",
        "warning of rapidly deteriorating situations": "measure.early_warning",
        "political will to act": "commitment.political_will",
        "political will behind the focal point": "measure.focal_point_capacity",
    },
    12: {
        "international assistance to national prevention": "engagement.assistance_needs",
        "Pillar II: helping States build capacity": "context.assistance_given",
    },
}

# v2's keys that v1 does not have, and v1's that v2 retired: neither is carried over.
NEW_IN_V2 = {
    "risk.past_mass_violence",
    "risk.singling_out",
    "law.ratification",
    "measure.security_sector_governance",
    "measure.constitutional_protection",
    "past.context",
    "measure.accountability",
    "measure.singling_out_detection",
    "context.regional",
    "context.human_rights_mechanisms",
    "context.justice_mechanisms",
    "context.peacebuilding",
    "context.development_aid",
    "context.assistance_given",
    "summary.judgement",
}
RETIRED_IN_V2 = {
    "risk.past_atrocities",
    "risk.sexual_gender_based_violence",
    "risk.targeting_of_groups",
    "measure.ratification",
    "measure.security_sector_reform",
    "measure.constitutional_reform",
    "past.history",
    "measure.accountability_past",
    "focal.priorities",
    "engagement.regional",
    "engagement.upr",
    "engagement.special_procedures",
    "engagement.peacebuilding_commission",
    "engagement.icc_cooperation",
    "engagement.development_aid",
    *PARAGRAPH_11_KEYS,
    "engagement.pillar2_given",
    "engagement.pillar2_received",
    "engagement.general_assembly",
}


@pytest.fixture(scope="module")
def v1():
    return get_instrument(V1)


@pytest.fixture(scope="module")
def v2():
    return get_instrument(V2)


def keys(instrument) -> set[str]:
    return {q.key for q in instrument.questions}


def shared_paragraphs(text: str) -> dict[int, str]:
    found = {}
    for block in re.split(r"\n\s*\n", text):
        match = re.match(r"\s*(\d+)\.\s+(.*)", block, re.DOTALL)
        if match:
            found[int(match.group(1))] = " ".join(match.group(2).split())
    return found


# --- The source document -----------------------------------------------------------------------


def test_source_paragraphs_match_the_shared_text(v2):
    if not SHARED_SOURCE.is_file():
        pytest.skip(f"{SHARED_SOURCE} is not in this checkout")
    expected = shared_paragraphs(SHARED_SOURCE.read_text(encoding="utf-8"))
    assert sorted(expected) == list(range(1, 13))
    assert dict(v2.source.paragraphs) == expected


def test_source_keeps_typographic_quotes(v2):
    assert "the “human cost” of State failure" in v2.paragraph(11)
    assert "a ‘code of conduct’ on the use of the veto" in v2.paragraph(11)
    assert '"State responsibility and prevention"' in v2.paragraph(1)


def test_source_metadata(v2):
    source = v2.source
    assert source.key == "presidents-summary-2013"
    assert source.date.isoformat() == "2013-09-11"
    assert source.place == "New York"
    assert source.report_symbol == "A/67/929-S/2013/399"
    assert source.report_title == "State responsibility and prevention"
    assert "Prevention and State Responsibility" in source.title
    with pytest.raises(TypeError):
        source.paragraphs[1] = "changed"  # type: ignore[index]


def test_both_versions_rest_on_the_same_source(v1, v2):
    assert v1.source == v2.source
    assert v1.source is v2.source  # read once for the folder


# --- Instrument v1: kept for the assessments that pinned it ------------------------------------


def test_v1_is_still_available_but_no_longer_current(v1):
    assert v1.version == V1
    assert v1.title == "National self-assessment of atrocity risk"
    assert available_versions() == (V1, V2)
    assert CURRENT_VERSION != V1


def test_v1_keeps_its_questions(v1):
    assert len(v1.questions) == 64
    assert [s.key for s in v1.sections] == [
        "risks",
        "rights",
        "governance",
        "past",
        "early",
        "coordination",
        "regional",
        "international",
    ]
    assert all(section.questions for section in v1.sections)
    assert keys(v1) >= RETIRED_IN_V2


def test_v1_keys_are_unique(v1):
    question_keys = [q.key for q in v1.questions]
    assert len(question_keys) == len(set(question_keys))
    sections = [s.key for s in v1.sections]
    assert len(sections) == len(set(sections))


def test_v1_cites_every_paragraph_from_2_to_12(v1):
    cited = {n for q in v1.questions for n in q.paragraphs}
    assert set(range(2, 13)) <= cited
    assert v1.cited_paragraphs == tuple(range(1, 13))


@pytest.mark.parametrize(
    ("paragraph", "concept", "key"),
    [(n, concept, key) for n, table in COVERAGE.items() for concept, key in table.items()],
)
def test_v1_asks_each_named_factor_and_measure(v1, paragraph, concept, key):
    assert paragraph in v1.question(key).paragraphs, concept


def test_v1_keeps_the_citations_v2_corrects(v1):
    assert v1.question("commitment.primary_responsibility").paragraphs == (1, 4)
    assert v1.question("measure.ihl_training").paragraphs == (4,)
    assert v1.question("measure.accountability_past").paragraphs == (5, 7)


def test_v1_says_nothing_of_basis_support_or_summary(v1):
    for question in v1.questions:
        assert (question.basis, question.other_source, question.support) == ("", "", ()), question
        assert question.sources == tuple((n, "") for n in question.paragraphs)
        assert question.provenance == ""
        assert (question.max_words, question.prompts) == (None, ())
    assert v1.summary_key == ""
    assert v1.summary_question is None
    assert v1.carry_over is None


def test_v1_regional_and_international_sections_are_context(v1):
    assert {s.key: s.context for s in v1.sections} == {
        "risks": False,
        "rights": False,
        "governance": False,
        "past": False,
        "early": False,
        "coordination": False,
        "regional": True,
        "international": True,
    }
    assert v1.is_context(v1.question("engagement.security_council"))
    assert not v1.is_context(v1.question("measure.judiciary"))


def test_v1_risks_and_measures_have_short_titles(v1):
    for question in v1.questions:
        if question.kind in (RISK, MEASURE):
            assert 0 < len(question.short) <= 60, question.key
            assert question.title == question.short
        else:
            assert question.short == "", question.key
            assert question.title == question.text
    assert v1.question("risk.targeting_of_groups").short == "Targeting of groups"
    assert v1.question("measure.constitutional_reform").short == "Constitutional reform"


def test_v1_question_text_and_help(v1):
    for question in v1.questions:
        assert question.paragraphs, question.key
        assert question.text.endswith("?"), question.key
        assert question.help, question.key


def test_v1_risks_are_mitigated_by_measures(v1):
    risks = [q for q in v1.questions if q.kind == RISK]
    assert len(risks) == 10
    for risk in risks:
        assert risk.mitigated_by, risk.key
        assert {v1.question(key).kind for key in risk.mitigated_by} == {MEASURE}


def test_v1_kinds_are_mixed(v1):
    kinds = [q.kind for q in v1.questions]
    assert kinds.count(TEXT) >= 2
    assert kinds.count(YES_NO) >= 5
    assert kinds.count(MEASURE) >= 25


def test_v1_answer_scales(v1):
    values = lambda key: v1.question(key).choice_values  # noqa: E731
    assert values("risk.armed_conflict") == RISK_SCALE
    assert values("risk.past_atrocities") == RISK_SCALE
    assert values("measure.judiciary") == MEASURE_SCALE
    assert values("measure.constitutional_reform") == (*MEASURE_SCALE, "na")
    assert values("focal.network") == ("yes", "no", "dont_know")
    assert values("focal.priorities") == ()
    question = v1.question("measure.constitutional_reform")
    assert str(question.label_for("partly")) == "Partly in place"
    assert str(question.label_for("na")) == "Not applicable"
    with pytest.raises(KeyError):
        question.label_for("maybe")
    with pytest.raises(KeyError):
        question.label_for("not_priority")  # format 2 only


def test_v1_risk_labels_speak_of_the_evidence(v1):
    labels = [str(c.label) for c in v1.question("risk.past_atrocities").choices]
    assert labels == [
        "Not observed (on the evidence available)",
        "Low",
        "Moderate",
        "High",
        "Don't know",
    ]


def test_v1_not_applicable_only_where_allowed(v1):
    for question in v1.questions:
        assert ("na" in question.choice_values) == question.allow_na, question.key
        assert "not_priority" not in question.choice_values, question.key
        if question.allow_na:
            assert question.kind == MEASURE
    allowed = {q.key for q in v1.questions if q.allow_na}
    assert allowed == {
        "measure.constitutional_reform",
        "engagement.icc_cooperation",
        "engagement.development_aid",
    }


def test_v1_lookups(v1):
    question = v1.question("risk.identity_discrimination")
    assert question.section_key == "risks"
    assert question in v1.section("risks").questions
    assert v1.questions[0] is v1.sections[0].questions[0]
    with pytest.raises(KeyError):
        v1.question("risk.nothing")
    with pytest.raises(KeyError):
        v1.section("nothing")
    assert hash(v1) == hash(load_instrument(V1_FILE))


# --- v1 skip logic -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", PAST_ATROCITY_QUESTIONS)
@pytest.mark.parametrize(
    ("answer", "visible"),
    [(None, False), ("not_present", False), ("dont_know", False), ("low", True), ("high", True)],
)
def test_v1_past_atrocity_questions_follow_the_reported_history(v1, key, answer, visible):
    answers = {} if answer is None else {"risk.past_atrocities": answer}
    assert v1.is_visible(key, answers) is visible
    assert v1.is_visible(v1.question(key), answers) is visible


def test_v1_questions_without_show_if_are_always_visible(v1):
    assert v1.is_visible("measure.learning_from_past", {})
    hidden = keys(v1) - {q.key for q in v1.visible_questions({})}
    assert hidden == set(PAST_ATROCITY_QUESTIONS)


# --- Instrument v2 -----------------------------------------------------------------------------


def test_v2_is_the_current_version(v2):
    assert CURRENT_VERSION == V2
    assert v2.version == V2
    assert v2.title == "National self-assessment of atrocity risk"
    assert get_instrument(CURRENT_VERSION) is v2


def test_v2_size_and_sections(v2):
    assert len(v2.questions) == 56
    assert [s.key for s in v2.sections] == [
        "risks",
        "rights",
        "governance",
        "past",
        "early",
        "coordination",
        "context",
        "summary",
    ]
    assert all(section.questions for section in v2.sections)
    question_keys = [q.key for q in v2.questions]
    assert len(question_keys) == len(set(question_keys))


def test_v2_new_and_retired_keys(v1, v2):
    assert keys(v2) - keys(v1) == NEW_IN_V2
    assert keys(v1) - keys(v2) == RETIRED_IN_V2


@pytest.mark.parametrize(
    ("paragraph", "concept", "key"),
    [(n, concept, key) for n, table in COVERAGE_V2.items() for concept, key in table.items()],
)
def test_v2_asks_each_named_factor_and_measure(v2, paragraph, concept, key):
    question = v2.question(key)
    assert paragraph in question.paragraphs, concept
    phrase = question.phrase_for(paragraph)
    assert phrase and phrase in v2.paragraph(paragraph), concept


def test_v2_coverage_review_spans_paragraphs_2_to_10_and_12(v2):
    assert sorted(COVERAGE_V2) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 12]
    cited = {n for q in v2.questions for n in q.paragraphs}
    assert cited == set(COVERAGE_V2)
    assert v2.cited_paragraphs == (2, 3, 4, 5, 6, 7, 8, 9, 10, 12)
    # Every question that cites a paragraph is in the review of that paragraph, so a question
    # added later must be reviewed too.
    for question in v2.questions:
        for n in question.paragraphs:
            assert question.key in COVERAGE_V2[n].values(), (question.key, n)


def test_v2_asks_nothing_from_paragraph_11(v2):
    for section in v2.sections:
        assert 11 not in section.paragraphs, section.key
    for question in v2.questions:
        assert 11 not in question.paragraphs, question.key
        assert 11 not in dict(question.support), question.key
    assert 11 not in v2.cited_paragraphs


@pytest.mark.parametrize("key", PARAGRAPH_11_KEYS)
def test_v2_drops_the_paragraph_11_questions(v2, key):
    with pytest.raises(KeyError):
        v2.question(key)
    assert key not in v2.keys_from(V1)


def test_v2_every_question_has_a_basis_and_the_summarys_phrase(v2):
    for question in v2.questions:
        assert question.basis in BASES, question.key
        assert [n for n, _ in question.support] == sorted(question.paragraphs), question.key
        for n, phrase in question.sources:
            # Verbatim, case and punctuation included: the summary's own words.
            assert phrase, (question.key, n)
            assert phrase in v2.paragraph(n), (question.key, n, phrase)
        if question.basis == BEYOND:
            assert question.other_source, question.key
        if question.basis == STATED:
            assert question.other_source == "", question.key
        assert question.provenance.startswith(
            {STATED: "Stated in", DERIVED: "Derived from", BEYOND: "Beyond"}[question.basis]
        ), question.key


def test_v2_question_text_and_help(v2):
    for question in v2.questions:
        assert question.text.endswith("?"), question.key
        assert question.help, question.key


def test_v2_risks_and_measures_have_short_titles(v2):
    for question in v2.questions:
        if question.kind in (RISK, MEASURE):
            assert question.short, question.key
            assert len(question.short) <= 60, question.key
            assert question.title == question.short


def test_v2_risks_are_mitigated_by_measures(v2):
    risks = [q for q in v2.questions if q.kind == RISK]
    assert [r.key for r in risks] == [
        "risk.socioeconomic_inequality",
        "risk.identity_discrimination",
        "risk.denial_of_rights",
        "risk.exclusion_decision_making",
        "risk.past_mass_violence",
        "risk.prevention_capacity",
        "risk.gender_discrimination",
        "risk.armed_conflict",
        "risk.singling_out",
    ]
    for risk in risks:
        assert risk.mitigated_by, risk.key
        assert {v2.question(key).kind for key in risk.mitigated_by} == {MEASURE}


def test_v2_every_measure_may_be_not_a_priority_and_none_not_applicable(v2):
    measures = [q for q in v2.questions if q.kind == MEASURE]
    assert len(measures) >= 25
    for question in measures:
        assert question.choice_values == MEASURE_SCALE_V2, question.key
        assert str(question.label_for("not_priority")) == "Not a priority here"
    for question in v2.questions:
        assert "na" not in question.choice_values, question.key
        assert not question.allow_na, question.key


def test_v2_risk_scale(v2):
    for question in v2.questions:
        if question.kind == RISK:
            assert question.choice_values == RISK_SCALE, question.key
    armed = v2.question("risk.armed_conflict")
    assert str(armed.label_for("not_present")) == "Not observed (on the evidence available)"


def test_v2_context_section_holds_no_risk_or_measure(v2):
    context = v2.section("context")
    assert context.context
    assert [s.key for s in v2.sections if s.context] == ["context"]
    assert {q.kind for q in context.questions} == {TEXT}
    assert all(v2.is_context(q) for q in context.questions)
    for question in v2.questions:
        if question.kind in (RISK, MEASURE):
            assert not v2.is_context(question), question.key


def test_v2_summary_question(v2):
    assert v2.summary_key == "summary.judgement"
    summary = v2.summary_question
    assert summary is v2.question("summary.judgement")
    assert summary.kind == TEXT
    assert summary.max_words == 300
    assert summary.prompts == (
        "Your overall judgement of atrocity risk and prevention.",
        "The main risk factors, and where information is missing.",
        "The measures your State has chosen, and who leads them.",
        "Who was consulted, such as the national human rights institution and civil society.",
        "Any international assistance sought.",
    )
    assert summary.show_if is None
    assert not v2.is_context(summary)


# --- v2: the corrections the issue asks for -----------------------------------------------------


def test_v2_primary_responsibility_cites_paragraph_4_only(v2):
    question = v2.question("commitment.primary_responsibility")
    assert question.paragraphs == (4,)
    assert question.basis == STATED
    assert question.sources == ((4, "They emphasized"),)


def test_v2_ihl_training_cites_paragraphs_4_and_7_as_derived(v2):
    question = v2.question("measure.ihl_training")
    assert question.paragraphs == (4, 7)
    assert question.basis == DERIVED
    assert question.sources == (
        (4, "Many speakers acknowledged"),
        (7, "they overwhelmingly stressed"),
    )


def test_v2_early_warning_is_derived_and_names_the_report(v2):
    question = v2.question("measure.early_warning")
    assert question.basis == DERIVED
    assert "A/67/929" in question.other_source
    assert question.provenance == (
        "Derived from the summary; other source: "
        "A/67/929, the Secretary-General's 2013 report (the term early warning)"
    )


def test_v2_retires_the_crime_and_conduct_questions(v1, v2):
    carried = v2.keys_from(V1)
    for key in ("risk.sexual_gender_based_violence", "risk.targeting_of_groups"):
        assert key in keys(v1)
        assert key not in keys(v2)
        assert key not in carried
        assert key not in carried.values()
    # ¶ 5's "prevention efforts tailored to this risk" stays, with its meaning and answers.
    sgbv = v2.question("measure.sgbv_prevention")
    assert sgbv.kind == MEASURE
    assert sgbv.sources == ((5, "They therefore called for"),)
    assert carried["measure.sgbv_prevention"] == "measure.sgbv_prevention"
    assert "measure.sgbv_prevention" in v2.question("risk.gender_discrimination").mitigated_by


def test_v2_asks_whether_any_group_is_singled_out(v2):
    risk = v2.question("risk.singling_out")
    assert risk.text == (
        "Are there signs that any group, community or population is being singled out, "
        "by any actor, State or non-State?"
    )
    assert risk.paragraphs == (6,)
    assert "Framework of Analysis" in risk.other_source
    assert "measure.singling_out_detection" in risk.mitigated_by
    detection = v2.question("measure.singling_out_detection")
    assert detection.kind == MEASURE
    assert {3, 5} <= set(detection.paragraphs)


def test_v2_past_mass_violence_needs_no_legal_label(v2):
    risk = v2.question("risk.past_mass_violence")
    assert risk.choice_values == RISK_SCALE
    assert str(risk.choices[0].label) == "None recorded"
    assert str(risk.label_for("not_present")) == "None recorded"
    assert "however characterised" in risk.text
    assert "atrocit" not in risk.text
    with pytest.raises(KeyError):
        v2.question("risk.past_atrocities")


@pytest.mark.parametrize("answer", [None, "not_present", "dont_know", "low", "high"])
def test_v2_accountability_is_always_asked(v2, answer):
    question = v2.question("measure.accountability")
    assert question.show_if is None
    answers = {} if answer is None else {"risk.past_mass_violence": answer}
    assert v2.is_visible(question, answers)
    assert "measure.accountability" in v2.question("risk.past_mass_violence").mitigated_by


@pytest.mark.parametrize(
    ("answer", "visible"),
    [(None, False), ("not_present", False), ("dont_know", False), ("low", True), ("high", True)],
)
def test_v2_past_questions_follow_the_recorded_history(v2, answer, visible):
    answers = {} if answer is None else {"risk.past_mass_violence": answer}
    for key in ("past.context", "measure.commemoration", "measure.transitional_justice"):
        assert v2.is_visible(key, answers) is visible, key
    hidden = keys(v2) - {q.key for q in v2.visible_questions({})}
    assert hidden == {"past.context", "measure.commemoration", "measure.transitional_justice"}


def test_v2_lookups(v2):
    assert v2.question("law.ratification").kind == TEXT  # listed, never graded
    assert v2.question("law.ratification").choice_values == ()
    assert hash(v2) == hash(load_instrument(V2_FILE))
    assert load_instrument(V2_FILE) == v2


# --- Carrying answers over from v1 -------------------------------------------------------------


def test_v2_carries_over_only_the_declared_keys(v1, v2):
    assert v2.carry_over is not None
    assert v2.carry_over.from_version == V1
    carried = v2.keys_from(V1)
    assert carried == dict(v2.carry_over.pairs)
    assert len(carried) == 41
    # Nothing renamed: each carried question keeps its key, and every key the two versions
    # share is carried (a key never changes meaning).
    assert all(old == new for old, new in carried.items())
    assert set(carried) == keys(v1) & keys(v2)
    assert set(carried).isdisjoint(NEW_IN_V2 | RETIRED_IN_V2)


def test_v2_carried_questions_keep_their_kind(v1, v2):
    for old, new in v2.keys_from(V1).items():
        assert v1.question(old).kind == v2.question(new).kind, (old, new)


def test_keys_from_the_same_version_is_every_key(v1, v2):
    assert v2.keys_from(V2) == {key: key for key in keys(v2)}
    assert v1.keys_from(V1) == {key: key for key in keys(v1)}


def test_keys_from_any_other_version_is_empty(v1, v2):
    assert v2.keys_from("2013-summary/v9") == {}
    assert v2.keys_from("") == {}
    assert v1.keys_from(V2) == {}  # nothing is carried backwards


# --- A further version -------------------------------------------------------------------------


@pytest.fixture
def three_versions(tmp_path):
    for path in INSTRUMENTS_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path)
    shutil.copy(FIXTURES / "2013-summary-v2-fixture.toml", tmp_path)
    return tmp_path


def test_a_further_version_loads_beside_the_shipped_ones(three_versions, settings):
    instruments = load_instruments(three_versions)
    assert set(instruments) == {V1, V2, "2013-summary/v2-fixture"}
    settings.R2P_INSTRUMENTS_DIR = three_versions
    assert available_versions() == (V1, V2, "2013-summary/v2-fixture")
    v1, fixture = get_instrument(V1), get_instrument("2013-summary/v2-fixture")
    assert len(v1.questions) == 64 and len(fixture.questions) == 4
    assert fixture.source == v1.source
    assert fixture.section("past").intro == (
        "Asked only when a past history of atrocity crimes weighs on the risk today."
    )
    # A format 1 file declares no carry-over: nothing follows it from another version.
    assert fixture.keys_from(V1) == {}


def test_an_unknown_version_names_the_available_ones():
    with pytest.raises(KeyError) as error:
        get_instrument("2013-summary/v9")
    assert str(error.value) == (
        "no instrument has version '2013-summary/v9' (available: 2013-summary/v1, 2013-summary/v2)"
    )


def test_a_question_behind_a_hidden_question_is_hidden(three_versions):
    fixture = load_instruments(three_versions)["2013-summary/v2-fixture"]
    shown = {"risk.past_atrocities": "high", "measure.accountability_past": "fully"}
    assert fixture.is_visible("past.trials", shown)
    assert not fixture.is_visible(
        "past.trials", {**shown, "measure.accountability_past": "planned"}
    )
    # The stale answer to a question now hidden does not keep its follow-up visible.
    assert not fixture.is_visible("past.trials", {**shown, "risk.past_atrocities": "low"})


def test_load_instrument_reads_one_file():
    assert load_instrument(V1_FILE) == get_instrument(V1)
    assert load_instrument(V2_FILE) == get_instrument(V2)


# --- Broken files ------------------------------------------------------------------------------

MINI_SOURCE = """\
key = "mini"
title = "Mini source"
date = "2013-09-11"
place = "New York"
report_symbol = "A/1"
report_title = "Mini"

[paragraphs]
1 = "One."
2 = "Two."
3 = "Three."
"""

MINI = """\
version = "mini/v1"
title = "Mini instrument"
source = "mini"

[[sections]]
key = "risks"
title = "Risks"
intro = "Rate each risk."
paragraphs = [1]

[[sections.questions]]
key = "risk.conflict"
kind = "risk"
text = "How high is the risk of conflict?"
help = "Cite the evidence."
paragraphs = [1]
mitigated_by = ["measure.mediation"]

[[sections.questions]]
key = "risk.past"
kind = "risk"
text = "How much does the past weigh?"
help = "Cite findings."
paragraphs = [2]
mitigated_by = ["measure.justice"]

[[sections]]
key = "measures"
title = "Measures"
intro = "Rate each measure."
paragraphs = [2, 3]

[[sections.questions]]
key = "measure.mediation"
kind = "measure"
text = "Is there mediation?"
help = "Cite cases."
paragraphs = [2]

[[sections.questions]]
key = "measure.justice"
kind = "measure"
text = "Is there justice for the past?"
help = "Cite cases."
paragraphs = [3]
allow_na = true
show_if = { question = "risk.past", values = ["high"] }

[[sections.questions]]
key = "note.summary"
kind = "text"
text = "What are the priorities?"
help = "Name three."
paragraphs = [3]
"""

MEDIATION = 'text = "Is there mediation?"'
BROKEN = [
    # (case, file, text to replace, replacement, expected message)
    (
        "not TOML",
        "mini-v1",
        'title = "Mini instrument"',
        "title = ",
        "mini-v1.toml: not valid TOML",
    ),
    (
        "missing field",
        "mini-v1",
        'title = "Mini instrument"\n',
        "",
        "mini-v1.toml: missing required field 'title'",
    ),
    (
        "wrong type",
        "mini-v1",
        'help = "Cite the evidence."',
        "help = 3",
        "mini-v1.toml: question 'risk.conflict': 'help' must be of type string, not integer",
    ),
    (
        "empty text",
        "mini-v1",
        'text = "How high is the risk of conflict?"',
        'text = """\n  \n"""',
        "mini-v1.toml: question 'risk.conflict': 'text' is empty",
    ),
    (
        "empty section title",
        "mini-v1",
        'title = "Risks"',
        'title = ""',
        "mini-v1.toml: section 'risks': 'title' is empty",
    ),
    (
        "unknown kind",
        "mini-v1",
        'kind = "text"',
        'kind = "essay"',
        "mini-v1.toml: question 'note.summary': unknown kind 'essay'",
    ),
    (
        "key not dotted",
        "mini-v1",
        'key = "note.summary"',
        'key = "summary"',
        "mini-v1.toml: question 'summary': key 'summary' is not dotted",
    ),
    (
        "question without a key",
        "mini-v1",
        'key = "note.summary"\n',
        "",
        "mini-v1.toml: question 3 of section 'measures': missing required field 'key'",
    ),
    (
        "section without a key",
        "mini-v1",
        'key = "measures"\n',
        "",
        "mini-v1.toml: section 2: missing required field 'key'",
    ),
    (
        "duplicate question key",
        "mini-v1",
        'key = "note.summary"',
        'key = "risk.conflict"',
        "mini-v1.toml: question 'risk.conflict': duplicate question key (also in 'risks')",
    ),
    (
        "duplicate section key",
        "mini-v1",
        'key = "measures"',
        'key = "risks"',
        "mini-v1.toml: section 'risks': duplicate section key",
    ),
    (
        "paragraph not in source",
        "mini-v1",
        "paragraphs = [3]\nallow_na",
        "paragraphs = [3, 13]\nallow_na",
        "mini-v1.toml: question 'measure.justice': paragraph 13 is not in source 'mini'",
    ),
    (
        "paragraph not a number",
        "mini-v1",
        "paragraphs = [3]\nallow_na",
        'paragraphs = ["3"]\nallow_na',
        "question 'measure.justice': each item of 'paragraphs' must be of type integer, not string",
    ),
    (
        "no paragraphs",
        "mini-v1",
        'help = "Cite findings."\nparagraphs = [2]',
        'help = "Cite findings."\nparagraphs = []',
        "mini-v1.toml: question 'risk.past': 'paragraphs' is empty",
    ),
    (
        "section without paragraphs",
        "mini-v1",
        "paragraphs = [2, 3]",
        "paragraphs = []",
        "mini-v1.toml: section 'measures': 'paragraphs' is empty",
    ),
    (
        "mitigated_by names an unknown question",
        "mini-v1",
        'mitigated_by = ["measure.mediation"]',
        'mitigated_by = ["measure.y"]',
        "mini-v1.toml: question 'risk.conflict': mitigated_by names unknown question 'measure.y'",
    ),
    (
        "mitigated_by names a risk",
        "mini-v1",
        'mitigated_by = ["measure.mediation"]',
        'mitigated_by = ["risk.past"]',
        "question 'risk.conflict': mitigated_by names 'risk.past', a risk question, not a measure",
    ),
    (
        "risk without mitigated_by",
        "mini-v1",
        'mitigated_by = ["measure.mediation"]\n',
        "",
        "mini-v1.toml: question 'risk.conflict': a risk question needs mitigated_by",
    ),
    (
        "risk with empty mitigated_by",
        "mini-v1",
        'mitigated_by = ["measure.mediation"]',
        "mitigated_by = []",
        "mini-v1.toml: question 'risk.conflict': 'mitigated_by' is empty",
    ),
    (
        "mitigated_by on a measure",
        "mini-v1",
        MEDIATION,
        MEDIATION + '\nmitigated_by = ["measure.justice"]',
        "question 'measure.mediation': mitigated_by is only for risk questions, not measure",
    ),
    (
        "show_if on an unknown question",
        "mini-v1",
        'question = "risk.past"',
        'question = "risk.pasts"',
        "question 'measure.justice': show_if refers to unknown question 'risk.pasts'",
    ),
    (
        "show_if value not a choice",
        "mini-v1",
        'values = ["high"]',
        'values = ["high", "severe"]',
        "question 'measure.justice': show_if value 'severe' is not a choice of 'risk.past'",
    ),
    (
        "show_if on itself",
        "mini-v1",
        'question = "risk.past"',
        'question = "measure.justice"',
        "mini-v1.toml: question 'measure.justice': show_if refers to the question itself",
    ),
    (
        "show_if on a later question",
        "mini-v1",
        MEDIATION,
        MEDIATION + '\nshow_if = { question = "measure.justice", values = ["fully"] }',
        "question 'measure.mediation': show_if refers to 'measure.justice', which comes later",
    ),
    (
        "show_if without values",
        "mini-v1",
        'values = ["high"]',
        "values = []",
        "mini-v1.toml: question 'measure.justice': show_if: 'values' is empty",
    ),
    (
        "show_if field misspelt",
        "mini-v1",
        'values = ["high"]',
        'value = ["high"]',
        "mini-v1.toml: question 'measure.justice': show_if: unknown field 'value'",
    ),
    (
        "allow_na on a risk",
        "mini-v1",
        'mitigated_by = ["measure.mediation"]',
        'mitigated_by = ["measure.mediation"]\nallow_na = true',
        "mini-v1.toml: question 'risk.conflict': allow_na is only for measure questions, not risk",
    ),
    (
        "allow_na not a boolean",
        "mini-v1",
        "allow_na = true",
        'allow_na = "yes"',
        "question 'measure.justice': 'allow_na' must be of type boolean, not string",
    ),
    (
        "question field misspelt",
        "mini-v1",
        "paragraphs = [3]\nallow_na",
        "paragraph = [3]\nallow_na",
        "mini-v1.toml: question 'measure.justice': unknown field 'paragraph'",
    ),
    (
        "top-level field misspelt",
        "mini-v1",
        'source = "mini"',
        'source = "mini"\nsections_order = []',
        "mini-v1.toml: unknown field 'sections_order'",
    ),
    (
        "source file missing",
        "mini-v1",
        'source = "mini"',
        'source = "maxi"',
        "mini-v1.toml: source: 'maxi' has no file maxi.toml beside it",
    ),
    (
        "source without a field",
        "mini",
        'place = "New York"\n',
        "",
        "mini.toml: missing required field 'place'",
    ),
    (
        "source key not its file name",
        "mini",
        'key = "mini"',
        'key = "midi"',
        "mini.toml: key 'midi' does not match the file name (expected 'mini')",
    ),
    ("source date", "mini", "2013-09-11", "2013-13-45", "mini.toml: date '2013-13-45' is not"),
    (
        "source paragraphs with a gap",
        "mini",
        '3 = "Three."',
        '4 = "Three."',
        "mini.toml: paragraphs: must be numbered 1, 2, 3",
    ),
    (
        "source paragraph empty",
        "mini",
        '2 = "Two."',
        '2 = ""',
        "mini.toml: paragraph 2: '2' is empty",
    ),
]


def write_mini(directory: Path, instrument: str = MINI, source: str = MINI_SOURCE) -> Path:
    (directory / "mini.toml").write_text(source, encoding="utf-8")
    (directory / "mini-v1.toml").write_text(instrument, encoding="utf-8")
    return directory


def test_the_mini_instrument_is_valid(tmp_path):
    mini = load_instruments(write_mini(tmp_path))["mini/v1"]
    assert [q.key for q in mini.questions][:2] == ["risk.conflict", "risk.past"]
    assert mini.question("measure.justice").choice_values[-1] == "na"


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_a_broken_file_is_rejected_with_its_own_message(tmp_path, file, old, new, message):
    texts = {"mini-v1": MINI, "mini": MINI_SOURCE}
    assert old in texts[file], "the case no longer matches the mini instrument"
    texts[file] = texts[file].replace(old, new, 1)
    write_mini(tmp_path, texts["mini-v1"], texts["mini"])
    with pytest.raises(InstrumentError) as error:
        load_instruments(tmp_path)
    assert message in str(error.value)


def test_each_broken_case_has_a_message_of_its_own():
    messages = [case[-1] for case in BROKEN]
    assert len(messages) == len(set(messages))


def test_a_version_in_two_files_is_rejected(tmp_path):
    write_mini(tmp_path)
    (tmp_path / "mini-v1-copy.toml").write_text(MINI, encoding="utf-8")
    with pytest.raises(InstrumentError) as error:
        load_instruments(tmp_path)
    assert str(error.value) == "mini-v1.toml: version 'mini/v1' is also in mini-v1-copy.toml"


def test_a_file_that_is_neither_instrument_nor_source_is_rejected(tmp_path):
    write_mini(tmp_path)
    (tmp_path / "mini-v2.toml").write_text(MINI.replace("version =", "verison ="))
    with pytest.raises(InstrumentError) as error:
        load_instruments(tmp_path)
    assert str(error.value).startswith("mini-v2.toml: no 'version'")


# --- Broken files, format 2 --------------------------------------------------------------------
# A second edition of the mini instrument, in format 2, on a source of its own. It carries
# questions over from mini/v1 (above), which is written beside it.

MINI2_SOURCE = """\
key = "mini2"
title = "Mini source, second edition"
date = "2013-09-11"
place = "New York"
report_symbol = "A/2"
report_title = "Mini 2"

[paragraphs]
1 = "Speakers stressed the risk of conflict."
2 = "Several States noted that the past weighs on the present."
3 = "Participants also referred to mediation and to justice."
4 = "Others called on the Council to act."
"""

MINI2 = """\
format = 2
version = "mini/v2"
title = "Mini instrument, second edition"
source = "mini2"
summary = "note.judgement"
excluded_paragraphs = [4]

[carry_over]
from = "mini/v1"
questions = ["risk.conflict", "measure.mediation"]
renamed = { "note.summary" = "note.judgement" }

[[sections]]
key = "risks"
title = "Risks"
intro = "Rate each risk."
paragraphs = [1, 2]

[[sections.questions]]
key = "risk.conflict"
kind = "risk"
short = "Conflict"
text = "How high is the risk of conflict?"
help = "Cite the evidence."
paragraphs = [1]
basis = "stated"
support = { 1 = "Speakers stressed" }
mitigated_by = ["measure.mediation"]

[[sections.questions]]
key = "risk.legacy"
kind = "risk"
short = "Legacy of the past"
scale = "history"
text = "How much does the past weigh today?"
help = "Cite findings."
paragraphs = [2]
basis = "derived"
support = { 2 = "Several States noted" }
mitigated_by = ["measure.mediation"]

[[sections]]
key = "measures"
title = "Measures"
intro = "Rate each measure."
paragraphs = [3]

[[sections.questions]]
key = "measure.mediation"
kind = "measure"
short = "Mediation"
text = "Is there mediation?"
help = "Cite cases."
paragraphs = [3]
basis = "beyond"
other_source = "A/67/929"
support = { 3 = "Participants also referred to" }

[[sections]]
key = "context"
context = true
title = "Context"
intro = "Optional."
paragraphs = [3]

[[sections.questions]]
key = "context.justice"
kind = "text"
text = "As applicable, how does your State work with justice mechanisms?"
help = "Cite the agreements."
paragraphs = [3]
basis = "stated"
support = { 3 = "Participants also referred to" }

[[sections]]
key = "summary"
title = "Your summary"
intro = "The focal point's summary."
paragraphs = [1, 2]

[[sections.questions]]
key = "note.judgement"
kind = "text"
text = "What is your overall judgement?"
help = "In your own words."
paragraphs = [1, 2]
basis = "derived"
support = { 1 = "Speakers stressed", 2 = "Several States noted" }
max_words = 300
prompts = ["The main risks.", "The measures chosen."]
"""

CONFLICT_SUPPORT = '{ 1 = "Speakers stressed" }'
CONFLICT_CITES = 'paragraphs = [1]\nbasis = "stated"'
CARRIED = 'questions = ["risk.conflict", "measure.mediation"]'
RENAMED = 'renamed = { "note.summary" = "note.judgement"'
SUMMARY = 'summary = "note.judgement"'
BROKEN_V2 = [
    # (case, file, text to replace, replacement, expected message)
    ("unknown format", "mini-v2", "format = 2", "format = 3", "mini-v2.toml: unknown format 3"),
    (
        "question without basis",
        "mini-v2",
        'basis = "stated"\n',
        "",
        "mini-v2.toml: question 'risk.conflict': missing required field 'basis' (format 2)",
    ),
    (
        "unknown basis",
        "mini-v2",
        'basis = "stated"',
        'basis = "said"',
        "question 'risk.conflict': unknown basis 'said' (expected one of stated, derived, beyond)",
    ),
    (
        "beyond without other_source",
        "mini-v2",
        'other_source = "A/67/929"\n',
        "",
        "question 'measure.mediation': a question beyond the summary names its other_source",
    ),
    (
        "other_source on a stated question",
        "mini-v2",
        'basis = "stated"\n',
        'basis = "stated"\nother_source = "A/67/929"\n',
        "question 'risk.conflict': other_source is for a derived or beyond question",
    ),
    (
        "question without support",
        "mini-v2",
        f"support = {CONFLICT_SUPPORT}\n",
        "",
        "mini-v2.toml: question 'risk.conflict': missing required field 'support' (format 2)",
    ),
    (
        "support phrase not in its paragraph",
        "mini-v2",
        CONFLICT_SUPPORT,
        '{ 1 = "Speakers insisted" }',
        "question 'risk.conflict': support phrase 'Speakers insisted' is not in ¶ 1",
    ),
    (
        "support phrase in another case",
        "mini-v2",
        CONFLICT_SUPPORT,
        '{ 1 = "speakers stressed" }',
        "question 'risk.conflict': support phrase 'speakers stressed' is not in ¶ 1",
    ),
    (
        "support phrase from another paragraph",
        "mini-v2",
        '{ 2 = "Several States noted" }',
        '{ 2 = "Speakers stressed" }',
        "question 'risk.legacy': support phrase 'Speakers stressed' is not in ¶ 2",
    ),
    (
        "support for a paragraph the question does not cite",
        "mini-v2",
        CONFLICT_SUPPORT,
        '{ 1 = "Speakers stressed", 3 = "Participants also referred to" }',
        "question 'risk.conflict': support names ¶ 3, which the question does not cite",
    ),
    (
        "cited paragraph without a phrase",
        "mini-v2",
        CONFLICT_CITES,
        CONFLICT_CITES.replace("[1]", "[1, 2]"),
        "question 'risk.conflict': support gives no phrase for ¶ 2, which it cites",
    ),
    (
        "risk without short",
        "mini-v2",
        'short = "Conflict"\n',
        "",
        "mini-v2.toml: question 'risk.conflict': missing required field 'short' (format 2)",
    ),
    (
        "measure without short",
        "mini-v2",
        'short = "Mediation"\n',
        "",
        "mini-v2.toml: question 'measure.mediation': missing required field 'short' (format 2)",
    ),
    (
        "short over 60 characters",
        "mini-v2",
        'short = "Conflict"',
        f'short = "{"C" * 61}"',
        "mini-v2.toml: question 'risk.conflict': 'short' has 61 characters (at most 60)",
    ),
    (
        "question cites an excluded paragraph",
        "mini-v2",
        CONFLICT_CITES,
        CONFLICT_CITES.replace("[1]", "[1, 4]"),
        "mini-v2.toml: question 'risk.conflict': cites ¶ 4, which this instrument excludes",
    ),
    (
        "section cites an excluded paragraph",
        "mini-v2",
        "paragraphs = [1, 2]",
        "paragraphs = [1, 2, 4]",
        "mini-v2.toml: section 'risks': cites ¶ 4, which this instrument excludes",
    ),
    (
        "allow_na in format 2",
        "mini-v2",
        'short = "Mediation"',
        'short = "Mediation"\nallow_na = true',
        "question 'measure.mediation': allow_na is not in format 2: every measure may be not a",
    ),
    (
        "unknown scale",
        "mini-v2",
        'scale = "history"',
        'scale = "legacy"',
        "mini-v2.toml: question 'risk.legacy': unknown scale 'legacy' for a risk question",
    ),
    (
        "risk in a context section",
        "mini-v2",
        'key = "risks"\n',
        'key = "risks"\ncontext = true\n',
        "question 'risk.conflict': a risk question cannot be in a context section",
    ),
    (
        "summary missing",
        "mini-v2",
        SUMMARY + "\n",
        "",
        "mini-v2.toml: missing required field 'summary' (format 2)",
    ),
    (
        "summary names an unknown question",
        "mini-v2",
        SUMMARY,
        'summary = "note.verdict"',
        "mini-v2.toml: summary: 'note.verdict' is not a text question of this instrument",
    ),
    (
        "summary names a risk question",
        "mini-v2",
        SUMMARY,
        'summary = "risk.conflict"',
        "mini-v2.toml: summary: 'risk.conflict' is not a text question of this instrument",
    ),
    (
        "summary in a context section",
        "mini-v2",
        SUMMARY,
        'summary = "context.justice"',
        "mini-v2.toml: summary: 'context.justice' is in a context section, which is optional",
    ),
    (
        "max_words on a risk",
        "mini-v2",
        'short = "Conflict"',
        'short = "Conflict"\nmax_words = 50',
        "question 'risk.conflict': max_words is only for text questions, not risk",
    ),
    (
        "prompts on a measure",
        "mini-v2",
        'short = "Mediation"',
        'short = "Mediation"\nprompts = ["Who leads it?"]',
        "question 'measure.mediation': prompts is only for text questions, not measure",
    ),
    (
        "max_words below 1",
        "mini-v2",
        "max_words = 300",
        "max_words = 0",
        "mini-v2.toml: question 'note.judgement': 'max_words' must be at least 1",
    ),
    (
        "carry_over from an unknown version",
        "mini-v2",
        'from = "mini/v1"',
        'from = "mini/v0"',
        "mini-v2.toml: carry_over: from 'mini/v0': no instrument has that version",
    ),
    (
        "carried key missing in the earlier version",
        "mini-v2",
        CARRIED,
        CARRIED.replace("]", ', "risk.legacy"]'),
        "mini-v2.toml: carry_over: 'risk.legacy' is not a question of 'mini/v1'",
    ),
    (
        "carried key missing in this version",
        "mini-v2",
        CARRIED,
        CARRIED.replace("]", ', "risk.past"]'),
        "mini-v2.toml: carry_over: 'risk.past' is not a question of this instrument",
    ),
    (
        "renamed to a key missing in this version",
        "mini-v2",
        RENAMED,
        'renamed = { "note.summary" = "note.verdict"',
        "mini-v2.toml: carry_over: 'note.verdict' is not a question of this instrument",
    ),
    (
        "carried across kinds",
        "mini-v2",
        RENAMED,
        RENAMED + ', "measure.justice" = "risk.legacy"',
        "mini-v2.toml: carry_over: 'measure.justice' is a measure question, 'risk.legacy' a risk",
    ),
    (
        "carried from two questions",
        "mini-v2",
        RENAMED,
        RENAMED + ', "risk.past" = "risk.conflict"',
        "mini-v2.toml: carry_over: 'risk.conflict' is carried from two questions",
    ),
    (
        "carried key listed twice",
        "mini-v2",
        CARRIED,
        CARRIED.replace("]", ', "risk.conflict"]'),
        "mini-v2.toml: carry_over: 'questions' lists 'risk.conflict' twice",
    ),
    (
        "shared key not carried",
        "mini-v2",
        CARRIED,
        'questions = ["risk.conflict"]',
        "mini-v2.toml: carry_over: 'measure.mediation' is also a question of 'mini/v1' but is "
        "not carried",
    ),
    (
        "carry_over field misspelt",
        "mini-v2",
        'from = "mini/v1"',
        'form = "mini/v1"',
        "mini-v2.toml: carry_over: unknown field 'form'",
    ),
]


def write_minis(directory: Path, texts: dict[str, str] | None = None) -> Path:
    """Both editions of the mini instrument and their sources, as `texts` gives them."""
    texts = {"mini-v1": MINI, "mini": MINI_SOURCE, "mini-v2": MINI2, "mini2": MINI2_SOURCE} | (
        texts or {}
    )
    for name, text in texts.items():
        (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return directory


def test_the_format_2_mini_instrument_is_valid(tmp_path):
    instruments = load_instruments(write_minis(tmp_path))
    assert set(instruments) == {"mini/v1", "mini/v2"}
    mini = instruments["mini/v2"]
    assert mini.summary_question is mini.question("note.judgement")
    assert mini.keys_from("mini/v1") == {
        "risk.conflict": "risk.conflict",
        "measure.mediation": "measure.mediation",
        "note.summary": "note.judgement",
    }
    mediation = mini.question("measure.mediation")
    assert mediation.choice_values == MEASURE_SCALE_V2
    assert mediation.sources == ((3, "Participants also referred to"),)
    assert mediation.provenance == "Beyond the summary; other source: A/67/929"
    assert mini.question("risk.conflict").provenance == "Stated in the summary"
    legacy = mini.question("risk.legacy")
    assert legacy.choice_values == RISK_SCALE
    assert [str(c.label) for c in legacy.choices][:2] == ["None recorded", "Low"]
    judgement = mini.question("note.judgement")
    assert (judgement.max_words, judgement.prompts) == (
        300,
        ("The main risks.", "The measures chosen."),
    )
    assert mini.section("context").context and not mini.section("risks").context


def test_a_short_title_of_60_characters_is_accepted(tmp_path):
    short = "Conflict " * 6 + "Z" * 6
    assert len(short) == 60
    texts = {"mini-v2": MINI2.replace('short = "Conflict"', f'short = "{short}"', 1)}
    mini = load_instruments(write_minis(tmp_path, texts))["mini/v2"]
    assert mini.question("risk.conflict").title == short


def test_format_1_needs_no_basis_support_or_short(tmp_path):
    mini = load_instruments(write_minis(tmp_path))["mini/v1"]
    question = mini.question("risk.conflict")
    assert (question.basis, question.support, question.short) == ("", (), "")
    assert mini.summary_question is None
    assert mini.question("measure.mediation").choice_values == MEASURE_SCALE


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [case[1:] for case in BROKEN_V2],
    ids=[case[0] for case in BROKEN_V2],
)
def test_a_broken_format_2_file_is_rejected_with_its_own_message(tmp_path, file, old, new, message):
    texts = {"mini-v2": MINI2, "mini2": MINI2_SOURCE}
    assert old in texts[file], "the case no longer matches the format 2 mini instrument"
    texts[file] = texts[file].replace(old, new, 1)
    write_minis(tmp_path, texts)
    with pytest.raises(InstrumentError) as error:
        load_instruments(tmp_path)
    assert message in str(error.value)


def test_each_format_2_case_has_a_message_of_its_own():
    messages = [case[-1] for case in BROKEN + BROKEN_V2]
    assert len(messages) == len(set(messages))


# --- System check ------------------------------------------------------------------------------


def test_the_check_passes_on_the_shipped_instruments():
    assert check_instruments() == []
    call_command("check")


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            "mitigated-by-unknown.toml",
            "mitigated-by-unknown.toml: question 'risk.x': "
            "mitigated_by names unknown question 'measure.y'",
        ),
        (
            "paragraph-out-of-range.toml",
            "paragraph-out-of-range.toml: question 'measure.judiciary': paragraph 13 is not in "
            "source 'presidents-summary-2013'",
        ),
        (
            "phrase-not-in-paragraph.toml",
            "phrase-not-in-paragraph.toml: question 'measure.mediation': support phrase "
            "'Many Member States pointed to' is not in ¶ 7",
        ),
        (
            "cites-paragraph-11.toml",
            "cites-paragraph-11.toml: question 'engagement.security_council': cites ¶ 11, "
            "which this instrument excludes",
        ),
    ],
)
def test_the_check_fails_on_a_broken_file(tmp_path, settings, file, message):
    for path in INSTRUMENTS_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path)
    shutil.copy(FIXTURES / "broken" / file, tmp_path)
    settings.R2P_INSTRUMENTS_DIR = tmp_path
    [error] = check_instruments()
    assert error.id == "assessments.E001"
    assert error.msg == message or error.msg.startswith(message)
    with pytest.raises(SystemCheckError, match=re.escape(message)):
        call_command("check")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            # The first question of v2, commitment.no_society_immune, loses its basis.
            'basis = "stated"\n',
            "",
            "question 'commitment.no_society_immune': missing required field 'basis' (format 2)",
        ),
        (
            'support = { 7 = "Several Member States pointed to" }',
            'support = { 7 = "Many Member States pointed to" }',
            "question 'measure.mediation': support phrase 'Many Member States pointed to' is "
            "not in ¶ 7",
        ),
        (
            'support = { 7 = "Several Member States pointed to" }',
            'support = { 7 = "several Member States pointed to" }',
            "question 'measure.mediation': support phrase 'several Member States pointed to' is "
            "not in ¶ 7",
        ),
        (
            "paragraphs = [5, 9, 12]",
            "paragraphs = [5, 9, 11, 12]",
            "section 'context': cites ¶ 11, which this instrument excludes",
        ),
        (
            'paragraphs = [9]\nbasis = "stated"\nsupport = { 9 = "Member States stressed" }',
            'paragraphs = [9, 11]\nbasis = "stated"\n'
            'support = { 9 = "Member States stressed", 11 = "Speakers called on" }',
            "question 'context.regional': cites ¶ 11, which this instrument excludes",
        ),
        (
            '"measure.sgbv_prevention",\n    "measure.inclusive_institutions",',
            '"measure.sgbv_prevention",\n    "risk.sexual_gender_based_violence",\n'
            '    "measure.inclusive_institutions",',
            "carry_over: 'risk.sexual_gender_based_violence' is not a question of this instrument",
        ),
    ],
    ids=[
        "no basis",
        "phrase not in its paragraph",
        "phrase in another case",
        "section cites paragraph 11",
        "question cites paragraph 11",
        "carries a retired question",
    ],
)
def test_the_check_fails_on_an_edit_to_v2(tmp_path, settings, old, new, message):
    for path in INSTRUMENTS_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path)
    v2 = tmp_path / "2013-summary-v2.toml"
    text = v2.read_text(encoding="utf-8")
    assert old in text, "the case no longer matches 2013-summary-v2.toml"
    v2.write_text(text.replace(old, new, 1), encoding="utf-8")
    settings.R2P_INSTRUMENTS_DIR = tmp_path
    [error] = check_instruments()
    assert error.id == "assessments.E001"
    assert error.msg.startswith(f"2013-summary-v2.toml: {message}")
    with pytest.raises(SystemCheckError, match=re.escape(message)):
        call_command("check")


def test_the_check_fails_without_the_current_version(three_versions, settings):
    (three_versions / "2013-summary-v2.toml").unlink()
    settings.R2P_INSTRUMENTS_DIR = three_versions
    [error] = check_instruments()
    assert error.id == "assessments.E002"
    assert "'2013-summary/v2'" in error.msg
    assert error.hint == "Available: 2013-summary/v1, 2013-summary/v2-fixture."
