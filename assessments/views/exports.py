"""Downloads of a whole assessment — its JSON export, a workbook, its evidence files — for those
who answer for it (access.can_export), and the secretariat's list of assessments as CSV.

Each is an attachment, never kept by a browser or a proxy. Reading one is not recorded in the
read log: its kinds (results, report, review page) are fixed by a migration, and an export is
none of them.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from assessments import access, exports, spreadsheets
from assessments.models import Assessment
from assessments.presenters import filtered_reviewable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _exportable(request: HttpRequest, code: str, cycle: int) -> Assessment:
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    if not access.can_export(request.user, assessment):
        raise PermissionDenied
    return assessment


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Confidential, and out of date at the next change: never kept by a browser or a proxy.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def export_json(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    """Everything written in the assessment, lossless (exports.py): what an import reads."""
    assessment = _exportable(request, code, cycle)
    response = HttpResponse(
        exports.assessment_as_json(assessment), content_type="application/json; charset=utf-8"
    )
    return _attachment(response, exports.export_filename(assessment, ".json"))


@login_required
@require_safe
def export_xlsx(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    assessment = _exportable(request, code, cycle)
    response = HttpResponse(spreadsheets.assessment_workbook(assessment), content_type=XLSX)
    return _attachment(response, exports.export_filename(assessment, ".xlsx"))


@login_required
@require_safe
def evidence_zip(request: HttpRequest, code: str, cycle: int) -> FileResponse:
    """The evidence files as a ZIP, built in a temporary file a file at a time (never all of
    them in memory), which is gone once sent."""
    assessment = _exportable(request, code, cycle)
    archive = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    try:
        exports.write_evidence_zip(assessment, archive)
        archive.seek(0)
    except BaseException:
        archive.close()
        raise
    response = FileResponse(archive, content_type="application/zip")
    return _attachment(response, exports.export_filename(assessment, "-evidence.zip"))


class _Echo:
    """What csv.writer writes to, handing each line back to be streamed."""

    def write(self, line: str) -> str:
        return line


@login_required
@require_safe
def review_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The reviewer's list (the dashboard's, with its filters) as CSV: every page of it, in
    the order of the countries' names, with no figure of risk (spreadsheets.secretariat_rows)."""
    if not access.is_reviewer(request.user):
        raise PermissionDenied
    _form, assessments = filtered_reviewable(request.user, request.GET)
    # Lines are made as they are sent, after this view has returned: in the reader's
    # language and time zone all the same.
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        with translation.override(language), timezone.override(zone):
            yield writer.writerow(spreadsheets.secretariat_header())
            for row in spreadsheets.secretariat_rows(assessments):
                yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"R2P-assessments-{timezone.localdate().isoformat()}.csv"
    return _attachment(response, filename)
