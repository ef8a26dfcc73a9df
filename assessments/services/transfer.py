"""Bringing an assessment exported from an installation (exports.py) into this one: all of it
or nothing, in one transaction, with its evidence files restored from the evidence ZIP.

Where it goes: the file's country code and cycle, unless that cycle is taken here (or the code
is another country's), in which case a new country under the first free user-assigned code
(XA to XZ, QM to QZ, AA, ZZ) that is named as the file names it, "(code)" added where the name is
taken; a code or cycle asked for (`code`, `cycle`) is used as asked, or the import is refused
if taken. Into an existing country only when its code and name are the file's, or its code
was asked for: its members then see the assessment.

People are matched by username; one unknown here is left empty, and the notes say who. A
source with a file needs the evidence ZIP exported with it: the file is found there by its
SHA-256, checked by content as an upload is (evidence_files.py), and kept under a new random
name; a file that is not there, or not the one exported, refuses the whole import. A source's
row cannot be without both its link and its file (the database says so), and keeping one that
points at nothing would pass an absent document off as evidence.

The history is imported as it was recorded, times and all, and no event is added for the
import itself: there is no kind of event for it (adding one needs a migration), and none of
the existing kinds would say truly what happened. The admin's log records an import made
there; the command prints what it did.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.evidence_files import CheckedFile, check_file
from assessments.exports import REFERENCES, EvidenceZip, read_export
from assessments.models import (
    Action,
    Answer,
    Assessment,
    AssessmentEvent,
    Country,
    DismissedLink,
    Judgement,
    ReviewComment,
    Source,
)
from assessments.services.core import _touch
from assessments.services.evidence import stored_name

# ISO 3166's user-assigned codes, which no real State has: a copy is never a real country's.
USER_ASSIGNED_CODES = (
    *(f"X{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    *(f"Q{letter}" for letter in "MNOPQRSTUVWXYZ"),
    "AA",
    "ZZ",
)


class ImportRefused(ValueError):
    """The export is readable, but cannot be imported as asked; nothing was written."""


@dataclass
class Imported:
    assessment: Assessment
    notes: list[str] = field(default_factory=list)  # where it went, who and what was left out


def import_assessment(
    *,
    raw: bytes | str,
    evidence: IO[bytes] | None = None,
    code: str | None = None,
    cycle: int | None = None,
    user: AbstractBaseUser | None = None,
) -> Imported:
    """Import the export in `raw` (exports.read_export says what it must be: ExportError if it
    is not, or if its evidence ZIP is not the one exported with it), with its evidence ZIP;
    ImportRefused if it cannot be imported as asked. Nothing is written unless all of it is."""
    data = read_export(raw)
    if code is not None and not re.fullmatch(r"[A-Z]{2}", code):
        raise ImportRefused(_("A country code is two capital letters, e.g. XA."))
    if cycle is not None and not 2013 <= cycle <= 2100:
        raise ImportRefused(_("A cycle is a year from 2013 to 2100."))
    stored: list[str] = []
    try:
        return _import(data=data, evidence=evidence, code=code, cycle=cycle, user=user, into=stored)
    except BaseException as error:
        # No file is kept whose row was not written (Django has no on-rollback hook).
        for name in stored:
            default_storage.delete(name)
        if isinstance(error, IntegrityError):
            raise ImportRefused(
                _("The country or cycle was taken meanwhile: try again.")
            ) from error
        raise


@transaction.atomic
def _import(
    *,
    data: Mapping[str, Any],
    evidence: IO[bytes] | None,
    code: str | None,
    cycle: int | None,
    user: AbstractBaseUser | None,
    into: list[str],
) -> Imported:
    notes: list[str] = []
    country, cycle = _place(data, code=code, cycle=cycle, notes=notes)
    files = _restore_files(data["sources"], evidence, into)
    people = _people(data, notes)

    def who(username: str | None) -> AbstractBaseUser | None:
        return people.get(username) if username else None

    assessment = Assessment(
        country=country,
        cycle=cycle,
        instrument_version=data["instrument_version"],
        status=data["status"],
        marking=data["marking"],
        revision=1,
        created_by=who(data["created_by"]),
        updated_by=who(data["updated_by"]),
        submitted_at=_time(data["submitted_at"]),
        accepted_at=_time(data["accepted_at"]),
    )
    try:
        # Whoever began it may be unknown here (or was already gone there): no one is allowed.
        assessment.full_clean(exclude=["created_by", "updated_by"])
    except ValidationError as error:
        raise ImportRefused(" ".join(error.messages)) from None
    assessment.save()

    _create(
        Answer,
        [
            (
                Answer(
                    assessment=assessment,
                    question_key=a["question"],
                    value=a["value"],
                    note=a["note"],
                    keep_out_of_report=a["keep_out_of_report"],
                    revision=1,
                    updated_by=who(a["updated_by"]),
                ),
                {"updated_at": _time(a["updated_at"])},
            )
            for a in data["answers"]
        ],
    )
    _create(
        Judgement,
        [
            (
                Judgement(
                    assessment=assessment,
                    question_key=j["question"],
                    confidence=j["confidence"],
                    contested=j["contested"],
                    differing_view=j["differing_view"],
                    revision=1,
                    updated_by=who(j["updated_by"]),
                ),
                {"updated_at": _time(j["updated_at"])},
            )
            for j in data["judgements"]
        ],
    )
    sources = _create(
        Source,
        (
            (_source(assessment, s, files.get(n), who), {"created_at": _time(s["created_at"])})
            for n, s in enumerate(data["sources"])
        ),
    )
    origins = _origins(country, cycle, data["actions"], notes)
    actions = _create(
        Action,
        (
            (
                Action(
                    assessment=assessment,
                    what=a["what"],
                    lead=a["lead"],
                    due=_date(a["due"]),
                    status=a["status"],
                    reason=a["reason"],
                    indicator=a["indicator"],
                    questions=list(a["questions"]),
                    carried_from_id=origins[n],
                    to_confirm=a["to_confirm"],
                    revision=1,
                    created_by=who(a["created_by"]),
                    updated_by=who(a["updated_by"]),
                ),
                {"created_at": _time(a["created_at"]), "updated_at": _time(a["updated_at"])},
            )
            for n, a in enumerate(data["actions"])
        ),
    )
    _create(
        DismissedLink,
        (
            (
                DismissedLink(
                    assessment=assessment,
                    risk_key=d["risk"],
                    measure_key=d["measure"],
                    reason=d["reason"],
                    created_by=who(d["created_by"]),
                ),
                {"created_at": _time(d["created_at"])},
            )
            for d in data["dismissed_links"]
        ),
    )
    comments = _create(
        ReviewComment,
        (
            (
                ReviewComment(
                    assessment=assessment,
                    question_key=c["question"],
                    action=actions[c["action"] - 1] if c["action"] else None,
                    text=c["text"],
                    author=who(c["author"]),
                    reply=c["reply"],
                    replied_by=who(c["replied_by"]),
                    replied_at=_time(c["replied_at"]),
                    resolved=c["resolved"],
                ),
                {"created": _time(c["created_at"])},
            )
            for c in data["comments"]
        ),
    )
    pks = {
        "action": [a.pk for a in actions],
        "comment": [c.pk for c in comments],
        "source": [s.pk for s in sources],
    }
    # Each event keeps the time it was recorded at, set in the transaction that writes it.
    _create(
        AssessmentEvent,
        (
            (
                AssessmentEvent(
                    assessment=assessment,
                    user=who(e["user"]),
                    kind=e["kind"],
                    detail=_ids_for_positions(e["detail"], pks),
                ),
                {"at": _time(e["at"])},
            )
            for e in data["events"]
        ),
    )
    # The revision moves on and the progress is counted; "last edited" stays the country's.
    _touch(assessment, user=user, reviewing=True)
    times = {"created_at": _time(data["created_at"]), "updated_at": _time(data["updated_at"])}
    Assessment.objects.filter(pk=assessment.pk).update(**times)
    for name, value in times.items():
        setattr(assessment, name, value)
    return Imported(assessment, notes)


def _time(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value is not None else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value is not None else None


def _create(
    model: type[models.Model],
    rows: Iterable[tuple[models.Model, Mapping[str, datetime.datetime | None]]],
) -> list[models.Model]:
    """Insert the rows in their order (which the ids keep, and the export follows), then give
    them back their times: an insert sets the automatic ones to now."""
    rows = list(rows)
    if not rows:
        return []
    created = model.objects.bulk_create([row for row, _times in rows])
    for row, times in rows:
        for name, value in times.items():
            setattr(row, name, value)
    model.objects.bulk_update(created, list(rows[0][1]))
    return created


def _source(
    assessment: Assessment,
    given: Mapping[str, Any],
    restored: tuple[str, CheckedFile] | None,
    who: Any,
) -> Source:
    source = Source(
        assessment=assessment,
        question_key=given["question"],
        title=given["title"],
        issuer=given["issuer"],
        kind=given["kind"],
        issued=_date(given["issued"]),
        url=given["url"],
        created_by=who(given["created_by"]),
    )
    if restored is not None:
        name, checked = restored
        source.file = name
        source.file_name = given["file"]["name"]
        source.content_type = checked.content_type
        source.size = checked.size
        source.sha256 = checked.sha256
    return source


def _ids_for_positions(detail: Mapping[str, Any], pks: Mapping[str, list[int]]) -> dict:
    return {
        key: pks[key][value - 1]
        if key in REFERENCES and isinstance(value, int) and not isinstance(value, bool)
        else value
        for key, value in detail.items()
    }


# Where it goes ------------------------------------------------------------------------------


def _taken(country: Country, cycle: int) -> bool:
    return Assessment.objects.filter(country=country, cycle=cycle).exists()


def _place(
    data: Mapping[str, Any], *, code: str | None, cycle: int | None, notes: list[str]
) -> tuple[Country, int]:
    given = data["country"]
    target_cycle = cycle if cycle is not None else data["cycle"]
    wanted = code or given["code"]
    country = Country.objects.select_for_update().filter(code=wanted).first()
    if country is None:
        return _new_country(wanted, given, notes), target_cycle
    same = code is not None or country.name == given["name"]
    if same and not _taken(country, target_cycle):
        notes.append(
            _(
                "Imported into the existing country %(country)s (%(code)s), %(cycle)s: its "
                "members see it."
            )
            % {"country": country.name, "code": country.code, "cycle": target_cycle}
        )
        return country, target_cycle
    if same and (code is not None or cycle is not None):
        raise ImportRefused(
            _(
                "%(country)s (%(code)s) already has a %(cycle)s assessment: choose another "
                "country code or cycle."
            )
            % {"country": country.name, "code": country.code, "cycle": target_cycle}
        )
    used = set(Country.objects.filter(code__in=USER_ASSIGNED_CODES).values_list("code", flat=True))
    free = next((c for c in USER_ASSIGNED_CODES if c not in used), None)
    if free is None:
        raise ImportRefused(_("Every user-assigned country code is taken here: choose a code."))
    note = (
        _("%(code)s %(cycle)s is taken here: imported as %(new)s %(cycle)s instead.")
        if same
        else _(
            "%(code)s is another country here, %(country)s: imported as %(new)s %(cycle)s instead."
        )
    )
    notes.append(
        note % {"code": wanted, "cycle": target_cycle, "country": country.name, "new": free}
    )
    return _new_country(free, given, notes), target_cycle


def _new_country(code: str, given: Mapping[str, Any], notes: list[str]) -> Country:
    name, suffix = given["name"], 1
    while Country.objects.filter(name=name).exists():
        tag = f" ({code})" if suffix == 1 else f" ({code}, {suffix})"
        name, suffix = given["name"][: 100 - len(tag)] + tag, suffix + 1
    country = Country(code=code, name=name, region=given["region"])
    try:
        country.full_clean()
    except ValidationError as error:
        raise ImportRefused(" ".join(error.messages)) from None
    country.save()
    notes.append(
        _("A new country, %(code)s: %(name)s, with no members yet: add them in the admin.")
        % {"name": name, "code": code}
    )
    return country


def _origins(
    country: Country, cycle: int, actions: list[Mapping[str, Any]], notes: list[str]
) -> list[int | None]:
    """Each action's origin in an earlier cycle of the country here, where there is one."""
    earlier: dict[int, list[int]] = {}
    found: list[int | None] = []
    lost = 0
    for action in actions:
        origin = action["carried_from"]
        if origin is None:
            found.append(None)
            continue
        if origin["cycle"] not in earlier:
            ids = Action.objects.filter(
                assessment__country=country, assessment__cycle=origin["cycle"]
            ).order_by("id")
            earlier[origin["cycle"]] = (
                list(ids.values_list("id", flat=True)) if origin["cycle"] != cycle else []
            )
        ids = earlier[origin["cycle"]]
        if origin["action"] <= len(ids):
            found.append(ids[origin["action"] - 1])
        else:
            found.append(None)
            lost += 1
    if lost:
        notes.append(
            ngettext(
                "%(count)s action was carried from an earlier cycle that %(code)s does not have "
                "here (import that cycle first): it is imported without that link.",
                "%(count)s actions were carried from an earlier cycle that %(code)s does not "
                "have here (import that cycle first): they are imported without that link.",
                lost,
            )
            % {"count": lost, "code": country.code}
        )
    return found


