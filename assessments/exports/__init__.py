"""An assessment as files that leave the app: the lossless JSON export (document.py) and its
reading back for an import (reading.py; the import itself is services/transfer.py), and its
evidence files as a ZIP (evidence.py). The spreadsheets are spreadsheets.py's.

The JSON's format is `schemas/assessment-export.schema.json` (FORMAT, FORMAT_VERSION). Nothing
in it is a database id, which means nothing in another installation: an action, a comment or a
source is named by its position (from 1) in the export's own lists, in an order that the
import keeps (each list is written in the order its rows were made, and an import makes them
in that order), and an action carried from an earlier cycle by that cycle and its position in
that cycle's export. People are named by username alone; a file by its name, type, size and
SHA-256, its bytes being the evidence ZIP's. Every time is in UTC, to the microsecond, so that
an export of an import is the same file, bar the country, the cycle and `exported_at`.
"""

from __future__ import annotations

from assessments.exports.document import (
    FORMAT,
    FORMAT_VERSION,
    REFERENCES,
    ExportError,
    as_json,
    assessment_as_dict,
    assessment_as_json,
    export_filename,
    ordered_actions,
    ordered_sources,
    timestamp,
)
from assessments.exports.evidence import (
    EVIDENCE_FORMAT,
    MANIFEST,
    EvidenceZip,
    evidence_name,
    write_evidence_zip,
)
from assessments.exports.reading import SCHEMA_PATH, read_export, schema

__all__ = [
    "EVIDENCE_FORMAT",
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "REFERENCES",
    "SCHEMA_PATH",
    "EvidenceZip",
    "ExportError",
    "as_json",
    "assessment_as_dict",
    "assessment_as_json",
    "evidence_name",
    "export_filename",
    "ordered_actions",
    "ordered_sources",
    "read_export",
    "schema",
    "timestamp",
    "write_evidence_zip",
]
