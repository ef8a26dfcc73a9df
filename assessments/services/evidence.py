"""Writes of the evidence behind answers: sources (a link or a file) and the country's
judgement of each answer (confidence, contest)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from assessments.evidence_files import CheckedFile
from assessments.instrument import get_instrument
from assessments.models import Assessment, AssessmentEvent, Judgement, Source
from assessments.services.core import _editable, _touch

EVIDENCE_FOLDER = "evidence"


@dataclass
class JudgementConflict(Exception):
    """Someone changed this judgement after the page that sent this one loaded it."""

    theirs: Judgement


def stored_name(checked: CheckedFile) -> str:
    """A name no one can guess, and that tells nothing of the country or the file: the
    extension is the one of the content found, never the uploader's."""
    return f"{EVIDENCE_FOLDER}/{secrets.token_urlsafe(32)}{checked.extension}"


@transaction.atomic
def add_source(
    *,
    assessment: Assessment,
    question_key: str,
    title: str,
    issuer: str,
    kind: str,
    issued: date | None,
    url: str,
    upload: File | None,
    checked: CheckedFile | None,
    user: AbstractBaseUser,
) -> Source:
    """`upload` is the file as sent, `checked` what evidence_files.check_file found in it."""
    locked = _editable(assessment)
    get_instrument(locked.instrument_version).question(question_key)  # KeyError if unknown
    source = Source(
        assessment=locked,
        question_key=question_key,
        title=title.strip(),
        issuer=issuer.strip(),
        kind=kind,
        issued=issued,
        url=url,
        created_by=user,
    )
    name = None
    if upload is not None and checked is not None:
        upload.seek(0)
        name = default_storage.save(stored_name(checked), upload)
        source.file = name
        source.file_name = (upload.name or "").rsplit("/", 1)[-1][:255]
        source.content_type = checked.content_type
        source.size = checked.size
        source.sha256 = checked.sha256
    try:
        source.save()
        _touch(locked, user=user)
        AssessmentEvent.objects.create(
            assessment=locked,
            user=user,
            kind=AssessmentEvent.Kind.SOURCE_ADDED,
            detail={"source": source.pk, "question": question_key, "title": source.title},
        )
    except BaseException:
        # No file is kept whose row was not written (Django has no on-rollback hook).
        if name is not None:
            default_storage.delete(name)
        raise
    return source


@transaction.atomic
def remove_source(*, source: Source, user: AbstractBaseUser) -> None:
    """The row goes now, its file once that is committed (django-cleanup; a rollback keeps
    both)."""
    locked = _editable(source.assessment)
    deleted, _count = Source.objects.filter(pk=source.pk, assessment=locked).delete()
    if not deleted:
        return  # already removed, in another tab: nothing to record
    _touch(locked, user=user)
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.SOURCE_REMOVED,
        detail={"question": source.question_key, "title": source.title},
    )


@transaction.atomic
def judge_answer(
    *,
    assessment: Assessment,
    question_key: str,
    confidence: str,
    contested: bool,
    differing_view: str,
    expected_revision: int,
    user: AbstractBaseUser,
) -> Judgement:
    """Record how sure the country is of an answer. `expected_revision` is the judgement's
    revision as the page had it (0: none yet); if it has changed since, nothing is written."""
    locked = _editable(assessment)
    get_instrument(locked.instrument_version).question(question_key)  # KeyError if unknown
    judgement = (
        Judgement.objects.select_for_update()
        .filter(assessment=locked, question_key=question_key)
        .first()
    ) or Judgement(assessment=locked, question_key=question_key)
    if judgement.revision != expected_revision:
        raise JudgementConflict(judgement)
    old = (judgement.confidence, judgement.contested, judgement.differing_view)
    new = (confidence, contested, differing_view.strip() if contested else "")
    if judgement.pk and old == new:
        return judgement
    judgement.confidence, judgement.contested, judgement.differing_view = new
    _touch(locked, user=user)
    judgement.revision = locked.revision
    judgement.updated_by = user
    judgement.save()
    AssessmentEvent.objects.create(
        assessment=locked,
        user=user,
        kind=AssessmentEvent.Kind.JUDGED,
        detail={"question": question_key, "confidence": confidence, "contested": contested},
    )
    return judgement
