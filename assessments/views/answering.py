"""The pages on which an assessment is started, answered, commented and submitted."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import access, services
from assessments.forms import (
    NOTE_MAX_LENGTH,
    MarkingForm,
    ReplyForm,
    SectionForm,
    StartAssessmentForm,
    keep_out_field_name,
    loaded_field_name,
    note_field_name,
    section_form_class,
)
from assessments.history import history_page
from assessments.htmx import is_htmx
from assessments.instrument import Instrument, Section, get_instrument
from assessments.models import Answer, Assessment, ReviewComment
from assessments.presenters import (
    SectionQuestions,
    comment_rows,
    comments_by_question,
    evidence_summaries,
    kept_as,
    label_of,
    open_comments_by_section,
    section_citations,
    section_neighbours,
    section_questions,
)
from assessments.results import question_numbers
from assessments.scoring import (
    EMPTY,
    Progress,
    Response,
    overall_progress,
    section_progress,
    unanswered,
)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    form = StartAssessmentForm(request.POST, countries=access.editable_countries_for(request.user))
    if not form.is_valid():
        if "country" in form.errors:
            raise PermissionDenied
        for error in form.errors.get("cycle", []):
            messages.error(request, error)
        return redirect("home")
    try:
        assessment = services.start_assessment(user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("home")
    messages.success(request, _("The %(cycle)s assessment is open.") % {"cycle": assessment.cycle})
    return redirect(assessment_url(assessment))


def assessment_url(assessment: Assessment, view: str = "overview", **kwargs: str) -> str:
    return reverse(
        f"assessments:{view}",
        kwargs={"code": assessment.country.code, "cycle": assessment.cycle, **kwargs},
    )


@login_required
@require_safe
def overview(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    instrument = get_instrument(assessment.instrument_version)
    responses = assessment.responses()
    progress = section_progress(instrument, responses)
    comments = list(assessment.comments.select_related("author", "replied_by", "action"))
    open_comments = open_comments_by_section(instrument, comments)
    can_export = access.can_export(request.user, assessment)
    return render(
        request,
        "assessments/overview.html",
        {
            "assessment": assessment,
            "instrument": instrument,
            "sections": [
                (section, progress[section.key], open_comments.get(section.key, 0))
                for section in instrument.sections
            ],
            "progress": overall_progress(instrument, responses),
            "can_edit": access.can_edit(request.user, assessment),
            "can_submit": access.can_submit(request.user, assessment),
            "can_see_reads": access.can_see_reads(request.user, assessment),
            "can_export": can_export,
            "has_files": can_export and assessment.sources.exclude(file="").exists(),
            "can_withdraw": access.can_withdraw(request.user, assessment)
            and services.can_withdraw(assessment),
            "general_comments": [c for c in comments if c.is_general],
            "action_comments": [c for c in comments if c.action_id is not None],
            "question_comments": comment_rows(instrument, comments),
            "marking_form": MarkingForm(initial={"marking": assessment.marking}),
            "actions_to_confirm": assessment.actions.filter(to_confirm=True).count(),
        },
    )


@login_required
@require_POST
def marking(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    """The security marking the State chooses for its report."""
    assessment = access.get_editable_assessment_for(request.user, code=code, cycle=cycle)
    form = MarkingForm(request.POST)
    if form.is_valid():
        services.set_marking(assessment=assessment, user=request.user, **form.cleaned_data)
        messages.success(request, _("The report's security marking was saved."))
    else:
        messages.error(request, _("Choose one of the markings offered."))
    return redirect(assessment_url(assessment))


def _section_or_404(instrument: Instrument, section_key: str) -> Section:
    try:
        return instrument.section(section_key)
    except KeyError:
        raise Http404("No such section.") from None


def initial_data(section: Section, answers: Mapping[str, Answer]) -> dict[str, object]:
    """A fresh page: the saved answers, the section's revision and each question's digest as
    loaded."""
    in_section = {q.key: answers[q.key] for q in section.questions if q.key in answers}
    initial: dict[str, object] = {"section_revision": services.section_revision(in_section)}
    for question in section.questions:
        saved = in_section[question.key].response() if question.key in in_section else EMPTY
        initial[question.key] = saved.value
        initial[note_field_name(question.key)] = saved.note
        initial[keep_out_field_name(question.key)] = saved.keep_out_of_report
        initial[loaded_field_name(question.key)] = saved.digest
    return initial


def merged_data(
    posted: QueryDict, conflict: services.SectionConflict, section: Section
) -> QueryDict:
    """The form after a conflict: what the writer typed, on the section's current revision.
    A question changed on both sides counts as seen, so that saving again keeps the writer's;
    one changed only elsewhere shows what was saved there, which this page leaves alone."""
    data = posted.copy()
    data["section_revision"] = str(conflict.section_revision)
    for key, answer in conflict.theirs.items():
        data[loaded_field_name(key)] = answer.response().digest
    for key, answer in conflict.elsewhere.items():
        data[key] = answer.value
        data[note_field_name(key)] = answer.note
        if answer.keep_out_of_report:
            data[keep_out_field_name(key)] = "on"
        else:
            data.pop(keep_out_field_name(key), None)
        data[loaded_field_name(key)] = answer.response().digest
    return data


def _saved_status(
    request: HttpRequest,
    assessment: Assessment,
    instrument: Instrument,
    form: SectionForm,
    saved: services.Saved,
) -> HttpResponse:
    """The save bar after an autosave, and the page's revision and digests brought up to
    what it now holds (out of band)."""
    numbers = question_numbers(instrument)
    return render(
        request,
        "assessments/_save_status.html",
        {
            "state": "saved",
            "revision": saved.revision,
            "saved_at": timezone.now(),
            "progress": overall_progress(instrument, assessment.responses()),
            "loaded": {key: r.digest for key, r in form.responses().items()},
            "elsewhere": [numbers[key] for key in saved.elsewhere],
        },
    )


def _kept_progress(assessment: Assessment) -> Progress:
    """The whole assessment's progress as the writes keep it, without loading its answers."""
    services.count_progress(assessments=[assessment])
    return assessment.progress


