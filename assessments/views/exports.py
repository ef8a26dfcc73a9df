"""Downloads of a whole assessment — its JSON export, a workbook, its evidence files — for those
who answer for it (access.can_export).

Each is an attachment, never kept by a browser or a proxy. Reading one is not recorded in the
read log: its kinds (results, report, review page) are fixed by a migration, and an export is
none of them.
"""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from assessments import access, exports, spreadsheets
from assessments.models import Assessment

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
