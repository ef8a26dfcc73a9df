"""Render an assessment's PDF report, or the blank questionnaire, to a file (no cache)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from assessments import reports
from assessments.instrument import CURRENT_VERSION, available_versions, get_instrument
from assessments.models import Assessment


class Command(BaseCommand):
    help = (
        "Render an assessment's PDF report (render_report PK --output FILE) or the blank "
        "questionnaire (render_report --blank [--version V] --output FILE)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Django's own --version (its version number) gives way to the instrument's.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment", nargs="?", type=int, help="The assessment's id.")
        parser.add_argument("--output", "-o", help="The PDF file to write.")
        parser.add_argument("--blank", action="store_true", help="The blank questionnaire instead.")
        parser.add_argument(
            "--version",
            default=CURRENT_VERSION,
            help=f"With --blank: the instrument version (default: {CURRENT_VERSION}).",
        )
        parser.add_argument(
            "--language", default="en", help="The language to render in (default: en)."
        )

    def handle(
        self,
        *args: Any,
        assessment: int | None,
        output: str | None,
        blank: bool,
        version: str,
        language: str,
        **options: Any,
    ) -> None:
        if not output:
            raise CommandError("Say where to write the PDF: --output FILE.")
        if blank == (assessment is not None):
            raise CommandError(
                "Give either an assessment id or --blank (for the blank questionnaire)."
            )
        rendered_in = reports.report_language(language)
        if rendered_in != language:
            self.stderr.write(
                f"The app is not translated into {language!r} yet: the PDF is in {rendered_in!r}."
            )
            language = rendered_in
        if blank:
            if version not in available_versions():
                raise CommandError(
                    f"Unknown instrument version {version!r}. "
                    f"Available: {', '.join(available_versions())}."
                )
            with translation.override(language):  # the questionnaire's words too
                instrument = get_instrument(version)
            pdf = reports.render_questionnaire_pdf(instrument, language=language)
        else:
            try:
                found = Assessment.objects.select_related("country").get(pk=assessment)
            except Assessment.DoesNotExist:
                raise CommandError(f"No assessment has id {assessment}.") from None
            pdf = reports.render_assessment_pdf(found, language=language)
        Path(output).write_bytes(pdf)
        self.stdout.write(f"Wrote {output} ({len(pdf) // 1024} KB).")
