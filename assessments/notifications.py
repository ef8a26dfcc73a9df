"""Emails about assessments and accounts. They say what happened and link to the app, and
never carry answer content: an assessment is sensitive, and email is not a safe place for it.

A write asks for its email with `notify`, inside its transaction: the email is a task in the
queue (tasks.py), committed with the write or not at all, and sent by the worker, so a mail
server that is slow or down never touches the request. The task carries ids only (the
queue's admin shows task arguments): links, one-time tokens and names are made when it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from assessments.access import REVIEWERS_GROUP
from assessments.instrument import get_instrument
from assessments.models import Assessment, Country, Membership
from assessments.scoring import overall_progress
from assessments.tokens import invitation_token_generator


def notify(kind: str, **ids: int | str) -> None:
    """Queue the email `kind` (a key of EMAILS) about the objects `ids` name. Each recipient
    reads it in the language they chose; one who chose none, in the language of the person
    whose action it tells of."""
    from assessments.tasks import send_email  # tasks.py imports this module

    send_email.enqueue(kind, language=translation.get_language() or "en", **ids)


def send(kind: str, *, language: str, **ids: int | str) -> int:
    """Build and send the email `kind` now (the worker's side of `notify`). Returns how many
    messages went; a mail server's failure is raised, for the task to retry."""
    with translation.override(language):
        recipients = list(EMAILS[kind](**ids).recipients)
    messages = []
    by_language: dict[str, list[AbstractBaseUser]] = {}
    for user in recipients:
        by_language.setdefault(_chosen_language(user) or language, []).append(user)
    for chosen, users in by_language.items():
        with translation.override(chosen):
            email = EMAILS[kind](**ids)  # its subject and words in this language
            messages.extend(_message(email, user) for user in users)
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


@dataclass
class Email:
    template: str
    subject: str
    recipients: Iterable[AbstractBaseUser]
    context: dict[str, object]


def _message(email: Email, user: AbstractBaseUser) -> EmailMultiAlternatives:
    """One message per recipient, so nobody sees who else was told."""
    context = {"user": user, "site_url": settings.SITE_URL, **email.context}
    if callable(link := context.get("link")):
        context["link"] = link(user)  # a link of the recipient's own (a one-time token)
    message = EmailMultiAlternatives(
        # A line break in a subject (a country's name, say) is refused by the mail library.
        subject=" ".join(email.subject.split()),
        body=render_to_string(f"{email.template}.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string(f"{email.template}.html", context), "text/html")
    return message


def _chosen_language(user: AbstractBaseUser) -> str:
    chosen = getattr(getattr(user, "r2p_settings", None), "language", "")
    return chosen if chosen in dict(settings.LANGUAGES) else ""


def _reviewers() -> Iterable[AbstractBaseUser]:
    return (
        get_user_model()
        .objects.filter(groups__name=REVIEWERS_GROUP, is_active=True, is_staff=True)
        .exclude(email="")
        .select_related("r2p_settings")
    )


def _members(country: Country) -> Iterable[AbstractBaseUser]:
    return (
        get_user_model()
        .objects.filter(memberships__country=country, is_active=True)
        .exclude(email="")
        .select_related("r2p_settings")
    )


def _url(name: str, **kwargs: object) -> str:
    return f"{settings.SITE_URL}{reverse(name, kwargs=kwargs or None)}"


def _overview(assessment: Assessment) -> str:
    return _url("assessments:overview", code=assessment.country.code, cycle=assessment.cycle)


def _review_page(assessment: Assessment) -> str:
    return _url("admin:assessments_assessment_change", object_id=assessment.pk)


def _assessment_and_actor(assessment: int, by: int) -> tuple[Assessment, AbstractBaseUser]:
    return (
        Assessment.objects.select_related("country").get(pk=assessment),
        get_user_model().objects.get(pk=by),
    )


def submitted(*, assessment: int, by: int) -> Email:
    assessment, by = _assessment_and_actor(assessment, by)
    progress = overall_progress(
        get_instrument(assessment.instrument_version), assessment.responses()
    )
    return Email(
        "emails/submitted",
        _("%(assessment)s was submitted for review") % {"assessment": assessment},
        _reviewers(),
        {
            "assessment": assessment,
            "by": by,
            "link": _review_page(assessment),
            "unanswered": progress.total - progress.answered,
            "total": progress.total,
        },
    )


def withdrawn(*, assessment: int, by: int) -> Email:
    assessment, by = _assessment_and_actor(assessment, by)
    return Email(
        "emails/withdrawn",
        _("%(assessment)s was withdrawn from review") % {"assessment": assessment},
        _reviewers(),
        {"assessment": assessment, "by": by, "link": _review_page(assessment)},
    )


def returned(*, assessment: int, by: int) -> Email:
    assessment, by = _assessment_and_actor(assessment, by)
    return Email(
        "emails/returned",
        _("%(assessment)s was returned for revision") % {"assessment": assessment},
        _members(assessment.country),
        {"assessment": assessment, "by": by, "link": _overview(assessment)},
    )


def accepted(*, assessment: int, by: int) -> Email:
    assessment, by = _assessment_and_actor(assessment, by)
    return Email(
        "emails/accepted",
        _("%(assessment)s was accepted") % {"assessment": assessment},
        _members(assessment.country),
        {"assessment": assessment, "by": by, "link": _overview(assessment)},
    )


def _token_link(name: str, generator: object) -> Callable[[AbstractBaseUser], str]:
    def link(user: AbstractBaseUser) -> str:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return _url(name, uidb64=uid, token=generator.make_token(user))

    return link


def invitation(*, membership: int, by: int) -> Email:
    """Tell a person they were added to a country. One who has no password yet gets a
    one-time link to set one (tokens.py: it stops working once the password is set, or after
    INVITATION_TIMEOUT)."""
    membership = Membership.objects.select_related("user", "country").get(pk=membership)
    set_password = not membership.user.has_usable_password()
    return Email(
        "emails/invitation",
        _("You are invited to R2P Assess for %(country)s") % {"country": membership.country.name},
        [membership.user],
        {
            "country": membership.country,
            "role": membership.get_role_display(),
            "by": get_user_model().objects.get(pk=by),
            "set_password": set_password,
            "link": _token_link("invitation_confirm", invitation_token_generator)
            if set_password
            else _url("login"),
        },
    )


def password_reset(*, user: int) -> Email:
    """A one-time link to choose a new password (valid PASSWORD_RESET_TIMEOUT from when the
    email is made), always built from DJANGO_SITE_URL."""
    user = get_user_model().objects.get(pk=user)
    return Email(
        "emails/password_reset",
        _("Reset your R2P Assess password"),
        [user],
        {
            "email": user.email,
            "link": _token_link("password_reset_confirm", default_token_generator),
        },
    )


EMAILS: dict[str, Callable[..., Email]] = {
    "submitted": submitted,
    "withdrawn": withdrawn,
    "returned": returned,
    "accepted": accepted,
    "invitation": invitation,
    "password_reset": password_reset,
}
