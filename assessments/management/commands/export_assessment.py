"""Write an assessment as the export's JSON (assessments/schemas/assessment-export.schema.json),
and its evidence files as a ZIP: what import_assessment reads back, here or elsewhere."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments import exports
from assessments.models import Assessment


def private_file(path: str) -> int:
    """A new file readable by this user only, as the app keeps its own (the export holds every
    note, comment and name)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)


class Command(BaseCommand):
    help = (
        "Write an assessment as JSON (export_assessment CODE CYCLE [--output FILE]; standard "
        "output without --output), and with --evidence ZIP its evidence files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The country's code, e.g. XA.")
        parser.add_argument("cycle", type=int, help="The cycle (year), e.g. 2025.")
        parser.add_argument("--output", "-o", help="The JSON file to write (default: stdout).")
        parser.add_argument(
            "--evidence", help="Also write the evidence files, with a manifest, to this ZIP."
        )

    def handle(
        self,
        *args: Any,
        code: str,
        cycle: int,
        output: str | None,
        evidence: str | None,
        **options: Any,
    ) -> None:
        try:
            assessment = Assessment.objects.select_related("country").get(
                country__code=code.upper(), cycle=cycle
            )
        except Assessment.DoesNotExist:
            raise CommandError(f"There is no {code.upper()} {cycle} assessment.") from None
        text = exports.assessment_as_json(assessment)
        try:
            if output:
                with os.fdopen(private_file(output), "w", encoding="utf-8") as handle:
                    handle.write(text)
            if evidence:
                with os.fdopen(private_file(evidence), "wb") as handle:
                    manifest = exports.write_evidence_zip(assessment, handle)
        except OSError as error:
            raise CommandError(f"Cannot write {error.filename}: {error.strerror}.") from None
        if not output:
            self.stdout.write(text, ending="")
        else:
            self.stdout.write(f"Wrote {output} ({Path(output).stat().st_size // 1024} KB).")
        if evidence:
            self.stdout.write(f"Wrote {evidence}: {len(manifest['files'])} files.")
            for missing in manifest["missing"]:
                self.stderr.write(
                    f"Not in storage, so not in the ZIP: {missing['title']} "
                    f"({missing['file_name']}, SHA-256 {missing['sha256']})."
                )
