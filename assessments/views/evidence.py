"""The evidence behind one answer: its sources (links and files) and the country's judgement
of it; and a source's file, handed out only to those who may see its assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import access, services
from assessments.forms import JudgementForm, SourceForm
from assessments.instrument import get_instrument
from assessments.models import Judgement, Source
from assessments.results import answer_label, question_numbers
from assessments.views.answering import assessment_url


@login_required
@require_http_methods(["GET", "POST"])
def evidence(request: HttpRequest, code: str, cycle: int, question_key: str) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    instrument = get_instrument(assessment.instrument_version)
    try:
        question = instrument.question(question_key)
    except KeyError:
        raise Http404("No such question.") from None
    can_edit = access.can_edit(request.user, assessment)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    judgement = Judgement.objects.filter(assessment=assessment, question_key=question_key).first()
    source_form = SourceForm(prefix="source")
    judgement_form = JudgementForm(
        prefix="judgement",
        initial={
            "confidence": judgement.confidence if judgement else "",
            "contested": judgement.contested if judgement else False,
            "differing_view": judgement.differing_view if judgement else "",
            "revision": judgement.revision if judgement else 0,
        },
    )
    theirs = None
    here = assessment_url(assessment, "evidence", question_key=question_key)

    if request.method == "POST" and "add_source" in request.POST:
        source_form = SourceForm(request.POST, request.FILES, prefix="source")
        if source_form.is_valid():
            data = source_form.cleaned_data
            services.add_source(
                assessment=assessment,
                question_key=question_key,
                title=data["title"],
                issuer=data["issuer"],
                kind=data["kind"],
                issued=data["issued"],
                url=data["url"],
                upload=data["file"] or None,
                checked=source_form.checked,
                user=request.user,
            )
            messages.success(request, _("The source was added."))
            return redirect(f"{here}#sources")
    elif request.method == "POST" and "judge" in request.POST:
        judgement_form = JudgementForm(request.POST, prefix="judgement")
        if judgement_form.is_valid():
            data = judgement_form.cleaned_data
            try:
                services.judge_answer(
                    assessment=assessment,
                    question_key=question_key,
                    confidence=data["confidence"],
                    contested=data["contested"],
                    differing_view=data["differing_view"],
                    expected_revision=data["revision"],
                    user=request.user,
                )
            except services.JudgementConflict as conflict:
                # Yours stays on screen, theirs beside it; saving again keeps yours.
                theirs = conflict.theirs
                judgement_form = JudgementForm(
                    {**request.POST.dict(), "judgement-revision": theirs.revision},
                    prefix="judgement",
                )
                judgement_form.is_valid()
            else:
                messages.success(request, _("Your judgement of this answer was saved."))
                return redirect(f"{here}#judgement")
    elif request.method == "POST":
        raise PermissionDenied

    answer = assessment.answers.filter(question_key=question_key).first()
    return render(
        request,
        "assessments/evidence.html",
        {
            "assessment": assessment,
            "question": question,
            "number": question_numbers(instrument)[question_key],
            "section": next(s for s in instrument.sections if s.key == question.section_key),
            "answer": answer,
            "answer_label": answer_label(question, answer.value if answer else None)
            if question.kind != "text"
            else "",
            "sources": assessment.sources.filter(question_key=question_key),
            "judgement": judgement,
            "theirs": theirs,
            "source_form": source_form,
            "file_not_kept": source_form.is_bound and bool(request.FILES),
            "judgement_form": judgement_form,
            "can_edit": can_edit,
        },
        status=409 if theirs else 200,
    )


def _source_for(request: HttpRequest, code: str, cycle: int, pk: int) -> Source:
    """Another country's source is a 404, whether asked for by its id or by its file's name
    (files are never served by name: only here)."""
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    return get_object_or_404(assessment.sources.select_related("assessment__country"), pk=pk)


@login_required
@require_POST
def remove_source(request: HttpRequest, code: str, cycle: int, pk: int) -> HttpResponse:
    source = _source_for(request, code, cycle, pk)
    if not access.can_edit(request.user, source.assessment):
        raise PermissionDenied
    services.remove_source(source=source, user=request.user)
    messages.success(request, _("The source “%(title)s” was removed.") % {"title": source.title})
    return redirect(
        assessment_url(source.assessment, "evidence", question_key=source.question_key) + "#sources"
    )


@login_required
@require_safe
def source_file(request: HttpRequest, code: str, cycle: int, pk: int) -> FileResponse:
    source = _source_for(request, code, cycle, pk)
    if not source.file or not default_storage.exists(source.file.name):
        raise Http404("No file.")
    response = FileResponse(
        default_storage.open(source.file.name, "rb"),
        as_attachment=True,
        filename=source.file_name or source.file.name.rsplit("/", 1)[-1],
        content_type=source.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
