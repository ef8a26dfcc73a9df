"""An assessment as files, through the pages: the JSON (checked against its schema), the
workbook (read back with openpyxl), the evidence files (read back with zipfile); who may
download them; no cell of a spreadsheet is ever a formula."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import jsonschema
import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook

from assessments.exports import FORMAT, SCHEMA_PATH, schema
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import (
    Action,
    Assessment,
    AssessmentEvent,
    Judgement,
    Membership,
    Source,
)
from assessments.results import question_numbers
from assessments.spreadsheets import FORMULA_STARTS, cell_text, safe_text
from tests.export_support import HOSTILE, PDF, fill

BASE = "/assessments/XA/2026/"


@pytest.fixture
def filled(world):
    return fill(world.assessment, world.editor, world.reviewer)


def download(client, user, name: str, status: int = 200):
    client.force_login(user)
    response = client.get(BASE + name)
    assert response.status_code == status, response.status_code
    return response


def body(response) -> bytes:
    return b"".join(response) if response.streaming else response.content


def exported(client, world) -> dict:
    return json.loads(download(client, world.editor, "export.json").content)


# The JSON -----------------------------------------------------------------------------------


def test_the_json_export_is_everything_written_and_matches_its_schema(client, world, filled):
    data = exported(client, world)
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    assert (data["format"], data["format_version"]) == (FORMAT, 1)
    assert data["country"] == {"code": "XA", "name": "Arcadia", "region": ""}
    assert (data["cycle"], data["status"], data["instrument_version"]) == (
        2026,
        "draft",
        CURRENT_VERSION,
    )
    first, second = filled["first"], filled["second"]
    answers = {a["question"]: a for a in data["answers"]}
    assert answers[first.key]["note"] == HOSTILE[0]
    assert answers[second.key]["keep_out_of_report"] is True
    assert answers[second.key]["updated_by"] == "focal"
    (judgement,) = data["judgements"]
    assert judgement["confidence"] == "medium" and judgement["contested"] is True
    link, file = data["sources"]
    assert link["url"] == "https://example.org/report" and link["file"] is None
    assert file["file"] == {
        "name": "Census 2024.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    assert [a["status"] for a in data["actions"]] == ["under_way", "dropped"]
    assert data["actions"][0]["questions"] == [first.key, filled["measure"]]
    assert data["dismissed_links"][0]["reason"] == "Covered by another body."
    question_comment, action_comment = data["comments"]
    assert question_comment["reply"] == "The census." and question_comment["resolved"]
    assert question_comment["author"] == "reviewer"
    assert action_comment["action"] == 2 and action_comment["question"] == ""
    # The history's references are positions in the export, never database ids.
    added = [e for e in data["events"] if e["kind"] == "source_added"]
    assert [e["detail"]["source"] for e in added] == [1, 2]
    commented = next(e for e in data["events"] if e["kind"] == "commented")
    assert commented["detail"]["comment"] == 1


def test_people_are_named_by_username_only(client, world, filled):
    User.objects.filter(pk=world.editor.pk).update(email="focal.secret@example.org")
    text = download(client, world.editor, "export.json").content.decode()
    assert "focal.secret@example.org" not in text
    assert "@example.org" not in text
    assert world.editor.password not in text
    assert '"updated_by": "focal"' in text


def test_the_export_is_the_same_file_each_time_bar_its_date(client, world, filled):
    first, second = exported(client, world), exported(client, world)
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second


def test_an_action_carried_from_the_cycle_before_names_that_cycle_and_its_position(
    client, world, filled
):
    earlier = Assessment.objects.create(
        country=world.arcadia, cycle=2025, instrument_version=CURRENT_VERSION
    )
    Action.objects.create(assessment=earlier, what="One", lead="A")
    origin = Action.objects.create(assessment=earlier, what="Two", lead="B")
    Action.objects.filter(pk=filled["actions"][1].pk).update(carried_from=origin, to_confirm=True)
    data = exported(client, world)
    assert data["actions"][1]["carried_from"] == {"cycle": 2025, "action": 2}
    assert data["actions"][1]["to_confirm"] is True
    assert data["actions"][0]["carried_from"] is None


def test_the_schema_names_every_choice_the_models_have():
    """The schema is written by hand: it may not fall behind the models' choices."""
    defs = schema()["$defs"]
    top = schema()["properties"]
    assert top["status"]["enum"] == Assessment.Status.values
    assert top["marking"]["enum"] == Assessment.Marking.values
    assert defs["source"]["properties"]["kind"]["enum"] == Source.Kind.values
    assert defs["judgement"]["properties"]["confidence"]["enum"] == [
        "",
        *Judgement.Confidence.values,
    ]
    assert defs["action"]["properties"]["status"]["enum"] == Action.Status.values
    assert defs["event"]["properties"]["kind"]["enum"] == AssessmentEvent.Kind.values
    regions = top["country"]["properties"]["region"]["enum"]
    assert regions == [
        "",
        *sorted(c[0] for c in Assessment._meta.get_field("country").related_model.Region.choices),
    ]
    assert SCHEMA_PATH.name == "assessment-export.schema.json"


