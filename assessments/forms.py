"""Forms only clean: a section's form is built from the instrument, one field per answer and
one per note, and hands back what was typed as scoring Responses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cache

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import get_language_info, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from assessments import notifications, services, throttles
from assessments.evidence_files import check_file
from assessments.instrument import NOT_PRIORITY, TEXT, Section, get_instrument
from assessments.models import Action, Assessment, Country, Judgement, Source
from assessments.scoring import Response

NOTE_MAX_LENGTH = 5000
NOTE_SUFFIX = "__note"
KEEP_OUT_SUFFIX = "__keep_out"
LOADED_SUFFIX = "__loaded"


# Chinese and Japanese put no spaces between words: each of their characters counts as a word,
# as word processors count them (the Chinese questionnaire asks for 300字, characters).
IDEOGRAPHS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def word_count(text: str) -> int:
    return len(IDEOGRAPHS.findall(text)) + len(IDEOGRAPHS.sub(" ", text).split())


def note_field_name(question_key: str) -> str:
    return f"{question_key}{NOTE_SUFFIX}"


def keep_out_field_name(question_key: str) -> str:
    return f"{question_key}{KEEP_OUT_SUFFIX}"


def loaded_field_name(question_key: str) -> str:
    return f"{question_key}{LOADED_SUFFIX}"


class SectionForm(forms.Form):
    section: Section
    section_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # One id per page load, sent with each of its saves (services.save_answers).
    writer = forms.RegexField(regex=r"^[0-9a-f]{0,32}$", required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        for question in self.section.questions:
            note_name = note_field_name(question.key)
            note = cleaned.get(note_name) or ""
            if cleaned.get(question.key) == NOT_PRIORITY.value and not note.strip():
                self.add_error(
                    note_name,
                    _("Say why this measure is not a priority here: the report gives the reason."),
                )
            words = word_count(note)
            if question.max_words and words > question.max_words:
                message = ngettext(
                    "Keep it to %(max)s words: this has %(count)s.",
                    "Keep it to %(max)s words: this has %(count)s.",
                    words,
                ) % {"max": question.max_words, "count": words}
                self.add_error(note_name, message)
        return cleaned

    def responses(self) -> dict[str, Response]:
        """What was typed, for the questions the request actually carried: a question the
        browser did not send (a hostile or truncated post) keeps its saved answer."""
        responses = {}
        for question in self.section.questions:
            note_name = note_field_name(question.key)
            if question.key not in self.data and note_name not in self.data:
                continue
            value = "" if question.kind == TEXT else self.cleaned_data.get(question.key, "")
            responses[question.key] = Response(
                value,
                self.cleaned_data.get(note_name, ""),
                self.cleaned_data.get(keep_out_field_name(question.key), False),
            )
        return responses

    def loaded(self) -> dict[str, str] | None:
        """Each question's digest as the page last had it (hidden inputs, updated by each
        autosave); None from a post that carries none, whose every answer then counts as
        changed."""
        names = {q.key: loaded_field_name(q.key) for q in self.section.questions}
        if not any(name in self.data for name in names.values()):
            return None
        return {key: str(self.data.get(name, ""))[:64] for key, name in names.items()}


class SharedField:
    """A field of a section's form, built once per instrument version and never changed by a
    form: each form shares it rather than deep-copying it, as Django does for every form (most
    of the section page's own time went into copying these fields and their choices)."""

    def __deepcopy__(self, memo: dict[int, object]) -> SharedField:
        return self


class SharedChoiceField(SharedField, forms.ChoiceField):
    pass


class SharedCharField(SharedField, forms.CharField):
    pass


class SharedBooleanField(SharedField, forms.BooleanField):
    pass


@cache
def section_form_class(version: str, section_key: str) -> type[SectionForm]:
    instrument = get_instrument(version)
    section = instrument.section(section_key)
    fields: dict[str, object] = {"section": section}
    for question in section.questions:
        if question.kind != "text":
            fields[question.key] = SharedChoiceField(
                label=question.text,
                choices=[(choice.value, choice.label) for choice in question.choices],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,
                error_messages={
                    "invalid_choice": _("Choose one of the answers offered for this question.")
                },
            )
        fields[note_field_name(question.key)] = SharedCharField(
            label=_("Your answer")
            if question.kind == TEXT
            else _("Note (evidence, sources; the reason, if not a priority)")
            if NOT_PRIORITY in question.choices
            else _("Note (evidence, sources)"),
            max_length=NOTE_MAX_LENGTH,
            required=False,
            widget=forms.Textarea(
                attrs={"rows": 4 if question.kind == "text" else 2, "class": "form-control"}
            ),
        )
        # The summary is the report's first word: it is never kept out of it.
        if question.key != instrument.summary_key:
            fields[keep_out_field_name(question.key)] = SharedBooleanField(
                label=_("Keep this note out of the report"), required=False
            )
    return type(f"SectionForm_{section_key}", (SectionForm,), fields)


class StartAssessmentForm(forms.Form):
    country = forms.ModelChoiceField(queryset=Country.objects.none(), widget=forms.HiddenInput)
    cycle = forms.IntegerField(widget=forms.HiddenInput)
    from_previous = forms.BooleanField(
        required=False, label=_("Start from the previous cycle's answers and notes")
    )

    def __init__(self, *args: object, countries: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries

    def clean_cycle(self) -> int:
        cycle = self.cleaned_data["cycle"]
        this_year = date.today().year
        if not 2013 <= cycle <= this_year + 1:
            raise forms.ValidationError(
                _("Choose a cycle between 2013 and %(year)s.") % {"year": this_year + 1}
            )
        return cycle


class AssessmentFilterForm(forms.Form):
    """The reviewer's dashboard's filters, read from the page's address (so a filtered list can
    be bookmarked); a blank filter means any. Cycles are those that exist; statuses those given."""

    status = forms.ChoiceField(
        label=pgettext_lazy("an assessment's status", "Status"),
        required=False,
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )
    cycle = forms.TypedChoiceField(
        label=_("Cycle"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _("No assessment is of that cycle: choose one from the list.")
        },
    )
    region = forms.ChoiceField(
        label=_("Regional group"),
        required=False,
        choices=[("", _("Any regional group")), *Country.Region.choices],
        error_messages={"invalid_choice": _("Choose a regional group from the list.")},
    )

    def __init__(
        self,
        data: object,
        *,
        statuses: Iterable[tuple[str, str]],
        cycles: Iterable[int],
    ) -> None:
        super().__init__(data)
        self.fields["status"].choices = [("", _("Any status")), *statuses]
        self.fields["cycle"].choices = [("", _("Any cycle")), *((c, str(c)) for c in cycles)]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class MarkingForm(forms.Form):
    marking = forms.ChoiceField(
        label=_("Security marking of the report"),
        choices=Assessment.Marking.choices,
        help_text=_("Printed on every page of the PDF report. Your government chooses it."),
    )


class DismissLinkForm(forms.Form):
    """Mark a suggested link between a risk factor and a measure as not relevant here."""

    risk = forms.CharField(max_length=100, widget=forms.HiddenInput)
    measure = forms.CharField(max_length=100, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why is this link not relevant here?"),
        max_length=1000,
        error_messages={"required": _("Say why this link is not relevant here.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your reply"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    resolved = forms.BooleanField(label=_("Mark as resolved"), required=False)


class SettingsForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Times are shown in it. Leave empty to follow your browser."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("The app speaks to you in it, on every device you sign in on."),
    )

    def __init__(self, *args: object, zones: list[str], browser_zone: str, **kwargs: object):
        super().__init__(*args, **kwargs)
        # Each language by its own name, as the picker shows them.
        self.fields["language"].choices = [("", _("As chosen with the picker, else English"))] + [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]
        empty = _("Your browser's (%(zone)s)") % {"zone": browser_zone} if browser_zone else ""
        self.fields["time_zone"].choices = [("", empty or _("The site's (UTC)"))] + [
            (zone, zone) for zone in zones
        ]


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class LoginForm(AuthenticationForm):
    """Django's login form, holding the username to the user model's length.

    AuthenticationForm sets max_length after the field is built, which adds no validator: an
    overlong username reached authentication and django-axes' record of the failure, which
    PostgreSQL refused (a 500). It is now refused at the field.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "account_locked": _(
            "Too many failed sign-ins for this account in the last hour, so it is locked for "
            "a while, from everywhere. Try again later, or set a new password with the "
            "“Forgotten your password?” link below: that unlocks it."
        ),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

    def clean(self) -> dict[str, object]:
        # Before the password is even checked: a locked account says nothing about it.
        username = self.cleaned_data.get("username")
        if username and throttles.account_locked(username):
            raise ValidationError(self.error_messages["account_locked"], code="account_locked")
        return super().clean()


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's, with the email queued (notifications.py): its link, token included, is made
    by the worker from DJANGO_SITE_URL, never from the request's Host header."""

    def send_mail(self, *args: object, context: dict | None = None, **kwargs: object) -> None:
        context = context if context is not None else args[2]
        notifications.notify("password_reset", user=context["user"].pk)


class SourceForm(forms.ModelForm):
    """A source behind an answer: a link, a file, or both. The file is checked by its content
    (evidence_files.py), and what was found is kept in `checked`."""

    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=_("The address where the document can be read, if it is public."),
    )

    class Meta:
        model = Source
        fields = ["title", "issuer", "kind", "issued", "url", "file"]
        widgets = {"issued": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "file": _(
                "PDF, Word, Excel, OpenDocument, CSV or an image (PNG, JPEG, GIF, WebP); "
                "at most 20 MB."
            ),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.checked = None
        self.fields["kind"].choices = [("", _("Choose…")), *Source.Kind.choices]

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload:
            self.checked = check_file(upload)
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("file") and "file" not in self.errors:
            raise ValidationError(
                _("Give a link to the document or attach its file."), code="no_link_or_file"
            )
        return cleaned


class JudgementForm(forms.Form):
    confidence = forms.ChoiceField(
        label=_("Confidence in this answer"),
        choices=[("", _("Not stated")), *Judgement.Confidence.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    contested = forms.BooleanField(label=_("Contested: someone's view differs"), required=False)
    differing_view = forms.CharField(
        label=_("Whose view differs, and how"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("contested") and not (cleaned.get("differing_view") or "").strip():
            self.add_error(
                "differing_view",
                ValidationError(
                    _("Say whose view differs, and how, or untick “Contested”."),
                    code="no_differing_view",
                ),
            )
        return cleaned


class ActionForm(forms.Form):
    """An action of the plan, and the questions (risks, measures) it answers."""

    what = forms.CharField(
        label=_("What will be done"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    lead = forms.CharField(label=_("Lead institution"), max_length=300)
    due = forms.DateField(
        label=pgettext_lazy("action plan: the date an action is due", "Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("an action's status", "Status"), choices=Action.Status.choices
    )
    reason = forms.CharField(
        label=_("Why it was dropped"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text=_("Needed when the status is “Dropped”."),
    )
    indicator = forms.CharField(
        label=_("How it will be known to be done"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    questions = forms.MultipleChoiceField(
        label=_("Questions it answers"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("The risks and measures this action answers (hold Ctrl or ⌘ for several)."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: object, version: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        instrument = get_instrument(version)
        self.fields["questions"].choices = [
            (
                section.title,
                [
                    (question.key, f"{s}.{q} {question.title}")
                    for q, question in enumerate(section.questions, start=1)
                ],
            )
            for s, section in enumerate(instrument.sections, start=1)
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("status") == Action.Status.DROPPED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error(
                "reason",
                ValidationError(_("Say why the action was dropped."), code="no_reason"),
            )
        return cleaned

    def plan(self) -> services.Plan:
        data = self.cleaned_data
        return services.Plan(
            what=data["what"],
            lead=data["lead"],
            due=data["due"],
            status=data["status"],
            reason=data["reason"],
            indicator=data["indicator"],
            questions=list(data["questions"]),
        )


class ActionCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment on this action"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
