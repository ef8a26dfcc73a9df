"""The results page, marking a suggested link not relevant (and restoring it), and the PDFs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import access, rendering, reports, services
from assessments.forms import (
    DismissLinkForm,
)
from assessments.htmx import is_htmx
from assessments.instrument import CURRENT_VERSION, Instrument, Question, get_instrument
from assessments.models import Read, ReportRender
from assessments.presenters import kept_as
from assessments.results import (
    assessment_results,
    change_rows,
    previous_assessment,
    risks_without_action,
    section_page_links,
)
from assessments.views.answering import assessment_url


@login_required
@require_safe
def results(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    services.record_read(assessment=assessment, user=request.user, what=Read.What.RESULTS)
    instrument = get_instrument(assessment.instrument_version)
    previous = previous_assessment(request.user, assessment)
    can_edit = access.can_edit(request.user, assessment)
    links = section_page_links(assessment)
    responses = SimpleLazyObject(assessment.responses)
    figures = SimpleLazyObject(
        lambda: assessment_results(assessment, instrument, responses, links=links)
    )
    return render(
        request,
        "assessments/results.html",
        {
            "assessment": assessment,
            "instrument": instrument,
            # The figures are the same for everyone with the same rights at this revision
            # (and the previous cycle's): the template keeps them, and works them out only
            # when they are not kept.
            "results": figures,
            "without_action": SimpleLazyObject(
                lambda: risks_without_action(
                    figures, assessment.actions.only("status", "questions")
                )
            ),
            "changes": SimpleLazyObject(
                lambda: change_rows(instrument, previous, responses, links=links)
            ),
            "results_kept_as": kept_as(
                assessment, can_edit, previous and (previous.pk, previous.revision)
            ),
            "previous": previous,
            "can_edit": can_edit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dismiss_link(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    """Mark a link suggested between a risk factor and a measure as not relevant here."""
    assessment = access.get_editable_assessment_for(request.user, code=code, cycle=cycle)
    instrument = get_instrument(assessment.instrument_version)
    form = DismissLinkForm(request.POST or None, initial=request.GET.dict())
    data = request.POST if request.method == "POST" else request.GET
    risk, measure = _suggested_link(instrument, data.get("risk", ""), data.get("measure", ""))
    if request.method == "POST" and form.is_valid():
        services.dismiss_link(
            assessment=assessment,
            risk_key=risk.key,
            measure_key=measure.key,
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
        messages.success(request, _("The link is marked not relevant for this assessment."))
        return redirect(assessment_url(assessment, "results") + "#consider")
    return render(
        request,
        "assessments/dismiss_link.html",
        {"assessment": assessment, "form": form, "risk": risk, "measure": measure},
    )


def _suggested_link(
    instrument: Instrument, risk_key: str, measure_key: str
) -> tuple[Question, Question]:
    try:
        risk = instrument.question(risk_key)
        measure = instrument.question(measure_key)
    except KeyError:
        raise Http404("No such link.") from None
    if measure.key not in risk.mitigated_by:
        raise Http404("No such link.")
    return risk, measure


@login_required
@require_POST
def restore_link(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    assessment = access.get_editable_assessment_for(request.user, code=code, cycle=cycle)
    instrument = get_instrument(assessment.instrument_version)
    # One button per link, each naming its link (risk and measure keys), for the one form.
    risk_key, __, measure_key = request.POST.get("link", "").partition(" ")
    risk, measure = _suggested_link(instrument, risk_key, measure_key)
    services.restore_link(
        assessment=assessment, risk_key=risk.key, measure_key=measure.key, user=request.user
    )
    messages.success(request, _("The link is back in the analysis."))
    return redirect(assessment_url(assessment, "results") + "#consider")


def _pdf_response(file: object, filename: str) -> FileResponse:
    response = FileResponse(
        file, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    # Confidential, and a new revision is a new file: never kept by a browser or a proxy.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    """The PDF report, for whoever may see the assessment: the stored copy of its current
    revision, or a page saying it is being prepared (rendering.py), which checks again by
    itself and then downloads it. A POST asks again after a render failed."""
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    # Chosen on the download (the interface's language by default); English where the report
    # is not translated into the language asked for.
    language = reports.report_language(request.GET.get("language"))
    if request.method == "POST":
        rendering.retry(assessment, language)
        return redirect(request.get_full_path())
    copy = reports.stored_report(assessment, language)
    context = {"assessment": assessment, "State": ReportRender.State, "language": language}
    if copy is not None and is_htmx(request):  # the preparing page asking: now it downloads
        copy.close()
        return render(request, "assessments/_report_status.html", {**context, "ready": True})
    if copy is not None:
        services.record_read(assessment=assessment, user=request.user, what=Read.What.REPORT)
        return _pdf_response(copy, reports.report_filename(assessment, language))
    context["render"] = state = rendering.ensure(assessment, language)
    if is_htmx(request):
        if request.GET.get("known") == state.state:
            return HttpResponse(status=204)  # nothing new to say: the live region stays quiet
        return render(request, "assessments/_report_status.html", context, status=202)
    return render(request, "assessments/report_preparing.html", context, status=202)


@login_required
@require_safe
def questionnaire(request: HttpRequest, version: str = CURRENT_VERSION) -> FileResponse:
    """The blank questionnaire of an instrument version, to circulate before answering."""
    language = reports.report_language(request.GET.get("language"))
    try:
        instrument = get_instrument(version, language)
    except KeyError:
        raise Http404("No such instrument version.") from None
    return _pdf_response(
        reports.questionnaire_report(instrument, language=language),
        reports.questionnaire_filename(version, language),
    )


@login_required
@require_safe
def reads(request: HttpRequest, code: str, cycle: int) -> HttpResponse:
    """Who viewed this assessment's results, report and review page, and when."""
    assessment = access.get_assessment_for(request.user, code=code, cycle=cycle)
    if not access.can_see_reads(request.user, assessment):
        raise PermissionDenied
    return render(
        request,
        "assessments/reads.html",
        {"assessment": assessment, "reads": assessment.reads.select_related("user")[:500]},
    )
