"""The secretariat's screens: the review queue, the review page of one assessment, and the
countries and their members. Who may review is access.py's decision; every change goes
through services.py. Nobody edits answers here, and no bulk action is offered: accepting or
returning an assessment is a judgement on that one assessment, made after reading it."""

from __future__ import annotations

import csv
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import access, services
from assessments.exports import ExportError
from assessments.history import changes_since_return, history_page, since_last_return
from assessments.instrument import get_instrument
from assessments.models import (
    Assessment,
    AssessmentEvent,
    Country,
    Membership,
    Read,
    ReviewComment,
)
from assessments.presenters import evidence_summaries, review_sections
from assessments.results import assessment_results, section_page_links
from assessments.spreadsheets import safe_text

admin.site.site_header = gettext_lazy("R2P Assess — secretariat")
admin.site.site_title = gettext_lazy("R2P Assess")
admin.site.index_title = gettext_lazy("Review and administration")


class ReviewerOnly:
    """Reviewers (and superusers) see these screens; what they may change is decided per
    model below. The decision itself is access.is_reviewer's."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_reviewer(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return access.is_reviewer(request.user)


class ReadOnly(ReviewerOnly):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CommentForm(forms.Form):
    question_key = forms.CharField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=gettext_lazy("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


IMPORT_MAX_BYTES = 20 * 1024 * 1024  # of the JSON: one with 2,000 events is about 1 MB


class ImportForm(forms.Form):
    export = forms.FileField(
        label=gettext_lazy("The assessment's JSON export"),
        help_text=gettext_lazy("As downloaded (export.json) or written by export_assessment."),
    )
    evidence = forms.FileField(
        label=gettext_lazy("Its evidence files (ZIP)"),
        required=False,
        help_text=gettext_lazy(
            "The evidence.zip exported with it: needed when a source is a file. Larger ZIPs "
            "than the proxy lets through are imported with manage.py import_assessment."
        ),
    )
    code = forms.RegexField(
        label=gettext_lazy("Country code"),
        regex=r"^[A-Z]{2}$",
        required=False,
        help_text=gettext_lazy(
            "Empty: the file's, or a free code if that is taken here. Given: this one, refused "
            "if its cycle is taken."
        ),
        error_messages={"invalid": gettext_lazy("Use two capital letters, e.g. XC.")},
    )
    cycle = forms.IntegerField(
        label=gettext_lazy("Cycle"),
        required=False,
        min_value=2013,
        max_value=2100,
        help_text=gettext_lazy("Empty: the file's."),
    )

    def clean_export(self) -> object:
        export = self.cleaned_data["export"]
        if export.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than an export can be (20 MB)."))
        return export


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What should change (sent to the country as a general comment)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@admin.register(Assessment)
class AssessmentAdmin(ReadOnly, admin.ModelAdmin):
    # No figure that compares countries: the queue is a work list, never a league table.
    list_display = ("country", "cycle", "status", "submitted_at", "days_waiting", "progress")
    # Countries by regional group, not one link per State (193 of them): the search finds one.
    list_filter = ("status", "cycle", "country__region")
    search_fields = ("country__name", "country__code")
    list_select_related = ("country",)
    actions = None
    list_per_page = 50

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.reviewable_assessments(request.user).values("pk"))
        )

    def get_changelist_instance(self, request: HttpRequest):
        changelist = super().get_changelist_instance(request)
        # The shown page's figures, counted once for assessments from before they were kept.
        services.count_progress(assessments=changelist.result_list)
        return changelist

    def get_ordering(self, request: HttpRequest) -> list[object]:
        """Submitted first, longest waiting first: the queue a reviewer works through."""
        waiting = Case(
            When(status=Assessment.Status.SUBMITTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [waiting.asc(), "submitted_at", "country__name", "-cycle"]

    @admin.display(description=gettext_lazy("days waiting"))
    def days_waiting(self, obj: Assessment) -> int | str:
        if obj.status != Assessment.Status.SUBMITTED or obj.submitted_at is None:
            return "—"
        return (timezone.now() - obj.submitted_at).days

    @admin.display(description=gettext_lazy("answered"))
    def progress(self, obj: Assessment) -> str:
        progress = obj.progress
        return f"{progress.answered}/{progress.total}" if progress else "—"

    def get_urls(self):
        def post(view):
            return self.admin_site.admin_view(require_POST(view))

        return [
            path(
                "import/",
                self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.import_view)),
                name="assessments_assessment_import",
            ),
            path("<int:pk>/comment/", post(self.comment_view), name="assessments_review_comment"),
            path("<int:pk>/return/", post(self.return_view), name="assessments_review_return"),
            path(
                "<int:pk>/accept/",
                self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.accept_view)),
                name="assessments_review_accept",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import": request.user.is_superuser}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """A superuser loads an assessment exported elsewhere (services/transfer.py: all or
        nothing); the admin's log records it, with where it went."""
        if not request.user.is_superuser:
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                imported = services.import_assessment(
                    raw=data["export"].read(),
                    evidence=data["evidence"],
                    code=data["code"] or None,
                    cycle=data["cycle"],
                    user=request.user,
                )
            except (ExportError, services.ImportRefused) as error:
                form.add_error(None, _("%(error)s Nothing was imported.") % {"error": error})
            else:
                assessment = imported.assessment
                done = _("Imported %(code)s %(cycle)s (%(country)s).") % {
                    "code": assessment.country.code,
                    "cycle": assessment.cycle,
                    "country": assessment.country.name,
                }
                self.log_addition(request, assessment, " ".join([done, *imported.notes]))
                messages.success(request, done)
                for note in imported.notes:
                    messages.info(request, note)
                return redirect(reverse("admin:assessments_assessment_import"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import an assessment"),
            "form": form,
        }
        return TemplateResponse(request, "admin/assessments/assessment/import.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        """The review page: everything a reviewer reads before deciding, read-only. Reading a
        submission (the read log) ends the country's chance to withdraw it."""
        assessment = self._reviewable(request, object_id)
        services.record_read(assessment=assessment, user=request.user, what=Read.What.REVIEW)
        instrument = get_instrument(assessment.instrument_version)
        page, entries = history_page(instrument, assessment.events.all(), request.GET.get("page"))
        answers = {a.question_key: a for a in assessment.answers.select_related("updated_by")}
        comments = list(assessment.comments.select_related("author", "replied_by"))
        results = assessment_results(
            assessment, instrument, assessment.responses(), links=section_page_links(assessment)
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Review: %(assessment)s") % {"assessment": assessment},
            "assessment": assessment,
            "instrument": instrument,
            "results": results,
            "sections": review_sections(
                instrument,
                answers,
                comments,
                evidence_summaries(assessment, (q.key for q in instrument.questions)),
            ),
            "general_comments": [c for c in comments if c.is_general],
            "entries": entries,
            "history_page": page,
            "since_return": changes_since_return(
                instrument, since_last_return(assessment.events.all())
            )
            if assessment.status == Assessment.Status.SUBMITTED
            else None,
            "can_decide": assessment.status == Assessment.Status.SUBMITTED,
            "comment_form": CommentForm(),
            "return_form": ReturnForm(),
        }
        return TemplateResponse(request, "admin/assessments/assessment/review.html", context)

    def _reviewable(self, request: HttpRequest, pk: str | int) -> Assessment:
        if not access.is_reviewer(request.user):
            raise PermissionDenied
        if not str(pk).isdigit():
            raise Http404("No such assessment.")
        assessment = get_object_or_404(
            access.reviewable_assessments(request.user).select_related("country"), pk=pk
        )
        if not access.can_review(request.user, assessment):
            raise PermissionDenied
        return assessment

    def _back(self, assessment: Assessment) -> HttpResponseRedirect:
        return redirect(reverse("admin:assessments_assessment_change", args=[assessment.pk]))

    def comment_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        assessment = self._reviewable(request, pk)
        form = CommentForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("The comment was not saved: write it first (5,000 characters at most).")
            )
            return self._back(assessment)
        try:
            services.add_comment(assessment=assessment, user=request.user, **form.cleaned_data)
        except KeyError:
            messages.error(request, _("That question is not part of this assessment."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Comment added."))
        return self._back(assessment)

    def return_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        assessment = self._reviewable(request, pk)
        form = ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say what should change: a comment is needed to return it."))
            return self._back(assessment)
        try:
            services.return_for_revision(
                assessment=assessment, user=request.user, comment=form.cleaned_data["comment"]
            )
        except services.AssessmentLocked as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Returned for revision; the country's members were told by email.")
            )
        return self._back(assessment)

    def accept_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Accepting is final: a page to confirm it, which warns of unresolved comments."""
        assessment = self._reviewable(request, pk)
        if request.method == "POST":
            try:
                services.accept(assessment=assessment, user=request.user)
            except services.AssessmentLocked as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Accepted; the country's members were told by email."))
            return self._back(assessment)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Accept %(assessment)s?") % {"assessment": assessment},
            "assessment": assessment,
            "can_decide": assessment.status == Assessment.Status.SUBMITTED,
            "unresolved": list(assessment.comments.filter(resolved=False).select_related("author")),
        }
        return TemplateResponse(request, "admin/assessments/assessment/accept.html", context)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Membership.Role.choices)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region", "members")
    list_filter = ("region",)
    search_fields = ("name", "code")
    inlines = (MembershipInline,)

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=gettext_lazy("members"), ordering="member_count")
    def members(self, obj: Country) -> int:
        return obj.member_count

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_invite": access.can_invite(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/invite/",
                self.admin_site.admin_view(self.invite_view),
                name="assessments_country_invite",
            ),
            *super().get_urls(),
        ]

    def invite_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Add a person to the country by email; a new person is sent a link to set a password."""
        country = get_object_or_404(Country, pk=pk)
        if not access.can_invite(request.user):
            raise PermissionDenied
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.invite_member(
                    country=country, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request,
                    _("%(email)s was added to %(country)s and sent an invitation.")
                    % {"email": form.cleaned_data["email"], "country": country.name},
                )
                return redirect(reverse("admin:assessments_country_change", args=[country.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Invite a member to %(country)s") % {"country": country.name},
            "country": country,
            "form": form,
        }
        return TemplateResponse(request, "admin/assessments/country/invite.html", context)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "country", "role")
    list_filter = ("role", "country")
    search_fields = ("user__username", "user__email", "country__name")
    list_select_related = ("user", "country")
    autocomplete_fields = ("user", "country")


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(ReadOnly, admin.ModelAdmin):
    """The record is never changed, by anyone: superusers included."""

    list_display = ("at", "assessment", "user", "kind")
    list_filter = ("kind",)
    search_fields = ("assessment__country__name",)
    list_select_related = ("assessment__country", "user")

    def get_queryset(self, request: HttpRequest):
        # A draft's record is the country's own, like the draft.
        reviewable = access.reviewable_assessments(request.user).values("pk")
        return super().get_queryset(request).filter(assessment__in=reviewable)

    def get_urls(self):
        export = self.admin_site.admin_view(require_safe(self.export_view))
        return [path("export.csv", export, name="assessments_event_export"), *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Every event of the assessments the reviewer may see, for an auditor (CSV)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        events = self.get_queryset(request).select_related("assessment__country", "user")
        rows = (
            (
                e.at.isoformat(),
                e.assessment.country.code,
                e.assessment.cycle,
                e.user.get_username() if e.user else "",
                e.kind,
                json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
            )
            for e in events.order_by("at", "id")
        )
        header = ("at", "country", "cycle", "user", "kind", "detail")
        return csv_response("r2p-assess-events.csv", header, rows)


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The admin's own record of changes (countries, members, people), read-only and for
    superusers, with a CSV export for an auditor."""

    list_display = ("action_time", "user", "content_type", "object_repr", "action_flag")
    list_filter = ("action_flag", "content_type")
    list_select_related = ("user", "content_type")
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self):
        export = self.admin_site.admin_view(require_safe(self.export_view))
        return [path("export.csv", export, name="admin_logentry_export"), *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        entries = self.get_queryset(request).order_by("action_time", "id")
        rows = (
            (
                e.action_time.isoformat(),
                e.user.get_username(),
                f"{e.content_type.app_label}.{e.content_type.model}" if e.content_type else "",
                e.object_id or "",
                e.object_repr,
                e.get_action_flag_display(),
                e.get_change_message(),
            )
            for e in entries
        )
        header = ("at", "user", "model", "object_id", "object", "action", "change")
        return csv_response("r2p-assess-admin-actions.csv", header, rows)


def csv_response(filename: str, header: tuple[str, ...], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return response


def _cell(value: object) -> str:
    """A value as a spreadsheet will not run it: text starting like a formula is quoted."""
    return safe_text(value)


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("created", "assessment", "question_key", "author", "resolved")
    list_filter = ("resolved",)
    list_select_related = ("assessment__country", "author")

    def get_queryset(self, request: HttpRequest):
        reviewable = access.reviewable_assessments(request.user).values("pk")
        return super().get_queryset(request).filter(assessment__in=reviewable)