# People -------------------------------------------------------------------------------------

_PEOPLE = {
    "answers": ("updated_by",),
    "judgements": ("updated_by",),
    "sources": ("created_by",),
    "actions": ("created_by", "updated_by"),
    "dismissed_links": ("created_by",),
    "comments": ("author", "replied_by"),
    "events": ("user",),
}


def _people(data: Mapping[str, Any], notes: list[str]) -> dict[str, AbstractBaseUser]:
    names = {data["created_by"], data["updated_by"]}
    for items, keys in _PEOPLE.items():
        names.update(item[key] for item in data[items] for key in keys)
    names.discard(None)
    found = {
        user.get_username(): user
        for user in get_user_model().objects.filter(username__in=sorted(names))
    }
    unknown = sorted(names - found.keys())
    if unknown:
        notes.append(
            _("No one here has these usernames, so who did what is left empty for them: %(names)s.")
            % {"names": ", ".join(unknown)}
        )
    return found


# The evidence files -------------------------------------------------------------------------


def _restore_files(
    sources: list[Mapping[str, Any]], evidence: IO[bytes] | None, into: list[str]
) -> dict[int, tuple[str, CheckedFile]]:
    """Each file source's file, from the evidence ZIP, checked as an upload is and stored:
    {position: (name, checked)}. Every name stored is added to `into` at once, for the caller
    to delete if the import fails."""
    wanted = {n: source for n, source in enumerate(sources) if source["file"] is not None}
    if not wanted:
        return {}
    if evidence is None:
        raise ImportRefused(
            ngettext(
                "%(count)s source is a file, which the JSON does not hold: give the evidence "
                "ZIP exported with it.",
                "%(count)s sources are files, which the JSON does not hold: give the evidence "
                "ZIP exported with it.",
                len(wanted),
            )
            % {"count": len(wanted)}
        )
    restored = {}
    with EvidenceZip(evidence) as archive:
        for n, source in wanted.items():
            named = _("source %(n)s, “%(title)s”") % {"n": n + 1, "title": source["title"]}
            with archive.copy(source["file"]["sha256"], source=named) as copy:
                upload = File(copy, name=source["file"]["name"] or "evidence")
                try:
                    checked = check_file(upload)
                except ValidationError as error:
                    raise ImportRefused(
                        _("The evidence ZIP's file for %(source)s is refused: %(reason)s")
                        % {"source": named, "reason": " ".join(error.messages)}
                    ) from None
                name = default_storage.save(stored_name(checked), upload)
            into.append(name)
            restored[n] = (name, checked)
    return restored
