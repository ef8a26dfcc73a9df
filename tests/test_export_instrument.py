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


def export(*args: str, **options: str) -> tuple[str, dict]:
    out = StringIO()
    call_command("export_instrument", *args, stdout=out, **options)
    return out.getvalue(), json.loads(out.getvalue())


def test_it_exports_the_current_version_by_default():
    _, data = export()
    instrument = get_instrument(CURRENT_VERSION)
    assert data["version"] == instrument.version
    assert data["title"] == instrument.title
    assert data["source"]["title"] == instrument.source.title
    assert data["source"]["date"] == "2013-09-11"
    assert data["source"]["report_symbol"] == "A/67/929-S/2013/399"
    assert data["source"]["paragraphs"] == {
        str(n): text for n, text in instrument.source.paragraphs.items()
    }


def test_it_matches_the_loaded_instrument():
    _, data = export()
    instrument = get_instrument(CURRENT_VERSION)
    assert [s["key"] for s in data["sections"]] == [s.key for s in instrument.sections]
    exported = [q for s in data["sections"] for q in s["questions"]]
    assert len(exported) == len(instrument.questions)
    for item, question in zip(exported, instrument.questions, strict=True):
        assert item["key"] == question.key
        assert item["text"] == question.text
        assert item["help"] == question.help
        assert item["kind"] == question.kind
        assert item["paragraphs"] == list(question.paragraphs)
        assert item["mitigated_by"] == list(question.mitigated_by)
        assert item["choices"] == [
            {"value": c.value, "label": str(c.label)} for c in question.choices
        ]
    for section, item in zip(instrument.sections, data["sections"], strict=True):
        assert item["title"] == section.title
        assert item["intro"] == section.intro
        assert item["paragraphs"] == list(section.paragraphs)


def test_it_exports_skip_logic():
    _, data = export()
    questions = {q["key"]: q for s in data["sections"] for q in s["questions"]}
    assert questions["measure.commemoration"]["show_if"] == {
        "question": "risk.past_atrocities",
        "values": ["low", "moderate", "high"],
    }
    assert questions["measure.judiciary"]["show_if"] is None
    assert questions["focal.priorities"]["choices"] == []


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
    assert export(version="2013-summary/v1")[1]["version"] == "2013-summary/v1"


def test_an_unknown_version_is_an_error_listing_the_known_ones():
    with pytest.raises(CommandError) as error:
        export("--version", "2013-summary/v9")
    assert "'2013-summary/v9'" in str(error.value)
    assert "Available: 2013-summary/v1" in str(error.value)
