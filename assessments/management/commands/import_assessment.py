"""Load an assessment exported by export_assessment (or downloaded as export.json) into this
installation: all or nothing (services/transfer.py says where it goes and what it checks)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments import services
from assessments.exports import ExportError


class Command(BaseCommand):
    help = (
        "Import an assessment from its JSON export: import_assessment FILE [--evidence ZIP] "
        "[--code XY] [--cycle YEAR]. A country code or cycle that is taken here is replaced "
        "by a free one, and said so; one given with --code or --cycle that is taken is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The JSON export.")
        parser.add_argument(
            "--evidence",
            help="The evidence ZIP exported with it: needed when a source is a file.",
        )
        parser.add_argument("--code", help="Import under this country code (e.g. XC).")
        parser.add_argument("--cycle", type=int, help="Import as this cycle (year).")

    def handle(
        self,
        *args: Any,
        file: str,
        evidence: str | None,
        code: str | None,
        cycle: int | None,
        **options: Any,
    ) -> None:
        with ExitStack() as stack:
            try:
                raw = Path(file).read_bytes()
                handle = stack.enter_context(open(evidence, "rb")) if evidence else None
            except OSError as error:
                raise CommandError(f"Cannot read {error.filename}: {error.strerror}.") from None
            try:
                imported = services.import_assessment(
                    raw=raw, evidence=handle, code=code, cycle=cycle, user=None
                )
            except (ExportError, services.ImportRefused) as error:
                raise CommandError(f"{file}: {error} Nothing was imported.") from None
        assessment = imported.assessment
        self.stdout.write(
            f"Imported {assessment.country.code} {assessment.cycle} ({assessment.country.name}): "
            f"{assessment.answers.count()} answers, {assessment.sources.count()} sources, "
            f"{assessment.actions.count()} actions, {assessment.comments.count()} comments, "
            f"{assessment.events.count()} events."
        )
        for note in imported.notes:
            self.stdout.write(note)
