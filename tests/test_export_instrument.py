from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.instrument import CURRENT_VERSION, INSTRUMENTS_DIR, get_instrument

FIXTURES = Path(__file__).parent / "fixtures" / "instruments"
V1, V2 = "2013-summary/v1", "2013-summary/v2"


def export(*args: str, **options: str) -> tuple[str, dict]:
    out = StringIO()
    call_command("export_instrument", *args, stdout=out, **options)
    return out.getvalue(), json.loads(out.getvalue())


def exported_questions(data: dict) -> dict[str, dict]:
    return {q["key"]: q for s in data["sections"] for q in s["questions"]}


@pytest.fixture(scope="module")
def v1_data() -> dict:
    return export("--version", V1)[1]


@pytest.fixture(scope="module")
def v2_data() -> dict:
    return export()[1]


def test_it_exports_the_current_version_by_default(v2_data):
    assert CURRENT_VERSION == V2
    instrument = get_instrument(CURRENT_VERSION)
    assert v2_data["version"] == V2
    assert v2_data["title"] == instrument.title
    assert v2_data["source"]["title"] == instrument.source.title
    assert v2_data["source"]["date"] == "2013-09-11"
    assert v2_data["source"]["report_symbol"] == "A/67/929-S/2013/399"
    # The whole source, ¶ 11 included, even though v2 asks nothing from it.
    assert v2_data["source"]["paragraphs"] == {
        str(n): text for n, text in instrument.source.paragraphs.items()
    }


@pytest.mark.parametrize("version", [V1, V2])
def test_it_matches_the_loaded_instrument(version):
    _, data = export("--version", version)
    instrument = get_instrument(version)
    assert data["summary"] == (instrument.summary_key or None)
    assert [s["key"] for s in data["sections"]] == [s.key for s in instrument.sections]
    exported = [q for s in data["sections"] for q in s["questions"]]
    assert len(exported) == len(instrument.questions)
    for item, question in zip(exported, instrument.questions, strict=True):
        assert item["key"] == question.key
        assert item["short"] == (question.short or None)
        assert item["text"] == question.text
        assert item["help"] == question.help
        assert item["kind"] == question.kind
        assert item["paragraphs"] == list(question.paragraphs)
        assert item["basis"] == (question.basis or None)
        assert item["other_source"] == (question.other_source or None)
        assert item["support"] == {str(n): phrase for n, phrase in question.support}
        assert item["mitigated_by"] == list(question.mitigated_by)
        assert item["max_words"] == question.max_words
        assert item["prompts"] == list(question.prompts)
        assert item["choices"] == [
            {"value": c.value, "label": str(c.label)} for c in question.choices
        ]
    for section, item in zip(instrument.sections, data["sections"], strict=True):
        assert item["title"] == section.title
        assert item["intro"] == section.intro
        assert item["paragraphs"] == list(section.paragraphs)
        assert item["context"] is section.context


def test_v2_exports_its_summary_and_carry_over(v2_data):
    instrument = get_instrument(V2)
    assert v2_data["summary"] == "summary.judgement"
    carry_over = v2_data["carry_over"]
    assert carry_over["from"] == V1
    assert carry_over["questions"] == dict(instrument.carry_over.pairs)
    assert carry_over["questions"]["measure.sgbv_prevention"] == "measure.sgbv_prevention"
    assert "risk.sexual_gender_based_violence" not in carry_over["questions"]
    assert "risk.past_atrocities" not in carry_over["questions"]
    assert {s["key"]: s["context"] for s in v2_data["sections"]}["context"] is True
    assert [s["key"] for s in v2_data["sections"] if s["context"]] == ["context"]


def test_v2_exports_where_each_question_comes_from(v2_data):
    questions = exported_questions(v2_data)
    assert questions["measure.early_warning"] | {"text": None, "help": None} == {
        "key": "measure.early_warning",
        "short": "Early warning",
        "text": None,
        "help": None,
        "kind": "measure",
        "choices": [
            {"value": "not_in_place", "label": "Not in place"},
            {"value": "planned", "label": "Planned"},
            {"value": "partly", "label": "Partly in place"},
            {"value": "fully", "label": "Fully in place"},
            {"value": "not_priority", "label": "Not a priority here"},
            {"value": "dont_know", "label": "Don't know"},
        ],
        "paragraphs": [3, 10],
        "basis": "derived",
        "other_source": "A/67/929, the Secretary-General's 2013 report (the term early warning)",
        "support": {"3": "Panellists emphasized", "10": "States stressed"},
        "mitigated_by": [],
        "max_words": None,
        "prompts": [],
        "show_if": None,
    }
    primary = questions["commitment.primary_responsibility"]
    assert (primary["paragraphs"], primary["basis"]) == ([4], "stated")
    assert primary["support"] == {"4": "They emphasized"}
    assert (primary["short"], primary["other_source"]) == (None, None)


