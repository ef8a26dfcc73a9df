"""An assessment as files that leave the app: the lossless JSON export and its reading back
(for an import, services/transfer.py), and its evidence files as a ZIP. The spreadsheets are
spreadsheets.py's.

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

import datetime
import json
import re
import shutil
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import IO, Any

import jsonschema
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessments.instrument import Instrument, UnknownVersionError, get_instrument
from assessments.models import Action, Assessment, ReviewComment, Source
from assessments.results import question_numbers

FORMAT = "r2p-assess/assessment"
FORMAT_VERSION = 1
EVIDENCE_FORMAT = "r2p-assess/evidence"
MANIFEST = "manifest.json"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "assessment-export.schema.json"
# Keys of an event's detail that name an item of the export by its database id.
REFERENCES = ("action", "comment", "source")


class ExportError(ValueError):
    """A file that is not an export this installation can read; the message says why."""


# Writing ------------------------------------------------------------------------------------


def timestamp(value: datetime.datetime | None) -> str | None:
    return value.astimezone(datetime.UTC).isoformat() if value is not None else None


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _who(user: AbstractBaseUser | None) -> str | None:
    return user.get_username() if user is not None else None


def _canonical(value: Any) -> Any:
    """JSON as recorded, with every object's keys sorted: PostgreSQL's jsonb keeps them in an
    order of its own, and an export is the same file whichever database it came from."""
    if isinstance(value, dict):
        return {key: _canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def questionnaire_order(instrument: Instrument) -> dict[str, int]:
    return {question.key: index for index, question in enumerate(instrument.questions)}


def _by_question(order: Mapping[str, int], key: str) -> tuple[int, str]:
    # A key the instrument does not have (none should be stored) comes last, by name.
    return (order.get(key, len(order)), key)


def ordered_sources(assessment: Assessment, instrument: Instrument) -> list[Source]:
    """In questionnaire order; a question's sources as they were added."""
    order = questionnaire_order(instrument)
    sources = assessment.sources.select_related("created_by").order_by("id")
    return sorted(sources, key=lambda source: _by_question(order, source.question_key))


def ordered_actions(assessment: Assessment) -> list[Action]:
    return list(
        assessment.actions.select_related("created_by", "updated_by", "carried_from").order_by("id")
    )


def _carried_from(actions: Iterable[Action]) -> dict[int, dict[str, int]]:
    """Each carried action's origin as (cycle, position in that cycle's export)."""
    earlier: dict[int, tuple[int, list[int]]] = {}  # assessment: its cycle, its actions
    origins = {}
    for action in actions:
        origin = action.carried_from
        if origin is None:
            continue
        if origin.assessment_id not in earlier:
            cycle = Assessment.objects.values_list("cycle", flat=True).get(pk=origin.assessment_id)
            ids = Action.objects.filter(assessment=origin.assessment_id).order_by("id")
            earlier[origin.assessment_id] = (cycle, list(ids.values_list("id", flat=True)))
        cycle, ids = earlier[origin.assessment_id]
        origins[action.pk] = {"cycle": cycle, "action": ids.index(origin.pk) + 1}
    return origins


