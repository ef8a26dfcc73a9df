"""Writes about people: their own settings, their second factor, and joining a country by
invitation."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import notifications
from assessments.models import (
    Country,
    Membership,
    UserSettings,
)


@transaction.atomic
def update_settings(
    *, user: AbstractBaseUser, first_name: str, last_name: str, time_zone: str, language: str
) -> None:
    """A person's own name, as others see it, the time zone they read times in and the
    language the app speaks to them in."""
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    UserSettings.objects.update_or_create(
        user=user, defaults={"time_zone": time_zone, "language": language}
    )


@transaction.atomic
def choose_language(*, user: AbstractBaseUser, language: str) -> None:
    """The language chosen with the picker, kept for every device the person signs in on."""
    UserSettings.objects.update_or_create(user=user, defaults={"language": language})


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
    notifications.notify("invitation", membership=membership.pk, by=invited_by.pk)
    return membership


RECOVERY_CODES = 10


@transaction.atomic
def begin_second_factor(*, user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator being set up: a new secret, confirmed only once a code from it has
    been entered (confirm_second_factor). Any earlier unconfirmed one is replaced."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def confirm_second_factor(*, user: AbstractBaseUser, device: TOTPDevice) -> list[str]:
    """Make `device` the person's authenticator (replacing any other) and give them new
    recovery codes, which are returned: shown once, stored only as the person keeps them."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user=user)


@transaction.atomic
def new_recovery_codes(*, user: AbstractBaseUser) -> list[str]:
    """Ten one-time recovery codes, replacing any left: each signs in once, instead of a code
    from the authenticator."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def remove_second_factor(*, user: AbstractBaseUser) -> None:
    """Forget the person's authenticator and recovery codes (a lost phone: `manage.py
    reset_second_factor`; or their own choice, where none is required)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def verify_second_factor(*, user: AbstractBaseUser, code: str) -> Device | None:
    """The person's device that accepts `code` (a code from their authenticator, or one of
    their recovery codes, which is then used up), if any. A code already accepted once, or
    from a time step before it, is refused; repeated failures slow further tries
    (django-otp's throttling)."""
    code = "".join(code.split())
    return match_token(user, code) if code else None
