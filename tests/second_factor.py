"""Signing in with the second factor done, for tests that are not about it (conftest.py does
it for every staff user a test signs in, unless the test is marked `second_factor`)."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verify_session(client: Client, user: object) -> TOTPDevice:
    """Give `user` an authenticator (if they have none) and mark the client's session as
    verified with it, as entering its code would."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