def assessment_as_dict(assessment: Assessment) -> dict[str, Any]:
    """Everything written in the assessment, in the export's format (module docstring)."""
    instrument = get_instrument(assessment.instrument_version)
    order = questionnaire_order(instrument)
    country = assessment.country
    answers = sorted(
        assessment.answers.select_related("updated_by"),
        key=lambda a: _by_question(order, a.question_key),
    )
    judgements = sorted(
        assessment.judgements.select_related("updated_by"),
        key=lambda j: _by_question(order, j.question_key),
    )
    sources = ordered_sources(assessment, instrument)
    actions = ordered_actions(assessment)
    comments = list(
        ReviewComment.objects.filter(assessment=assessment)
        .select_related("author", "replied_by")
        .order_by("id")
    )
    positions = {
        "source": {source.pk: n for n, source in enumerate(sources, start=1)},
        "action": {action.pk: n for n, action in enumerate(actions, start=1)},
        "comment": {comment.pk: n for n, comment in enumerate(comments, start=1)},
    }
    origins = _carried_from(actions)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timestamp(timezone.now()),
        "instrument_version": assessment.instrument_version,
        "country": {"code": country.code, "name": country.name, "region": country.region},
        "cycle": assessment.cycle,
        "status": assessment.status,
        "marking": assessment.marking,
        "created_at": timestamp(assessment.created_at),
        "created_by": _who(assessment.created_by),
        "updated_at": timestamp(assessment.updated_at),
        "updated_by": _who(assessment.updated_by),
        "submitted_at": timestamp(assessment.submitted_at),
        "accepted_at": timestamp(assessment.accepted_at),
        "answers": [
            {
                "question": answer.question_key,
                "value": answer.value,
                "note": answer.note,
                "keep_out_of_report": answer.keep_out_of_report,
                "updated_at": timestamp(answer.updated_at),
                "updated_by": _who(answer.updated_by),
            }
            for answer in answers
        ],
        "judgements": [
            {
                "question": judgement.question_key,
                "confidence": judgement.confidence,
                "contested": judgement.contested,
                "differing_view": judgement.differing_view,
                "updated_at": timestamp(judgement.updated_at),
                "updated_by": _who(judgement.updated_by),
            }
            for judgement in judgements
        ],
        "sources": [
            {
                "question": source.question_key,
                "title": source.title,
                "issuer": source.issuer,
                "kind": source.kind,
                "issued": _day(source.issued),
                "url": source.url,
                "file": {
                    "name": source.file_name,
                    "content_type": source.content_type,
                    "size": source.size or 0,
                    "sha256": source.sha256,
                }
                if source.file
                else None,
                "created_at": timestamp(source.created_at),
                "created_by": _who(source.created_by),
            }
            for source in sources
        ],
        "actions": [
            {
                "what": action.what,
                "lead": action.lead,
                "due": _day(action.due),
                "status": action.status,
                "reason": action.reason,
                "indicator": action.indicator,
                "questions": list(action.questions),
                "carried_from": origins.get(action.pk),
                "to_confirm": action.to_confirm,
                "created_at": timestamp(action.created_at),
                "created_by": _who(action.created_by),
                "updated_at": timestamp(action.updated_at),
                "updated_by": _who(action.updated_by),
            }
            for action in actions
        ],
        "dismissed_links": [
            {
                "risk": link.risk_key,
                "measure": link.measure_key,
                "reason": link.reason,
                "created_at": timestamp(link.created_at),
                "created_by": _who(link.created_by),
            }
            for link in assessment.dismissals.select_related("created_by").order_by(
                "risk_key", "measure_key"
            )
        ],
        "comments": [
            {
                "question": comment.question_key,
                "action": positions["action"].get(comment.action_id),
                "text": comment.text,
                "author": _who(comment.author),
                "created_at": timestamp(comment.created),
                "reply": comment.reply,
                "replied_by": _who(comment.replied_by),
                "replied_at": timestamp(comment.replied_at),
                "resolved": comment.resolved,
            }
            for comment in comments
        ],
        "events": [
            {
                "kind": event.kind,
                "detail": _canonical(_positions_for_ids(event.detail, positions)),
                "at": timestamp(event.at),
                "user": _who(event.user),
            }
            for event in assessment.events.select_related("user").order_by("id")
        ],
    }


def _positions_for_ids(detail: Any, positions: Mapping[str, Mapping[int, int]]) -> Any:
    if not isinstance(detail, dict):
        return detail
    return {
        key: positions[key].get(value) if key in REFERENCES and _is_id(value) else value
        for key, value in detail.items()
    }


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def assessment_as_json(assessment: Assessment) -> str:
    return as_json(assessment_as_dict(assessment))


def export_filename(assessment: Assessment, suffix: str) -> str:
    """`R2P-self-assessment-XA-2025.json`, `...-XA-2025.xlsx`, `...-XA-2025-evidence.zip`."""
    return f"R2P-self-assessment-{assessment.country.code}-{assessment.cycle}{suffix}"


# The evidence files -------------------------------------------------------------------------

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
    import zipfile

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


