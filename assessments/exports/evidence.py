"""The evidence files of an assessment as a ZIP, each under a readable name with a
manifest.json saying which source it is; and such a ZIP read back, for an import."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any

from django.core.files.storage import default_storage
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessments.evidence_files import MAX_BYTES
from assessments.exports.document import (
    FORMAT_VERSION,
    ExportError,
    as_json,
    ordered_sources,
)
from assessments.instrument import get_instrument
from assessments.models import Assessment, Source
from assessments.results import question_numbers

EVIDENCE_FORMAT = "r2p-assess/evidence"
MANIFEST = "manifest.json"

_CHUNK = 1024 * 1024


def evidence_name(number: str, index: int, source: Source) -> str:
    """A readable name, unique in the ZIP: `1.2-01-census-2024.pdf` is question 1.2's first
    source. The extension is the stored file's, which its content decided."""
    stem = slugify(Path(source.file_name).stem)[:60].strip("-") or "file"
    extension = Path(source.file.name).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", extension):
        extension = ""
    return f"{number}-{index:02d}-{stem}{extension}"


def write_evidence_zip(assessment: Assessment, target: IO[bytes]) -> dict[str, Any]:
    """Write the assessment's evidence files into `target` as a ZIP, each under a readable
    name, with a manifest.json saying which source each is. One file at a time is read from
    storage, in chunks: never all of them at once. A file missing from storage is listed in
    the manifest's `missing`. Returns the manifest."""

    instrument = get_instrument(assessment.instrument_version)
    numbers = question_numbers(instrument)
    files, missing = [], []
    index: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for position, source in enumerate(ordered_sources(assessment, instrument), start=1):
            index[source.question_key] = index.get(source.question_key, 0) + 1
            if not source.file:
                continue
            number = numbers.get(source.question_key, "0")
            entry = {
                "source": position,
                "question": source.question_key,
                "number": number,
                "title": source.title,
                "file_name": source.file_name,
                "content_type": source.content_type,
                "size": source.size or 0,
                "sha256": source.sha256,
            }
            try:
                handle = default_storage.open(source.file.name, "rb")
            except (FileNotFoundError, OSError):
                missing.append(entry)
                continue
            member = zipfile.ZipInfo(
                evidence_name(number, index[source.question_key], source),
                date_time=source.created_at.astimezone(datetime.UTC).timetuple()[:6],
            )
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16  # unpacked readable by its owner only
            with handle, archive.open(member, "w", force_zip64=True) as out:
                shutil.copyfileobj(handle, out, _CHUNK)
            files.append({"name": member.filename, **entry})
        manifest = {
            "format": EVIDENCE_FORMAT,
            "format_version": FORMAT_VERSION,
            "country": assessment.country.code,
            "cycle": assessment.cycle,
            "files": files,
            "missing": missing,
        }
        archive.writestr(MANIFEST, as_json(manifest))
    return manifest


_MAX_MANIFEST_BYTES = 10 * 1024 * 1024


class EvidenceZip:
    """An evidence ZIP read back: its files found by the SHA-256 its manifest gives them, each
    copied out whole (never more than an upload may be) and checked to be that digest. Any
    problem is an ExportError that says which file."""

    def __init__(self, file: IO[bytes]) -> None:
        try:
            self.archive = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise ExportError(_("The evidence file is not a ZIP.")) from None
        try:
            self.by_digest = self._manifest()
        except BaseException:
            self.archive.close()
            raise

    def __enter__(self) -> EvidenceZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.archive.close()

    def _manifest(self) -> dict[str, str]:
        """{SHA-256: name in the ZIP}, from manifest.json."""
        problem = ExportError(_("The evidence ZIP has no readable manifest.json."))
        try:
            info = self.archive.getinfo(MANIFEST)
            if info.file_size > _MAX_MANIFEST_BYTES:
                raise problem
            manifest = json.loads(self.archive.read(info))
        except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
            raise problem from None
        if not isinstance(manifest, dict) or manifest.get("format") != EVIDENCE_FORMAT:
            raise problem
        files, names = manifest.get("files"), set(self.archive.namelist())
        if not isinstance(files, list):
            raise problem
        found = {}
        for entry in files:
            if not isinstance(entry, dict) or entry.get("name") not in names:
                raise problem
            found.setdefault(str(entry.get("sha256")), entry["name"])
        return found

    def copy(self, sha256: str, *, source: str) -> IO[bytes]:
        """A temporary file (the caller closes it) holding the file of that digest; `source`
        names the source it is for, in the messages."""
        member = self.by_digest.get(sha256)
        if member is None:
            raise ExportError(
                _("The evidence ZIP has no file for %(source)s (SHA-256 %(sha256)s).")
                % {"source": source, "sha256": sha256}
            )
        too_large = ExportError(
            _("%(name)s in the evidence ZIP is larger than a file may be.") % {"name": member}
        )
        copy = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
        try:
            digest, size = hashlib.sha256(), 0
            try:
                if self.archive.getinfo(member).file_size > MAX_BYTES:
                    raise too_large
                with self.archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        size += len(chunk)
                        if size > MAX_BYTES:
                            raise too_large
                        digest.update(chunk)
                        copy.write(chunk)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
                raise ExportError(
                    _("%(name)s in the evidence ZIP cannot be read.") % {"name": member}
                ) from None
            if digest.hexdigest() != sha256:
                raise ExportError(
                    _(
                        "%(name)s in the evidence ZIP is not the file exported for %(source)s: "
                        "its SHA-256 is %(found)s, the export's %(expected)s."
                    )
                    % {
                        "name": member,
                        "source": source,
                        "found": digest.hexdigest(),
                        "expected": sha256,
                    }
                )
            copy.seek(0)
            return copy
        except BaseException:
            copy.close()
            raise