@login_required
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, code: str, cycle: int, section_key: str) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    instrument = get_instrument(assessment.instrument_version)
    current = _section_or_404(instrument, section_key)
    can_edit = access.can_edit(request.user, assessment)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    # Only the answers this page shows or whose answers decide what it shows.
    shown = assessment.answers.filter(question_key__in=instrument.keys_shaping(current))
    shown = shown.select_related("updated_by")
    form_class = section_form_class(assessment.instrument_version, current.key)
    form = conflict = answers = None

    if request.method == "POST":
        answers = {a.question_key: a for a in shown}
        form = form_class(request.POST)
        if form.is_valid():
            try:
                saved = services.save_answers(
                    assessment=assessment,
                    section_key=current.key,
                    responses=form.responses(),
                    user=request.user,
                    expected_revision=form.cleaned_data["section_revision"],
                    writer=form.cleaned_data["writer"],
                    loaded=form.loaded(),
                )
            except services.SectionConflict as error:
                conflict = error
                form = form_class(merged_data(request.POST, error, current))
                form.is_valid()
                answers = {a.question_key: a for a in shown.all()}
            else:
                if is_htmx(request):
                    return _saved_status(request, assessment, instrument, form, saved)
                messages.success(request, _("Your answers were saved."))
                following = section_neighbours(instrument, current)[1]
                if "save_continue" in request.POST and following is not None:
                    return redirect(
                        assessment_url(assessment, "section", section_key=following.key)
                    )
                if "save_review" in request.POST:
                    return redirect(assessment_url(assessment, "submit"))
                return redirect(assessment_url(assessment, "section", section_key=current.key))
        if is_htmx(request):
            return render(
                request,
                "assessments/_save_status.html",
                {"state": "conflict" if conflict else "invalid"},
                status=409 if conflict else 200,
            )

    comments = list(assessment.comments.select_related("author", "replied_by"))

    def questions() -> SectionQuestions:
        # A fresh page's form holds the saved answers; a posted one what was typed.
        page_answers = answers if answers is not None else {a.question_key: a for a in shown}
        page_form = form or form_class(initial=initial_data(current, page_answers))
        return section_questions(
            instrument,
            current,
            page_form,
            page_answers,
            conflict=conflict,
            responses={key: a.response() for key, a in page_answers.items()},
            comments=comments_by_question(comments),
            evidence=evidence_summaries(assessment, (q.key for q in current.questions)),
        )

    previous_section, next_section = section_neighbours(instrument, current)
    return render(
        request,
        "assessments/section.html",
        {
            "assessment": assessment,
            "instrument": instrument,
            "section": current,
            "form": form,
            # A fresh page's questions are the same for everyone who may edit (or only read)
            # at this revision: the template keeps them, and builds them only when not kept.
            "questions": SimpleLazyObject(questions),
            "questions_kept_as": None if form else kept_as(assessment, can_edit),
            "writer": form.data.get("writer", "") if form else uuid.uuid4().hex,
            "conflict": conflict,
            "open_comments": [
                row
                for row in comment_rows(instrument, comments)
                if row.question.section_key == current.key and not row.comment.resolved
            ],
            "can_edit": can_edit,
            "can_submit": access.can_submit(request.user, assessment),
            "progress": _kept_progress(assessment),
            "citations": section_citations(instrument, current),
            "note_max_length": NOTE_MAX_LENGTH,
            "previous_section": previous_section,
            "next_section": next_section,
        },
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    if not access.can_submit(request.user, assessment):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            services.submit(assessment=assessment, user=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request, _("Submitted for review. The answers are now locked while it is reviewed.")
            )
            return redirect(assessment_url(assessment))
    instrument = get_instrument(assessment.instrument_version)
    responses = assessment.responses()
    summary = instrument.summary_question
    numbers = question_numbers(instrument)
    return render(
        request,
        "assessments/submit.html",
        {
            "assessment": assessment,
            "missing": [
                (section, [(numbers[q.key], q) for q in questions])
                for section, questions in unanswered(instrument, responses)
            ],
            "progress": overall_progress(instrument, responses),
            "summary": summary,
            "summary_written": summary is None
            or bool(responses.get(summary.key, Response()).note.strip()),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    """Take a submission back before the secretariat has opened it (a page to confirm)."""
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    if not access.can_withdraw(request.user, assessment):
        raise PermissionDenied
    if request.method == "POST":
        services.withdraw(assessment=assessment, user=request.user)
        messages.success(
            request, _("The submission was withdrawn: the assessment can be edited again.")
        )
        return redirect(assessment_url(assessment))
    return render(
        request,
        "assessments/withdraw.html",
        {"assessment": assessment, "possible": services.can_withdraw(assessment)},
    )


@login_required
@require_safe
def history(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    instrument = get_instrument(assessment.instrument_version)
    page, entries = history_page(instrument, assessment.events.all(), request.GET.get("page"))
    return render(
        request,
        "assessments/history.html",
        {"assessment": assessment, "entries": entries, "page": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment(request: HttpRequest, code: str, cycle: int, pk: int) -> HttpResponse:
    """A reviewer's comment, and the country's reply to it (editors, while editable)."""
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    review_comment = get_object_or_404(
        assessment.comments.select_related("author", "replied_by"), pk=pk
    )
    can_reply = access.can_edit(request.user, assessment)
    if request.method == "POST":
        if not can_reply:
            raise PermissionDenied
        form = ReplyForm(request.POST)
        if form.is_valid():
            services.reply_to_comment(
                comment=review_comment, user=request.user, **form.cleaned_data
            )
            messages.success(request, _("Your reply was saved."))
            return redirect(comment_back_url(assessment, review_comment))
    else:
        form = ReplyForm(
            initial={"reply": review_comment.reply, "resolved": review_comment.resolved}
        )
    instrument = get_instrument(assessment.instrument_version)
    question = (
        instrument.question(review_comment.question_key) if review_comment.question_key else None
    )
    answer = assessment.answers.filter(question_key=review_comment.question_key).first()
    return render(
        request,
        "assessments/comment.html",
        {
            "assessment": assessment,
            "comment": review_comment,
            "question": question,
            "answer_label": label_of(question, answer.value) if question and answer else "",
            "answer": answer,
            "form": form,
            "can_reply": can_reply,
            "back_url": comment_back_url(assessment, review_comment),
        },
    )


def comment_back_url(assessment: Assessment, review_comment: ReviewComment) -> str:
    if review_comment.action_id is not None:
        return f"{assessment_url(assessment, 'plan')}#action-{review_comment.action_id}"
    if not review_comment.question_key:
        return assessment_url(assessment)
    key = review_comment.question_key
    section_key = get_instrument(assessment.instrument_version).question(key).section_key
    return f"{assessment_url(assessment, 'section', section_key=section_key)}#q-{key}"
