"""Evidence behind an answer, through the pages: sources with a link or a file, the file
checked and kept privately, handed out only through the access rules; the country's
confidence in each answer and whether it is contested; all of it in the PDF."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import reports, services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import AssessmentEvent, Judgement, Source
from tests.factories import write_summary
from tests.report_support import pages_text

QUESTION = next(q for q in get_instrument(CURRENT_VERSION).questions if q.kind == "risk")
URL = f"/assessments/XA/2026/questions/{QUESTION.key}/evidence/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n"
SOURCE = {
    "add_source": "1",
    "source-title": "National census 2024",
    "source-issuer": "National Statistics Office",
    "source-kind": "government",
    "source-issued": "2024-03-01",
    "source-url": "",
}


def pdf_upload(name: str = "census.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files() -> list[str]:
    if not default_storage.exists("evidence"):
        return []
    return default_storage.listdir("evidence")[1]


@pytest.fixture
def attached(world, client):
    """Arcadia's editor has attached census.pdf to the question."""
    client.force_login(world.editor)
    response = client.post(URL, {**SOURCE, "source-file": pdf_upload()})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return Source.objects.get()


def test_an_editor_attaches_a_pdf_and_it_is_kept_privately_with_its_digest(client, world) -> None:
    client.force_login(world.editor)
    before = world.assessment.revision
    response = client.post(URL, {**SOURCE, "source-file": pdf_upload()})
    assert response["Location"] == f"{URL}#sources"
    source = Source.objects.get()
    assert (source.title, source.issuer, source.kind) == (
        "National census 2024",
        "National Statistics Office",
        "government",
    )
    assert source.file_name == "census.pdf"
    assert source.sha256 == hashlib.sha256(PDF).hexdigest()
    assert source.size == len(PDF)
    assert source.content_type == "application/pdf"
    # Named by nobody's guess: neither the uploader's name nor the country is in it.
    name = source.file.name
    assert name.startswith("evidence/") and name.endswith(".pdf")
    assert "census" not in name and "XA" not in name and len(name) > 40
    world.assessment.refresh_from_db()
    assert world.assessment.revision == before + 1
    assert world.assessment.events.filter(kind=AssessmentEvent.Kind.SOURCE_ADDED).exists()
    page = client.get(URL).content.decode()
    assert "National census 2024" in page and "National Statistics Office" in page
    assert source.sha256 in page and "Download census.pdf" in page


