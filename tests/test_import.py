"""Export and import through the commands: where an import goes, what it refuses with a clear
message, and that a refusal leaves nothing behind — no row, no stored file."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

import hypothesis
import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from assessments import services
from assessments.exports import ExportError, as_json, assessment_as_dict
from assessments.models import Action, Assessment, AssessmentEvent, Country, Source
from tests.export_support import PDF, export, fill


def import_(*args: str) -> str:
    out = io.StringIO()
    call_command("import_assessment", *args, stdout=out)
    return out.getvalue()


def stored_evidence() -> list[str]:
    return default_storage.listdir("evidence")[1] if default_storage.exists("evidence") else []


def same_apart_from_place(one: dict, other: dict) -> None:
    one, other = dict(one), dict(other)
    for data in (one, other):
        for key in ("exported_at", "country", "cycle"):
            data.pop(key)
    assert one == other


@pytest.fixture
def exported(world, tmp_path):
    fill(world.assessment, world.editor, world.reviewer)
    return export(tmp_path)


def test_the_json_goes_to_stdout_without_output(world):
    out = io.StringIO()
    call_command("export_assessment", "xa", "2026", stdout=out)
    assert json.loads(out.getvalue())["country"]["code"] == "XA"


def test_exporting_an_assessment_that_does_not_exist_says_so(world):
    with pytest.raises(CommandError, match="There is no XA 2031 assessment"):
        call_command("export_assessment", "XA", "2031", stdout=io.StringIO())


def test_the_exported_files_are_readable_by_their_owner_only(exported):
    for path in exported:
        assert path.stat().st_mode & 0o077 == 0


def test_a_taken_place_gets_a_new_code_and_the_round_trip_is_lossless(world, exported):
    json_path, zip_path = exported
    out = import_(str(json_path), "--evidence", str(zip_path))
    assert "XA 2026 is taken here: imported as XC 2026 instead." in out
    assert "A new country, XC: Arcadia (XC), with no members yet" in out
    copy_ = Assessment.objects.get(country__code="XC", cycle=2026)
    assert copy_.country.name == "Arcadia (XC)"
    original = json.loads(json_path.read_text())
    same_apart_from_place(original, assessment_as_dict(copy_))
    # The file is there again, the same bytes, under a new name of its own.
    restored = Source.objects.filter(assessment=copy_).exclude(file="").get()
    original_source = Source.objects.filter(assessment=world.assessment).exclude(file="").get()
    assert restored.file.name != original_source.file.name
    with default_storage.open(restored.file.name, "rb") as handle:
        assert handle.read() == PDF


def test_the_import_is_counted_and_its_report_queued_but_records_no_event_of_its_own(
    world, exported
):
    json_path, zip_path = exported
    import_(str(json_path), "--evidence", str(zip_path))
    copy_ = Assessment.objects.get(country__code="XC")
    assert copy_.progress == world.assessment.__class__.objects.get(pk=world.assessment.pk).progress
    assert copy_.events.count() == world.assessment.events.count()
    assert copy_.renders.exists()


def test_an_import_into_a_free_cycle_of_the_same_country_joins_it(world, tmp_path):
    json_path, _zip = export(tmp_path)
    out = import_(str(json_path), "--cycle", "2027")
    assert "Imported into the existing country Arcadia (XA), 2027" in out
    assert Assessment.objects.filter(country=world.arcadia, cycle=2027).exists()


def test_a_code_or_cycle_asked_for_and_taken_is_refused(world, tmp_path):
    json_path, _zip = export(tmp_path)
    with pytest.raises(CommandError, match="Borealis \\(XB\\) already has a 2026 assessment"):
        import_(str(json_path), "--code", "XB")
    with pytest.raises(CommandError, match="Arcadia \\(XA\\) already has a 2026 assessment"):
        import_(str(json_path), "--cycle", "2026")
    # Another country's code, given, with a free cycle: into that country, as asked.
    out = import_(str(json_path), "--code", "XB", "--cycle", "2030")
    assert "Imported into the existing country Borealis (XB), 2030" in out


def test_a_code_that_is_another_country_here_is_not_mixed_with_it(world, tmp_path):
    json_path, _zip = export(tmp_path)
    data = json.loads(json_path.read_text())
    data["country"] = {"code": "XB", "name": "Zembla", "region": ""}
    data["cycle"] = 2030
    json_path.write_text(json.dumps(data))
    out = import_(str(json_path))
    assert "XB is another country here, Borealis: imported as XC 2030 instead." in out
    assert not Assessment.objects.filter(country=world.borealis, cycle=2030).exists()
    assert Country.objects.get(code="XC").name == "Zembla"


def test_a_new_country_from_the_file_keeps_its_code_name_and_region(world, tmp_path):
    json_path, _zip = export(tmp_path)
    data = json.loads(json_path.read_text())
    data["country"] = {"code": "QM", "name": "Costaguana", "region": "latin_american_caribbean"}
    json_path.write_text(json.dumps(data))
    import_(str(json_path))
    country = Country.objects.get(code="QM")
    assert (country.name, country.region) == ("Costaguana", "latin_american_caribbean")


def test_people_unknown_here_are_left_empty_and_named(world, tmp_path):
    json_path, _zip = export(tmp_path)
    data = json.loads(json_path.read_text())
    data["created_by"] = "somebody-else"
    json_path.write_text(json.dumps(data))
    out = import_(str(json_path), "--code", "XC")
    assert "left empty for them: somebody-else." in out
    copy_ = Assessment.objects.get(country__code="XC")
    assert copy_.created_by is None


# Refusals: a clear message, and nothing written -----------------------------------------------


def edited(json_path: Path, change) -> Path:
    data = json.loads(json_path.read_text())
    change(data)
    json_path.write_text(json.dumps(data))
    return json_path


def refused(*args: str, match: str) -> None:
    rows = Assessment.objects.count(), Country.objects.count(), Source.objects.count()
    files = stored_evidence()
    with pytest.raises(CommandError, match=match) as refusal:
        import_(*args)
    assert str(refusal.value).endswith("Nothing was imported.")
    assert (Assessment.objects.count(), Country.objects.count(), Source.objects.count()) == rows
    assert stored_evidence() == files


def test_a_file_that_is_not_json_is_refused(world, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff{not json")
    refused(str(bad), match="The file is not JSON")
    bad.write_text('{"format": "r2p-assess/assessment", "format_version": NaN}')
    refused(str(bad), match="The file is not JSON")


def test_a_file_that_cannot_be_read_is_refused(world, tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing.json: No such file"):
        import_(str(tmp_path / "missing.json"))


def test_another_format_or_an_unknown_format_version_is_refused(world, exported):
    json_path, _zip = exported
    refused(
        str(edited(json_path, lambda d: d.update(format_version=2))),
        match="format version 2, which this installation does not read: it reads version 1",
    )
    refused(
        str(edited(json_path, lambda d: d.update(format="something/else"))),
        match="not an R2P Assess assessment export",
    )


def test_a_questionnaire_version_unknown_here_is_refused(world, exported):
    json_path, _zip = exported
    refused(
        str(edited(json_path, lambda d: d.update(instrument_version="2013-summary/v9"))),
        match="questionnaire 2013-summary/v9, which this installation does not have",
    )


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.pop("answers"), "at /: 'answers' is a required property"),
        (lambda d: d["answers"][0].update(value=7), "at /answers/0/value"),
        (lambda d: d.update(status="lost"), "at /status"),
        (lambda d: d.update(cycle=1999), "at /cycle"),
        (lambda d: d.update(created_at="yesterday"), "at /created_at"),
        (lambda d: d.update(created_at="2025-01-01T10:00:00"), "at /created_at"),
        (lambda d: d["sources"][0].update(url="", file=None), "at /sources/0"),
        (lambda d: d["events"][0].update(extra=1), "at /events/0"),
    ],
)
def test_a_file_that_breaks_the_schema_is_refused_saying_where(world, exported, change, match):
    json_path, zip_path = exported
    refused(str(edited(json_path, change)), "--evidence", str(zip_path), match=match)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            lambda d: d["answers"][0].update(question="risk.nonsense"),
            "has no question risk.nonsense",
        ),
        (lambda d: d["answers"].append(dict(d["answers"][0])), "is there twice"),
        (lambda d: d["answers"][0].update(value="banana"), "not an answer question"),
        (lambda d: d["actions"][0].update(questions=["measure.nonsense"]), "/actions/0/questions"),
        (lambda d: d["comments"][1].update(action=9), "there is no action 9"),
        (lambda d: d["events"][0]["detail"].update(source=40), "there is no source 40"),
        (
            lambda d: d["dismissed_links"][0].update(measure=d["answers"][0]["question"]),
            "not a link",
        ),
        (lambda d: d["sources"][0].update(url="javascript:alert(1)"), "is not a link"),
        (lambda d: d["answers"][0].update(note="a\x00b"), "NUL"),
    ],
)
def test_a_file_that_names_what_the_questionnaire_lacks_is_refused(world, exported, change, match):
    json_path, zip_path = exported
    refused(str(edited(json_path, change)), "--evidence", str(zip_path), match=match)


def test_a_malformed_code_or_cycle_option_is_refused(world, exported):
    json_path, _zip = exported
    refused(str(json_path), "--code", "x1", match="two capital letters")
    refused(str(json_path), "--cycle", "1990", match="from 2013 to 2100")


def test_files_need_the_evidence_zip(world, exported):
    json_path, _zip = exported
    refused(str(json_path), match="1 source is a file, which the JSON does not hold")


def test_a_file_whose_digest_does_not_match_refuses_the_whole_import(world, exported, tmp_path):
    json_path, zip_path = exported
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, content if name == "manifest.json" else PDF + b"%x\n")
    refused(str(json_path), "--evidence", str(tampered), match="is not the file exported")


def test_a_zip_without_the_file_or_not_a_zip_is_refused(world, exported, tmp_path):
    json_path, _zip = exported
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr(
            "manifest.json", json.dumps({"format": "r2p-assess/evidence", "files": []})
        )
    refused(str(json_path), "--evidence", str(empty), match="has no file for source 2")
    no_manifest = tmp_path / "plain.zip"
    with zipfile.ZipFile(no_manifest, "w") as archive:
        archive.writestr("census.pdf", PDF)
    refused(str(json_path), "--evidence", str(no_manifest), match="no readable manifest.json")
    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"hello")
    refused(str(json_path), "--evidence", str(not_zip), match="not a ZIP")


def test_a_file_the_upload_check_refuses_is_refused_here_too(world, exported, tmp_path):
    json_path, _zip = exported
    html = b"<html><script>alert(1)</script></html>"
    import hashlib

    digest = hashlib.sha256(html).hexdigest()
    edited(json_path, lambda d: d["sources"][1]["file"].update(sha256=digest, size=len(html)))
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("page.pdf", html)
        archive.writestr(
            "manifest.json",
            json.dumps(
                {"format": "r2p-assess/evidence", "files": [{"name": "page.pdf", "sha256": digest}]}
            ),
        )
    refused(
        str(json_path),
        "--evidence",
        str(evil),
        match="The evidence ZIP's file for source 2, “File Census 2024.pdf” is refused: This kind",
    )


def test_a_failure_after_a_file_was_stored_deletes_it(world, exported, monkeypatch):
    """All or nothing: the row is rolled back and the file it would have had deleted."""
    from assessments.services import transfer

    json_path, zip_path = exported

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(transfer, "_touch", broken)
    before = stored_evidence()
    with pytest.raises(RuntimeError):
        import_(str(json_path), "--evidence", str(zip_path))
    assert stored_evidence() == before
    assert not Country.objects.filter(code="XC").exists()


# Two cycles: an action carried from the first keeps its link --------------------------------


def test_importing_both_cycles_keeps_the_carried_action_linked(world, tmp_path):
    fill(world.assessment, world.editor, world.reviewer)
    earlier = Assessment.objects.create(
        country=world.arcadia, cycle=2025, instrument_version=world.assessment.instrument_version
    )
    Action.objects.create(assessment=earlier, what="First", lead="A")
    origin = Action.objects.create(assessment=earlier, what="Second", lead="B")
    carried = world.assessment.actions.order_by("id").first()
    Action.objects.filter(pk=carried.pk).update(carried_from=origin, to_confirm=True)
    files_2025, files_2026 = export(tmp_path, cycle=2025), export(tmp_path, cycle=2026)

    # The later cycle alone: the link has nowhere to go, and the import says so.
    out = import_(str(files_2026[0]), "--evidence", str(files_2026[1]), "--code", "QZ")
    assert "1 action was carried from an earlier cycle that QZ does not have here" in out

    import_(str(files_2025[0]))  # XA 2025 is taken: a new country, XC
    import_(str(files_2026[0]), "--evidence", str(files_2026[1]), "--code", "XC")
    copy_ = Assessment.objects.get(country__code="XC", cycle=2026)
    linked = copy_.actions.order_by("id").first()
    assert linked.carried_from.assessment.country.code == "XC"
    assert linked.carried_from.what == "Second"
    same_apart_from_place(json.loads(files_2026[0].read_text()), assessment_as_dict(copy_))


def test_the_export_of_an_import_is_the_same_json_text(world, exported):
    """Byte for byte, bar the place and the export's own time."""
    json_path, zip_path = exported
    import_(str(json_path), "--evidence", str(zip_path), "--code", "XC")
    copy_ = Assessment.objects.get(country__code="XC")
    original = json.loads(json_path.read_text())
    again = assessment_as_dict(copy_)
    for key in ("exported_at", "country"):
        again[key] = original[key]
    assert as_json(again) == json_path.read_text()
    assert AssessmentEvent.objects.filter(assessment=copy_).count() == len(original["events"])
    assert copy.deepcopy(original) == original


