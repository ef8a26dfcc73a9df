"""An export read back: checked to be one this installation can import, before anything is
written."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from assessments.exports.document import FORMAT, FORMAT_VERSION, REFERENCES, ExportError, _is_id
from assessments.instrument import Instrument, UnknownVersionError, get_instrument

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "assessment-export.schema.json"


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
