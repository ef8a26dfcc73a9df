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
    CURRENT_VERSION,
    INSTRUMENTS_DIR,
    MEASURE,
    RISK,
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
PAST_ATROCITY_QUESTIONS = (
    "past.history",
    "measure.accountability_past",
    "measure.commemoration",
    "measure.transitional_justice",
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


@pytest.fixture(scope="module")
def instrument():
    return get_instrument(CURRENT_VERSION)


def shared_paragraphs(text: str) -> dict[int, str]:
    found = {}
    for block in re.split(r"\n\s*\n", text):
        match = re.match(r"\s*(\d+)\.\s+(.*)", block, re.DOTALL)
        if match:
            found[int(match.group(1))] = " ".join(match.group(2).split())
    return found


# --- The source document -----------------------------------------------------------------------


def test_source_paragraphs_match_the_shared_text(instrument):
    if not SHARED_SOURCE.is_file():
        pytest.skip(f"{SHARED_SOURCE} is not in this checkout")
    expected = shared_paragraphs(SHARED_SOURCE.read_text(encoding="utf-8"))
    assert sorted(expected) == list(range(1, 13))
    assert dict(instrument.source.paragraphs) == expected


def test_source_keeps_typographic_quotes(instrument):
    assert "the “human cost” of State failure" in instrument.paragraph(11)
    assert "a ‘code of conduct’ on the use of the veto" in instrument.paragraph(11)
    assert '"State responsibility and prevention"' in instrument.paragraph(1)


def test_source_metadata(instrument):
    source = instrument.source
    assert source.key == "presidents-summary-2013"
    assert source.date.isoformat() == "2013-09-11"
    assert source.place == "New York"
    assert source.report_symbol == "A/67/929-S/2013/399"
    assert source.report_title == "State responsibility and prevention"
    assert "Prevention and State Responsibility" in source.title
    with pytest.raises(TypeError):
        source.paragraphs[1] = "changed"  # type: ignore[index]


# --- Instrument v1 -----------------------------------------------------------------------------


def test_it_is_the_current_version(instrument):
    assert instrument.version == "2013-summary/v1"
    assert instrument.title == "National self-assessment of atrocity risk"
    assert CURRENT_VERSION in available_versions()


def test_size(instrument):
    assert 45 <= len(instrument.questions) <= 70
    assert 6 <= len(instrument.sections) <= 9
    assert all(section.questions for section in instrument.sections)


def test_keys_are_unique(instrument):
    keys = [q.key for q in instrument.questions]
    assert len(keys) == len(set(keys))
    sections = [s.key for s in instrument.sections]
    assert len(sections) == len(set(sections))


def test_every_paragraph_from_2_to_12_is_cited_by_a_question(instrument):
    cited = {n for q in instrument.questions for n in q.paragraphs}
    assert set(range(2, 13)) <= cited
    assert instrument.cited_paragraphs == tuple(range(1, 13))


@pytest.mark.parametrize(
    ("paragraph", "concept", "key"),
    [(n, concept, key) for n, table in COVERAGE.items() for concept, key in table.items()],
)
def test_each_named_factor_and_measure_is_asked(instrument, paragraph, concept, key):
    assert paragraph in instrument.question(key).paragraphs, concept


def test_every_question_cites_a_paragraph_and_has_text_and_help(instrument):
    for question in instrument.questions:
        assert question.paragraphs, question.key
        assert question.text.endswith("?"), question.key
        assert question.help, question.key


def test_every_risk_is_mitigated_by_measures(instrument):
    risks = [q for q in instrument.questions if q.kind == RISK]
    assert len(risks) >= 9
    for risk in risks:
        assert risk.mitigated_by, risk.key
        assert {instrument.question(key).kind for key in risk.mitigated_by} == {MEASURE}


def test_kinds_are_mixed(instrument):
    kinds = [q.kind for q in instrument.questions]
    assert kinds.count(TEXT) >= 2
    assert kinds.count(YES_NO) >= 5
    assert kinds.count(MEASURE) >= 25


def test_answer_scales(instrument):
    values = lambda key: instrument.question(key).choice_values  # noqa: E731
    assert values("risk.armed_conflict") == ("not_present", "low", "moderate", "high", "dont_know")
    assert values("measure.judiciary") == (
        "not_in_place",
        "planned",
        "partly",
        "fully",
        "dont_know",
    )
    assert values("measure.constitutional_reform")[-1] == "na"
    assert values("focal.network") == ("yes", "no", "dont_know")
    assert values("focal.priorities") == ()
    question = instrument.question("measure.constitutional_reform")
    assert str(question.label_for("partly")) == "Partly in place"
    assert str(question.label_for("na")) == "Not applicable"
    with pytest.raises(KeyError):
        question.label_for("maybe")


def test_not_applicable_only_where_allowed(instrument):
    for question in instrument.questions:
        assert ("na" in question.choice_values) == question.allow_na, question.key
        if question.allow_na:
            assert question.kind == MEASURE


def test_lookups(instrument):
    question = instrument.question("risk.identity_discrimination")
    assert question.section_key == "risks"
    assert question in instrument.section("risks").questions
    assert instrument.questions[0] is instrument.sections[0].questions[0]
    with pytest.raises(KeyError):
        instrument.question("risk.nothing")
    with pytest.raises(KeyError):
        instrument.section("nothing")
    assert hash(instrument) == hash(load_instrument(INSTRUMENTS_DIR / "2013-summary-v1.toml"))


# --- Skip logic --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", PAST_ATROCITY_QUESTIONS)
@pytest.mark.parametrize(
    ("answer", "visible"),
    [(None, False), ("not_present", False), ("dont_know", False), ("low", True), ("high", True)],
)
def test_past_atrocity_questions_follow_the_reported_history(instrument, key, answer, visible):
    answers = {} if answer is None else {"risk.past_atrocities": answer}
    assert instrument.is_visible(key, answers) is visible
    assert instrument.is_visible(instrument.question(key), answers) is visible


def test_questions_without_show_if_are_always_visible(instrument):
    assert instrument.is_visible("measure.learning_from_past", {})
    hidden = {q.key for q in instrument.questions} - {
        q.key for q in instrument.visible_questions({})
    }
    assert hidden == set(PAST_ATROCITY_QUESTIONS)


# --- A second version --------------------------------------------------------------------------


@pytest.fixture
def two_versions(tmp_path):
    for path in INSTRUMENTS_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path)
    shutil.copy(FIXTURES / "2013-summary-v2-fixture.toml", tmp_path)
    return tmp_path


