"""manage.py render_report: an assessment's report or the blank questionnaire, to a file."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments import reports, services
from assessments.instrument import CURRENT_VERSION
from assessments.management.commands import render_report
from assessments.models import Assessment, Country
from assessments.scoring import Response
from tests.report_support import mini_instrument, pages_text
from tests.translation_support import pseudo_instruments

# What is tested is the command, not the report: a small instrument renders faster.
small_in_reports = mock.patch.object(reports, "get_instrument", return_value=mini_instrument())
small_in_command = mock.patch.object(
    render_report, "get_instrument", return_value=mini_instrument()
)


def render(*args: str) -> str:
    out = StringIO()
    call_command("render_report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@small_in_reports
def test_it_writes_an_assessments_report_as_it_is_now(_, world, tmp_path) -> None:
    services.set_marking(assessment=world.assessment, marking="unclassified", user=world.editor)
    output = tmp_path / "report.pdf"
    assert "Wrote" in render(str(world.assessment.pk), "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    cover = pages_text(output.read_bytes())[0]
    assert cover.startswith("Arcadia — 2026 self-assessment Country Arcadia Cycle 2026")
    assert "Security marking UNCLASSIFIED" in cover


@small_in_command
def test_it_writes_the_blank_questionnaire_of_the_version_asked(instrument, tmp_path) -> None:
    output = tmp_path / "blank.pdf"
    render("--blank", "--version", "2013-summary/v1", "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    instrument.assert_called_once_with("2013-summary/v1")


@small_in_command
def test_a_language_not_yet_translated_into_is_rendered_in_english_and_said(
    _, tmp_path, settings
) -> None:
    # Arabic's interface is translated here, its questionnaire not.
    settings.R2P_INSTRUMENTS_DIR = pseudo_instruments(tmp_path / "instruments", ("fr",))
    output, err = tmp_path / "blank.pdf", StringIO()
    with mock.patch.object(reports, "render_questionnaire_pdf", return_value=b"%PDF") as blank:
        call_command(
            "render_report", "--blank", "--language", "ar", "--output", str(output), stderr=err
        )
    assert blank.call_args.kwargs["language"] == "en"
    assert "not translated into 'ar' yet: the PDF is in 'en'" in err.getvalue()


@pytest.mark.django_db
def test_an_unknown_assessment_is_an_error(tmp_path) -> None:
    with pytest.raises(CommandError, match="No assessment has id 999"):
        render("999", "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_an_unknown_version_is_an_error(tmp_path) -> None:
    with pytest.raises(CommandError, match="Unknown instrument version 'v9'"):
        render("--blank", "--version", "v9", "--output", str(tmp_path / "x.pdf"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--blank"], "--output FILE"),
        (["--output", "x.pdf"], "either an assessment id or --blank"),
        (["7", "--blank", "--output", "x.pdf"], "either an assessment id or --blank"),
    ],
)
def test_missing_or_conflicting_arguments_are_errors(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        render(*args)


def test_an_assessment_that_is_not_stored_is_shaped_without_the_database() -> None:
    """`make bench` renders the demo report in a process of its own, with no database: the
    comparison with an earlier cycle and the links marked not relevant need a stored one."""
    assessment = Assessment(
        country=Country(name="Arcadia", code="XA"),
        cycle=2026,
        revision=3,
        instrument_version=CURRENT_VERSION,
    )
    document = reports.assessment_document(
        assessment, {"risk.armed_conflict": Response("high", "Border clashes.")}, language="en"
    )
    assert "Border clashes." in document.html
    assert "What changed since" not in document.html
