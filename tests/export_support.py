"""For the export and import tests: an assessment with something of everything an export
carries (answers, one note kept out of the report, a judgement, a link and a file, an action
plan with a comment on an action, a dismissed link, a comment with its reply), and its export
written by the command."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from assessments import services
from assessments.evidence_files import check_file
from assessments.instrument import get_instrument
from assessments.models import Action, Assessment, ReviewComment
from assessments.scoring import Response

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n"
# What a spreadsheet would run as a formula, were it not escaped.
HOSTILE = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]


def add_file(assessment: Assessment, user: object, key: str, name: str, content: bytes) -> None:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    services.add_source(
        assessment=assessment,
        question_key=key,
        title=f"File {name}",
        issuer="Statistics Office",
        kind="government",
        issued=datetime.date(2024, 3, 1),
        url="",
        upload=upload,
        checked=check_file(upload),
        user=user,
    )


def fill(assessment: Assessment, editor: object, reviewer: object) -> dict[str, Any]:
    """Give `assessment` (a draft) one of everything; returns what a test may look for."""
    instrument = get_instrument(assessment.instrument_version)
    section = instrument.section("risks")
    risks = [q for q in section.questions if q.kind == "risk"]
    first, second = risks[0], risks[1]
    services.save_answers(
        assessment=assessment,
        section_key=section.key,
        responses={
            first.key: Response("high", HOSTILE[0]),
            second.key: Response("low", "Kept out: names a village.", keep_out_of_report=True),
        },
        user=editor,
        expected_revision=0,
    )
    services.judge_answer(
        assessment=assessment,
        question_key=first.key,
        confidence="medium",
        contested=True,
        differing_view="-The ombudsperson reads it as moderate.",
        expected_revision=0,
        user=editor,
    )
    services.add_source(
        assessment=assessment,
        question_key=first.key,
        title="@Annual report",
        issuer="Ombudsperson",
        kind="nhri",
        issued=None,
        url="https://example.org/report",
        upload=None,
        checked=None,
        user=editor,
    )
    add_file(assessment, editor, first.key, "Census 2024.pdf", PDF)
    measure = first.mitigated_by[0]
    services.dismiss_link(
        assessment=assessment,
        risk_key=first.key,
        measure_key=measure,
        reason="Covered by another body.",
        user=editor,
    )
    plan = [
        Action.objects.create(
            assessment=assessment,
            what="+Adopt an early-warning protocol",
            lead="Ministry of Interior",
            due=datetime.date(2026, 12, 31),
            status=Action.Status.UNDER_WAY,
            indicator="Cabinet decision published",
            questions=[first.key, measure],
            created_by=editor,
            updated_by=editor,
        ),
        Action.objects.create(
            assessment=assessment,
            what="Census of the highlands",
            lead="Statistics Office",
            status=Action.Status.DROPPED,
            reason="No budget.",
            created_by=editor,
        ),
    ]
    comment = services.add_comment(
        assessment=assessment, user=reviewer, question_key=first.key, text="What source?"
    )
    ReviewComment.objects.filter(pk=comment.pk).update(
        reply="The census.", replied_by=editor, replied_at=timezone.now(), resolved=True
    )
    ReviewComment.objects.create(
        assessment=assessment, author=reviewer, action=plan[1], text="Why dropped?"
    )
    return {"first": first, "second": second, "measure": measure, "actions": plan}


def export(tmp_path: Path, code: str = "XA", cycle: int = 2026) -> tuple[Path, Path]:
    json_path, zip_path = tmp_path / f"{code}-{cycle}.json", tmp_path / f"{code}-{cycle}.zip"
    call_command(
        "export_assessment",
        code,
        str(cycle),
        "--output",
        str(json_path),
        "--evidence",
        str(zip_path),
        stdout=io.StringIO(),
    )
    return json_path, zip_path
