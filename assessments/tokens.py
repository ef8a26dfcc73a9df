"""The one-time link of an invitation: like a password-reset link (it stops working once a
password is set), but valid for INVITATION_TIMEOUT (a week), where a reset link is valid for
PASSWORD_RESET_TIMEOUT (an hour). A salt of its own: neither link opens the other's page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "r2p_assess.tokens.InvitationTokenGenerator"

    def check_token(self, user: object, token: str | None) -> bool:
        """Django's check, with the invitation's own lifetime (Django's reads
        PASSWORD_RESET_TIMEOUT)."""
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in secrets
        ):
            return False
        return self._num_seconds(self._now()) - timestamp <= settings.INVITATION_TIMEOUT


invitation_token_generator = InvitationTokenGenerator()