def test_a_link_alone_is_a_source(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(URL, {**SOURCE, "source-url": "https://stats.example.org/census"})
    assert response.status_code == 302
    assert Source.objects.get().url == "https://stats.example.org/census"
    assert stored_files() == []


def test_neither_a_link_nor_a_file_is_refused_and_what_was_typed_stays(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(URL, SOURCE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give a link to the document or attach its file." in page
    assert 'value="National census 2024"' in page
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"<!doctype html><html><script>alert(1)</script></html>", "PDF"),
        ("tool.pdf", b"\x7fELF\x02\x01\x01" + bytes(200), "PDF"),
        ("map.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_at_the_field_and_nothing_is_stored(
    client, world, name, content, message
) -> None:
    client.force_login(world.editor)
    response = client.post(
        URL, {**SOURCE, "source-file": SimpleUploadedFile(name, content, "application/pdf")}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error_1_id_source-file"' in page  # the message is at the file's field
    assert message in page
    assert "choose it again" in page
    assert 'value="National Statistics Office"' in page
    assert not Source.objects.exists()
    assert stored_files() == []


def test_the_file_is_handed_out_to_its_countrys_members_and_reviewers_only(
    client, world, attached
) -> None:
    file_url = f"/assessments/XA/2026/sources/{attached.pk}/file/"
    for user in (world.editor, world.viewer):
        client.force_login(user)
        response = client.get(file_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"] == 'attachment; filename="census.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
    # A reviewer sees it from the first submission on, not in a draft.
    client.force_login(world.reviewer)
    assert client.get(file_url).status_code == 404
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    assert client.get(file_url).status_code == 200


def test_another_countrys_file_is_404_by_id_and_by_guessed_name(client, world, attached) -> None:
    for user in (world.other_editor, world.outsider):
        client.force_login(user)
        assert client.get(f"/assessments/XA/2026/sources/{attached.pk}/file/").status_code == 404
        assert client.get(f"/assessments/XB/2026/sources/{attached.pk}/file/").status_code == 404
        assert client.get(URL).status_code == 404
    # Files are never served by their name, not even to the country's own members.
    client.force_login(world.editor)
    assert client.get(f"/media/{attached.file.name}").status_code == 404
    assert client.get(f"/{attached.file.name}").status_code == 404


def test_removing_a_source_deletes_its_file_once_committed(
    client, world, attached, django_capture_on_commit_callbacks
) -> None:
    name = attached.file.name
    client.force_login(world.viewer)
    assert client.post(f"/assessments/XA/2026/sources/{attached.pk}/remove/").status_code == 403
    client.force_login(world.other_editor)
    assert client.post(f"/assessments/XA/2026/sources/{attached.pk}/remove/").status_code == 404
    assert default_storage.exists(name)
    client.force_login(world.editor)
    with django_capture_on_commit_callbacks() as committed:
        response = client.post(f"/assessments/XA/2026/sources/{attached.pk}/remove/")
    assert response["Location"] == f"{URL}#sources"
    assert not Source.objects.exists()
    assert default_storage.exists(name)  # until the removal is committed
    for callback in committed:
        callback()
    assert not default_storage.exists(name)
    assert world.assessment.events.filter(kind=AssessmentEvent.Kind.SOURCE_REMOVED).exists()


def test_a_submitted_assessment_takes_no_new_source(client, world) -> None:
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    client.force_login(world.editor)
    assert client.post(URL, {**SOURCE, "source-file": pdf_upload()}).status_code == 403
    assert stored_files() == []
    assert "Add a source" not in client.get(URL).content.decode()


def judge(client, **fields: str):
    data = {"judge": "1", "judgement-revision": "0", **fields}
    return client.post(URL, data)


def test_confidence_and_a_contest_are_recorded_and_shown_beside_the_question(client, world) -> None:
    client.force_login(world.editor)
    response = judge(
        client,
        **{
            "judgement-confidence": "medium",
            "judgement-contested": "on",
            "judgement-differing_view": "The NHRI rates this higher.",
        },
    )
    assert response["Location"] == f"{URL}#judgement"
    judgement = Judgement.objects.get()
    assert (judgement.confidence, judgement.contested) == ("medium", True)
    assert judgement.differing_view == "The NHRI rates this higher."
    section = client.get(f"/assessments/XA/2026/sections/{QUESTION.section_key}/")
    card = section.content.decode().split(f'id="q-{QUESTION.key}"', 1)[1].split("</fieldset>")[0]
    assert "0 sources · confidence: Medium · <strong>contested</strong>" in " ".join(card.split())


def test_contested_needs_whose_view_differs(client, world) -> None:
    client.force_login(world.editor)
    response = judge(client, **{"judgement-confidence": "low", "judgement-contested": "on"})
    assert response.status_code == 200
    assert "Say whose view differs, and how" in response.content.decode()
    assert not Judgement.objects.exists()


def test_a_judgement_changed_meanwhile_is_shown_and_yours_is_kept_to_save_again(
    client, world
) -> None:
    services.judge_answer(
        assessment=world.assessment,
        question_key=QUESTION.key,
        confidence="high",
        contested=False,
        differing_view="",
        expected_revision=0,
        user=world.viewer,
    )
    client.force_login(world.editor)
    response = judge(
        client,
        **{
            "judgement-confidence": "low",
            "judgement-contested": "on",
            "judgement-differing_view": "Civil society disagrees.",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "after you opened this page" in page and "High" in page
    assert "Civil society disagrees." in page  # yours, still in the form
    assert Judgement.objects.get().confidence == "high"
    theirs = Judgement.objects.get().revision
    response = judge(
        client,
        **{
            "judgement-confidence": "low",
            "judgement-contested": "on",
            "judgement-differing_view": "Civil society disagrees.",
            "judgement-revision": str(theirs),
        },
    )
    assert response.status_code == 302
    assert Judgement.objects.get().confidence == "low"


def test_the_report_lists_the_sources_as_numbered_references_with_name_and_digest(
    client, world, attached
) -> None:
    services.add_source(
        assessment=world.assessment,
        question_key=QUESTION.key,
        title="Ombudsperson annual report",
        issuer="Office of the Ombudsperson",
        kind="nhri",
        issued=None,
        url="https://ombudsperson.example.org/2025",
        upload=None,
        checked=None,
        user=world.editor,
    )
    services.judge_answer(
        assessment=world.assessment,
        question_key=QUESTION.key,
        confidence="medium",
        contested=True,
        differing_view="The NHRI rates this higher.",
        expected_revision=0,
        user=world.editor,
    )
    world.assessment.refresh_from_db()
    text = " ".join(pages_text(reports.render_assessment_pdf(world.assessment, language="en")))
    assert (
        "[1] National census 2024 — National Statistics Office (Government, 1 March 2024). "
        f"File census.pdf, SHA-256 {attached.sha256}"
    ) in text
    reference = (
        "[2] Ombudsperson annual report — Office of the Ombudsperson (National human rights "
        "institution). https://ombudsperson.example.org/2025"
    )
    # A long address may break anywhere at the end of a line: compared without the spaces.
    assert reference.replace(" ", "") in text.replace(" ", "")
    assert "Confidence: Medium" in text
    assert "Contested: The NHRI rates this higher." in text
    assert PDF.decode("latin-1") not in text  # the file's content is never in the report


def test_a_deleted_assessment_takes_its_files_with_it_once_committed(
    world, attached, django_capture_on_commit_callbacks
) -> None:
    name = attached.file.name
    with django_capture_on_commit_callbacks(execute=True):
        world.assessment.delete()
    assert not default_storage.exists(name)