# Any damage to a file: a refusal that says why, or a clean import; never anything else ----------

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["", "risk.nonsense", "2025-01-01", "1999-12-31T23:59:59+00:00", "a\x00b"]),
    st.lists(st.integers(-2, 5), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=2),
)


def places(value, path=()):
    """Every place in a JSON value, as a path of keys and indexes."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from places(item, (*path, index))


@hypothesis.settings(
    max_examples=max(5, hypothesis.settings.default.max_examples // 6),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_damaged_file_is_refused_with_a_reason_or_imported_whole(world, exported, data):
    json_path, zip_path = exported
    document = json.loads(json_path.read_text())
    for _ in range(data.draw(st.integers(1, 3), label="damages")):
        path = data.draw(st.sampled_from(list(places(document))[1:]), label="where")
        *parents, last = path
        target = document
        for key in parents:
            target = target[key]
        if data.draw(st.booleans(), label="remove") and isinstance(target, dict):
            target.pop(last)
        else:
            target[last] = data.draw(junk, label="what")
    raw = json.dumps(document)
    with transaction.atomic():
        before = Assessment.objects.count()
        try:
            with zip_path.open("rb") as evidence:
                services.import_assessment(raw=raw, evidence=evidence, code="QX")
        except (ExportError, services.ImportRefused) as refusal:
            assert str(refusal)
            assert Assessment.objects.count() == before
        else:
            assert Assessment.objects.count() == before + 1
        transaction.set_rollback(True)