# Reading back -------------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date", raises=ValueError)
    def is_date(value: object) -> bool:
        return not isinstance(value, str) or bool(datetime.date.fromisoformat(value))

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        # With its offset: a time without one means a different instant in each installation.
        return not isinstance(value, str) or (
            "T" in value and datetime.datetime.fromisoformat(value).tzinfo is not None
        )

    return checker


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def read_export(raw: bytes | str) -> dict[str, Any]:
    """The export in `raw`, checked to be one this installation can import: JSON of the
    format and format version it reads, matching the schema, on a questionnaire version it
    has, naming only that version's questions and choices. ExportError says what is wrong."""
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ExportError(_("The file is not JSON: %(error)s.") % {"error": error}) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExportError(
            _('The file is not an R2P Assess assessment export: its "format" is not "%(format)s".')
            % {"format": FORMAT}
        )
    version = data.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise ExportError(
            _(
                "The export is in format version %(version)s, which this installation does not "
                "read: it reads version %(known)s."
            )
            % {"version": json.dumps(version), "known": FORMAT_VERSION}
        )
    validator = jsonschema.Draft202012Validator(schema(), format_checker=_format_checker())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/" + "/".join(str(part) for part in error.absolute_path)
        message = error.message if len(error.message) <= 300 else error.message[:300] + "…"
        raise ExportError(
            _("The file does not match the export format at %(where)s: %(error)s")
            % {"where": where, "error": message}
        )
    try:
        instrument = get_instrument(data["instrument_version"])
    except UnknownVersionError:
        raise ExportError(
            _(
                "The assessment was answered on questionnaire %(version)s, which this "
                "installation does not have."
            )
            % {"version": data["instrument_version"]}
        ) from None
    _check_content(data, instrument)
    return data


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _check_content(data: Mapping[str, Any], instrument: Instrument) -> None:
    """What the schema cannot say: the questions and choices are the instrument's, each
    question answered and judged once, references point at something."""
    if any("\x00" in text for text in _strings(data)):
        raise ExportError(_("The file holds a NUL character, which no text here can hold."))

    def known(key: str, where: str) -> None:
        try:
            instrument.question(key)
        except KeyError:
            raise ExportError(
                _("%(where)s: questionnaire %(version)s has no question %(key)s.")
                % {"where": where, "version": instrument.version, "key": key}
            ) from None

    for name in ("answers", "judgements"):
        seen = set()
        for n, item in enumerate(data[name], start=1):
            where = f"/{name}/{n - 1}"
            known(item["question"], where)
            if item["question"] in seen:
                raise ExportError(
                    _("%(where)s: question %(key)s is there twice.")
                    % {"where": where, "key": item["question"]}
                )
            seen.add(item["question"])
    for n, answer in enumerate(data["answers"]):
        question = instrument.question(answer["question"])
        if answer["value"] and answer["value"] not in question.choice_values:
            raise ExportError(
                _("/answers/%(n)s: %(value)s is not an answer question %(key)s offers.")
                % {"n": n, "value": answer["value"], "key": question.key}
            )
    url = URLValidator()
    for n, source in enumerate(data["sources"]):
        known(source["question"], f"/sources/{n}")
        if source["url"]:
            try:
                url(source["url"])
            except ValidationError:
                raise ExportError(
                    _("/sources/%(n)s: %(url)s is not a link.") % {"n": n, "url": source["url"]}
                ) from None
    for n, action in enumerate(data["actions"]):
        for key in action["questions"]:
            known(key, f"/actions/{n}/questions")
    links = set()
    for n, link in enumerate(data["dismissed_links"]):
        known(link["risk"], f"/dismissed_links/{n}")
        known(link["measure"], f"/dismissed_links/{n}")
        pair = (link["risk"], link["measure"])
        if link["measure"] not in instrument.question(link["risk"]).mitigated_by or pair in links:
            raise ExportError(
                _("/dismissed_links/%(n)s: not a link the questionnaire suggests, or there twice.")
                % {"n": n}
            )
        links.add(pair)
    counts = {"action": len(data["actions"]), "comment": len(data["comments"])}
    counts["source"] = len(data["sources"])
    for n, comment in enumerate(data["comments"]):
        if comment["question"]:
            known(comment["question"], f"/comments/{n}")
        if comment["action"] is not None and comment["action"] > counts["action"]:
            raise ExportError(
                _("/comments/%(n)s: there is no action %(position)s.")
                % {"n": n, "position": comment["action"]}
            )
    for n, event in enumerate(data["events"]):
        for key in REFERENCES:
            value = event["detail"].get(key)
            if _is_id(value) and not 1 <= value <= counts[key]:
                raise ExportError(
                    _("/events/%(n)s/detail: there is no %(item)s %(position)s.")
                    % {"n": n, "item": key, "position": value}
                )
