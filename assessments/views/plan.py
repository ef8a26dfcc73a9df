"""The action plan: its page, an action added (from a gap or any question), changed,
confirmed when carried from the cycle before, and commented on by reviewers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import access, services
from assessments.forms import ActionCommentForm, ActionForm
from assessments.instrument import get_instrument
from assessments.models import Action, Assessment
from assessments.results import (
    action_rows,
    assessment_results,
    question_numbers,
    risks_without_action,
    section_page_links,
)
from assessments.services.plan import PLAN_FIELDS
from assessments.views.answering import assessment_url


def _plan_url(assessment: Assessment, action: Action | None = None) -> str:
    return assessment_url(assessment, "plan") + (f"#action-{action.pk}" if action else "")


@login_required
@require_safe
def plan(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    instrument = get_instrument(assessment.instrument_version)
    actions = list(
        assessment.actions.select_related("carried_from__assessment").prefetch_related(
            "comments__author"
        )
    )
    results = assessment_results(
        assessment, instrument, assessment.responses(), links=section_page_links(assessment)
    )
    rows = action_rows(instrument, actions, links=section_page_links(assessment))
    return render(
        request,
        "assessments/plan.html",
        {
            "assessment": assessment,
            "to_confirm": [row for row in rows if row.action.to_confirm],
            "open": [row for row in rows if row.action.is_open and not row.action.to_confirm],
            "closed": [row for row in rows if not row.action.is_open],
            "without_action": risks_without_action(results, actions),
            "can_edit": access.can_edit(request.user, assessment),
            "can_comment": access.can_review(request.user, assessment),
            "comment_form": ActionCommentForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    assessment = access.get_editable_assessment_for(request.user, code=code, cycle=cycle)
    version = assessment.instrument_version
    if request.method == "POST":
        form = ActionForm(request.POST, version=version)
        if form.is_valid():
            action = services.add_action(assessment=assessment, plan=form.plan(), user=request.user)
            messages.success(request, _("The action was added to the plan."))
            return redirect(_plan_url(assessment, action))
    else:
        # From a gap or a question: the questions it answers come chosen.
        known = set(question_numbers(get_instrument(version)))
        chosen = [key for key in request.GET.getlist("question") if key in known]
        form = ActionForm(
            initial={"questions": chosen, "status": Action.Status.PLANNED}, version=version
        )
    return render(
        request,
        "assessments/action.html",
        {"assessment": assessment, "form": form, "action": None, "can_edit": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, code: str, cycle: int, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    action = get_object_or_404(assessment.actions, pk=pk)
    can_edit = access.can_edit(request.user, assessment)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    version = assessment.instrument_version
    theirs = None
    if request.method == "POST":
        form = ActionForm(request.POST, version=version)
        if form.is_valid():
            try:
                services.update_action(
                    action=action,
                    plan=form.plan(),
                    expected_revision=form.cleaned_data["revision"] or 0,
                    user=request.user,
                )
            except services.ActionConflict as conflict:
                # Yours stays in the form, theirs beside it; saving again keeps yours.
                theirs = conflict.theirs
                data = request.POST.copy()
                data["revision"] = theirs.revision
                form = ActionForm(data, version=version)
                form.is_valid()
            else:
                messages.success(request, _("The action was saved."))
                return redirect(_plan_url(assessment, action))
    else:
        form = ActionForm(
            initial={
                **{name: getattr(action, name) for name in PLAN_FIELDS},
                "revision": action.revision,
            },
            version=version,
        )
    return render(
        request,
        "assessments/action.html",
        {
            "assessment": assessment,
            "form": form,
            "action": action,
            "row": action_rows(
                get_instrument(version), [action], links=section_page_links(assessment)
            )[0],
            "theirs": theirs,
            "can_edit": can_edit,
        },
        status=409 if theirs else 200,
    )


@login_required
@require_POST
def action_confirm(request: HttpRequest, code: str, cycle: int, pk: int) -> HttpResponse:
    assessment = access.get_editable_assessment_for(request.user, code=code, cycle=cycle)
    action = get_object_or_404(assessment.actions, pk=pk)
    services.confirm_action(action=action, user=request.user)
    messages.success(request, _("The action was confirmed for this cycle."))
    return redirect(_plan_url(assessment, action))


@login_required
@require_POST
def action_comment(request: HttpRequest, code: str, cycle: int, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    if not access.can_review(request.user, assessment):
        raise PermissionDenied
    action = get_object_or_404(assessment.actions, pk=pk)
    form = ActionCommentForm(request.POST)
    if form.is_valid():
        services.add_comment(
            assessment=assessment,
            user=request.user,
            question_key="",
            text=form.cleaned_data["text"],
            action=action,
        )
        messages.success(request, _("Your comment was added."))
    else:
        messages.error(request, _("Write the comment first."))
    return redirect(_plan_url(assessment, action))