def test_a_second_version_loads_beside_the_first(two_versions, settings):
    instruments = load_instruments(two_versions)
    assert set(instruments) == {"2013-summary/v1", "2013-summary/v2-fixture"}
    settings.R2P_INSTRUMENTS_DIR = two_versions
    assert available_versions() == ("2013-summary/v1", "2013-summary/v2-fixture")
    v1, v2 = get_instrument("2013-summary/v1"), get_instrument("2013-summary/v2-fixture")
    assert len(v1.questions) > 45 and len(v2.questions) == 4
    assert v2.source == v1.source
    assert v2.section("past").intro == (
        "Asked only when a past history of atrocity crimes weighs on the risk today."
    )


def test_an_unknown_version_names_the_available_ones():
    with pytest.raises(KeyError) as error:
        get_instrument("2013-summary/v9")
    available = ", ".join(available_versions())
    assert str(error.value) == (
        f"no instrument has version '2013-summary/v9' (available: {available})"
    )


def test_a_question_behind_a_hidden_question_is_hidden(two_versions):
    v2 = load_instruments(two_versions)["2013-summary/v2-fixture"]
    shown = {"risk.past_atrocities": "high", "measure.accountability_past": "fully"}
    assert v2.is_visible("past.trials", shown)
    assert not v2.is_visible("past.trials", {**shown, "measure.accountability_past": "planned"})
    # The stale answer to a question now hidden does not keep its follow-up visible.
    assert not v2.is_visible("past.trials", {**shown, "risk.past_atrocities": "low"})


def test_load_instrument_reads_one_file():
    instrument = load_instrument(INSTRUMENTS_DIR / "2013-summary-v1.toml")
    assert instrument == get_instrument(CURRENT_VERSION)


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
    ],
)
def test_the_check_fails_on_a_broken_file(tmp_path, settings, file, message):
    shutil.copy(INSTRUMENTS_DIR / "presidents-summary-2013.toml", tmp_path)
    shutil.copy(INSTRUMENTS_DIR / "2013-summary-v1.toml", tmp_path)
    shutil.copy(FIXTURES / "broken" / file, tmp_path)
    settings.R2P_INSTRUMENTS_DIR = tmp_path
    [error] = check_instruments()
    assert error.id == "assessments.E001"
    assert error.msg == message or error.msg.startswith(message)
    with pytest.raises(SystemCheckError, match=re.escape(message)):
        call_command("check")


def test_the_check_fails_without_the_current_version(two_versions, settings):
    (two_versions / "2013-summary-v1.toml").unlink()
    settings.R2P_INSTRUMENTS_DIR = two_versions
    [error] = check_instruments()
    assert error.id == "assessments.E002"
    assert "'2013-summary/v1'" in error.msg