def test_v2_exports_the_summary_guidance(v2_data):
    summary = exported_questions(v2_data)["summary.judgement"]
    assert summary["kind"] == "text"
    assert summary["choices"] == []
    assert summary["max_words"] == 300
    assert len(summary["prompts"]) == 5
    assert summary["prompts"][0] == "Your overall judgement of atrocity risk and prevention."


def test_v2_exports_its_scales(v2_data):
    questions = exported_questions(v2_data)
    assert questions["risk.past_mass_violence"]["choices"][0] == {
        "value": "not_present",
        "label": "None recorded",
    }
    assert questions["risk.singling_out"]["choices"][0] == {
        "value": "not_present",
        "label": "Not observed (on the evidence available)",
    }
    for key, question in questions.items():
        values = [c["value"] for c in question["choices"]]
        assert "na" not in values, key
        assert ("not_priority" in values) == (question["kind"] == "measure"), key


def test_v2_exports_nothing_from_paragraph_11(v2_data):
    questions = exported_questions(v2_data)
    for section in v2_data["sections"]:
        assert 11 not in section["paragraphs"]
    for key, question in questions.items():
        assert 11 not in question["paragraphs"], key
        assert "11" not in question["support"], key
    assert not any(key.startswith("engagement.security") for key in questions)


def test_v2_exports_skip_logic(v2_data):
    questions = exported_questions(v2_data)
    assert questions["measure.commemoration"]["show_if"] == {
        "question": "risk.past_mass_violence",
        "values": ["low", "moderate", "high"],
    }
    assert questions["measure.accountability"]["show_if"] is None
    assert questions["measure.judiciary"]["show_if"] is None


def test_v1_exports_as_before(v1_data):
    assert v1_data["version"] == V1
    assert v1_data["summary"] is None
    assert v1_data["carry_over"] is None
    assert {s["key"] for s in v1_data["sections"] if s["context"]} == {"regional", "international"}
    questions = exported_questions(v1_data)
    assert questions["measure.commemoration"]["show_if"] == {
        "question": "risk.past_atrocities",
        "values": ["low", "moderate", "high"],
    }
    assert questions["measure.judiciary"]["show_if"] is None
    assert questions["focal.priorities"]["choices"] == []
    assert questions["commitment.primary_responsibility"]["paragraphs"] == [1, 4]
    for key, question in questions.items():
        assert (question["basis"], question["other_source"]) == (None, None), key
        assert (question["support"], question["max_words"], question["prompts"]) == ({}, None, [])
        assert "not_priority" not in [c["value"] for c in question["choices"]], key
    assert questions["risk.targeting_of_groups"]["short"] == "Targeting of groups"
    assert questions["risk.past_atrocities"]["choices"][0] == {
        "value": "not_present",
        "label": "Not observed (on the evidence available)",
    }
    assert questions["measure.constitutional_reform"]["choices"][-1] == {
        "value": "na",
        "label": "Not applicable",
    }


def test_it_writes_unicode_and_indents():
    text, _ = export()
    assert "President's Summary — Informal" in text
    assert "“human cost”" in text
    assert text.startswith('{\n  "version": ')


def test_version_can_be_named(tmp_path, settings):
    for path in INSTRUMENTS_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path)
    shutil.copy(FIXTURES / "2013-summary-v2-fixture.toml", tmp_path)
    settings.R2P_INSTRUMENTS_DIR = tmp_path
    assert export("--version", "2013-summary/v2-fixture")[1]["version"] == "2013-summary/v2-fixture"
    assert export(version=V1)[1]["version"] == V1
    assert export()[1]["version"] == V2


def test_an_unknown_version_is_an_error_listing_the_known_ones():
    with pytest.raises(CommandError) as error:
        export("--version", "2013-summary/v9")
    assert str(error.value) == (
        "Unknown instrument version '2013-summary/v9'. Available: 2013-summary/v1, 2013-summary/v2."
    )
