"""Writes about people: their own settings, and joining a country by invitation."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments import notifications
from assessments.models import (
    Country,
    Membership,
    UserSettings,
)


@transaction.atomic
def update_settings(
    *, user: AbstractBaseUser, first_name: str, last_name: str, time_zone: str
) -> None:
    """A person's own name, as others see it, and the time zone they read times in."""
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    UserSettings.objects.update_or_create(user=user, defaults={"time_zone": time_zone})


@transaction.atomic
def invite_member(
    *, email: str, country: Country, role: str, invited_by: AbstractBaseUser
) -> Membership:
    """Add a person to a country by email. A new person gets an account without a password
    and an email with a one-time link to set one; there is no self-registration."""
    email = get_user_model().objects.normalize_email(email).strip()
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        user = get_user_model().objects.create_user(username=email.lower(), email=email)
    membership, created = Membership.objects.get_or_create(
        user=user, country=country, defaults={"role": role}
    )
    if not created:
        raise ValidationError(
            _("%(email)s is already a member of %(country)s.")
            % {"email": email, "country": country.name}
        )
    transaction.on_commit(
        lambda: notifications.invitation(
            user, country=country, role=membership.get_role_display(), by=invited_by
        )
    )
    return membership