# The workbook -------------------------------------------------------------------------------


def workbook(client, world):
    response = download(client, world.editor, "export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def test_the_workbook_has_a_row_per_question_in_questionnaire_order(client, world, filled):
    book = workbook(client, world)
    assert book.sheetnames == ["Answers", "Actions", "Sources"]
    rows = list(book["Answers"].iter_rows(values_only=True))
    instrument = get_instrument(CURRENT_VERSION)
    numbers = question_numbers(instrument)
    assert [row[0] for row in rows[1:]] == [numbers[q.key] for q in instrument.questions]
    first = filled["first"]
    row = rows[1 + [q.key for q in instrument.questions].index(first.key)]
    assert row[2] == first.text
    assert row[3] == "High"
    assert row[4] == "'" + HOSTILE[0]  # escaped: shown, never run
    assert row[5] == "Medium"
    assert row[6] == "Contested: -The ombudsperson reads it as moderate."
    assert "@Annual report — Ombudsperson" in row[7]
    assert f"File Census 2024.pdf, SHA-256 {hashlib.sha256(PDF).hexdigest()}" in row[7]
    paragraph = first.paragraphs[0]
    phrase = first.phrase_for(paragraph)
    assert row[8].startswith(f"¶ {paragraph} “{phrase}”" if phrase else f"¶ {paragraph}")
    assert row[9] == first.provenance
    second = rows[1 + [q.key for q in instrument.questions].index(filled["second"].key)]
    assert "Kept out: names a village." not in second
    assert second[4] == "Kept out of the report at the country's request."


def test_the_workbook_lists_the_actions_and_the_sources(client, world, filled):
    book = workbook(client, world)
    actions = list(book["Actions"].iter_rows(values_only=True))
    assert actions[1][:5] == (
        "1",
        "'+Adopt an early-warning protocol",
        "Ministry of Interior",
        "2026-12-31",
        "Under way",
    )
    assert actions[2][4:6] == ("Dropped", "No budget.")
    sources = list(book["Sources"].iter_rows(values_only=True))
    assert [row[1] for row in sources[1:]] == ["'@Annual report", "File Census 2024.pdf"]
    assert sources[2][9] == hashlib.sha256(PDF).hexdigest()


def test_no_cell_of_the_workbook_is_a_formula_whatever_was_typed(client, world, filled):
    from assessments import services
    from assessments.scoring import Response

    instrument = get_instrument(CURRENT_VERSION)
    section = instrument.sections[0]
    services.save_answers(
        assessment=world.assessment,
        section_key=section.key,
        responses={
            q.key: Response("", hostile + " \x01\x1f control")
            for q, hostile in zip(section.questions, HOSTILE * 5, strict=False)
        },
        user=world.editor,
        expected_revision=world.assessment.revision,
    )
    book = workbook(client, world)
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert cell.value is None or cell.data_type == "s", cell.coordinate
                text = cell.value or ""
                assert text[:1] not in FORMULA_STARTS, (sheet.title, cell.coordinate, text)
                assert text.lstrip()[:1] not in FORMULA_STARTS


@pytest.mark.parametrize("hostile", [*HOSTILE, " =1+1", "\n@x", "\u00a0-1"])
def test_text_that_starts_like_a_formula_is_escaped(hostile):
    assert safe_text(hostile) == "'" + hostile
    assert cell_text(hostile).startswith("'")


def test_plain_text_is_left_as_it_is():
    assert safe_text("Census 2024 — ¶ 5") == "Census 2024 — ¶ 5"
    assert safe_text(None) == ""
    assert cell_text("a\x00b\x07c") == "a\ufffdb\ufffdc"
    assert len(cell_text("x" * 40000)) <= 32767


# The evidence files -------------------------------------------------------------------------


def test_the_evidence_zip_has_each_file_under_a_readable_name_and_a_manifest(client, world, filled):
    from tests.export_support import add_file

    add_file(
        world.assessment, world.editor, filled["first"].key, "../../Census 2024.pdf", PDF + b"%2\n"
    )
    response = download(client, world.editor, "evidence.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    number = question_numbers(get_instrument(CURRENT_VERSION))[filled["first"].key]
    names = archive.namelist()
    assert names == [
        f"{number}-02-census-2024.pdf",
        f"{number}-03-census-2024.pdf",
        "manifest.json",
    ]
    manifest = json.loads(archive.read("manifest.json"))
    assert [f["name"] for f in manifest["files"]] == names[:2]
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
        assert entry["question"] == filled["first"].key
    assert manifest["files"][0]["title"] == "File Census 2024.pdf"
    assert manifest["files"][0]["source"] == 2  # the link is source 1
    assert manifest["missing"] == []


def test_a_file_missing_from_storage_is_listed_as_missing(client, world, filled):
    from django.core.files.storage import default_storage

    source = Source.objects.exclude(file="").get()
    default_storage.delete(source.file.name)
    archive = zipfile.ZipFile(io.BytesIO(body(download(client, world.editor, "evidence.zip"))))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["files"] == []
    assert [m["title"] for m in manifest["missing"]] == ["File Census 2024.pdf"]


# Who downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("export.json", "R2P-self-assessment-XA-2026.json"),
        ("export.xlsx", "R2P-self-assessment-XA-2026.xlsx"),
        ("evidence.zip", "R2P-self-assessment-XA-2026-evidence.zip"),
    ],
)
def test_each_download_is_an_attachment_named_by_country_and_cycle_never_cached(
    client, world, filled, name, filename
):
    response = download(client, world.editor, name)
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["export.json", "export.xlsx", "evidence.zip"])
def test_viewers_are_refused_other_countries_see_nothing_reviewers_wait_for_submission(
    client, world, filled, name
):
    download(client, world.viewer, name, 403)
    download(client, world.other_editor, name, 404)
    download(client, world.reviewer, name, 404)  # a draft is the country's own
    Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted")
    download(client, world.reviewer, name, 200)
    # An editor still downloads once it is submitted (and no longer editable).
    download(client, world.editor, name, 200)


def test_the_overview_links_the_downloads_for_those_who_may_have_them(client, world, filled):
    client.force_login(world.editor)
    page = client.get(BASE).content.decode()
    for name in ("export.json", "export.xlsx", "evidence.zip"):
        assert BASE + name in page
    client.force_login(world.viewer)
    page = client.get(BASE).content.decode()
    assert "export.json" not in page and "evidence.zip" not in page


def test_the_evidence_link_is_offered_only_when_there_are_files(client, world):
    Membership.objects.filter(user=world.editor).update(role="editor")
    client.force_login(world.editor)
    page = client.get(BASE).content.decode()
    assert BASE + "export.json" in page and BASE + "evidence.zip" not in page
