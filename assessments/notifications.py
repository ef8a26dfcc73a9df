"""Emails about assessments. They say what happened and link to the app, and never carry
answer content: an assessment is sensitive, and email is not a safe place for it.

They are sent after the write they tell of has committed (services.py, on_commit), and a
mail server that is down or refuses a message never turns that write into an error: the
failure is logged and the send tried once more. (A task queue will take them off the
request: issue "off the request path".)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from assessments.access import REVIEWERS_GROUP
from assessments.instrument import get_instrument
from assessments.models import Assessment, Country
from assessments.scoring import overall_progress
from assessments.tokens import invitation_token_generator

logger = logging.getLogger(__name__)
ATTEMPTS = 2


def _send(
    template: str, subject: str, recipients: Iterable[AbstractBaseUser], **context: object
) -> int:
    """One message per recipient, so nobody sees who else was told. Returns how many were
    sent; a failure is logged, never raised."""
    # A line break in a subject (a country's name, say) is refused by the mail library.
    subject = " ".join(subject.split())
    messages = []
    for user in recipients:
        body_context = {"user": user, "site_url": settings.SITE_URL, **context}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"emails/{template}.txt", body_context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string(f"emails/{template}.html", body_context), "text/html"
        )
        messages.append(message)
    if not messages:
        return 0
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return get_connection().send_messages(messages) or 0
        except Exception:  # the mail server's failure is ours to log, not the user's to see
            logger.exception(
                "Could not send the %r email (%d recipients), attempt %d of %d",
                template,
                len(messages),
                attempt,
                ATTEMPTS,
            )
    return 0


def _reviewers() -> Iterable[AbstractBaseUser]:
    return (
        get_user_model()
        .objects.filter(groups__name=REVIEWERS_GROUP, is_active=True, is_staff=True)
        .exclude(email="")
    )


def _members(country: Country) -> Iterable[AbstractBaseUser]:
    return (
        get_user_model()
        .objects.filter(memberships__country=country, is_active=True)
        .exclude(email="")
    )


def _link(assessment: Assessment, *, admin: bool = False) -> str:
    if admin:
        path = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    else:
        path = reverse(
            "assessments:overview",
            kwargs={"code": assessment.country.code, "cycle": assessment.cycle},
        )
    return f"{settings.SITE_URL}{path}"


def assessment_submitted(assessment: Assessment, *, by: AbstractBaseUser) -> int:
    progress = overall_progress(
        get_instrument(assessment.instrument_version), assessment.responses()
    )
    return _send(
        "submitted",
        _("%(assessment)s was submitted for review") % {"assessment": assessment},
        _reviewers(),
        assessment=assessment,
        by=by,
        link=_link(assessment, admin=True),
        unanswered=progress.total - progress.answered,
        total=progress.total,
    )


def assessment_withdrawn(assessment: Assessment, *, by: AbstractBaseUser) -> int:
    return _send(
        "withdrawn",
        _("%(assessment)s was withdrawn from review") % {"assessment": assessment},
        _reviewers(),
        assessment=assessment,
        by=by,
        link=_link(assessment, admin=True),
    )


def assessment_returned(assessment: Assessment, *, by: AbstractBaseUser) -> int:
    return _send(
        "returned",
        _("%(assessment)s was returned for revision") % {"assessment": assessment},
        _members(assessment.country),
        assessment=assessment,
        by=by,
        link=_link(assessment),
    )


def assessment_accepted(assessment: Assessment, *, by: AbstractBaseUser) -> int:
    return _send(
        "accepted",
        _("%(assessment)s was accepted") % {"assessment": assessment},
        _members(assessment.country),
        assessment=assessment,
        by=by,
        link=_link(assessment),
    )


def invitation(user: AbstractBaseUser, *, country: Country, role: str, by: AbstractBaseUser) -> int:
    """Tell a person they were added to a country. One who has no password yet gets a
    one-time link to set one (tokens.py: it stops working once the password is set, or after
    INVITATION_TIMEOUT)."""
    set_password = not user.has_usable_password()
    if set_password:
        path = reverse(
            "invitation_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": invitation_token_generator.make_token(user),
            },
        )
    else:
        path = reverse("login")
    return _send(
        "invitation",
        _("You are invited to R2P Assess for %(country)s") % {"country": country.name},
        [user],
        country=country,
        role=role,
        by=by,
        set_password=set_password,
        link=f"{settings.SITE_URL}{path}",
    )
