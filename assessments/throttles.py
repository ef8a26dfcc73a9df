"""How often a sign-in may fail and a password reset be asked for, counted in the database
(so that every app server behind the load balancer counts the same), and where a request
comes from.

django-axes locks an account for one address after 5 failures (settings.py). On top of it an
account is locked, from anywhere, after ACCOUNT_FAILURES failures in an hour since its last
successful sign-in: a limit per account and address alone would give each address five fresh
guesses, and one limit per account at five would let five guesses from anywhere lock anyone
out. A locked-out person can still set a new password by the reset link, which signs them in
and so starts the count again.
"""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone

from assessments.models import PasswordResetRequest

WINDOW = timedelta(hours=1)


def client_ip(request: HttpRequest) -> str:
    """The address the request came from. Behind TRUSTED_PROXY_COUNT proxies of our own, the
    one the first of them saw: each proxy appends to X-Forwarded-For the address it was
    reached from, so the entry that many places from the right is the client's, and anything
    further left is whatever the client chose to send."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()]
    return chain[-proxies] if len(chain) >= proxies else remote


def account_locked(username: str) -> bool:
    """Whether the account has failed ACCOUNT_FAILURES sign-ins in the last hour, from any
    address, since it last signed in."""
    since = timezone.now() - WINDOW
    user = get_user_model().objects.filter(username=username).only("last_login").first()
    if user is not None and user.last_login and user.last_login > since:
        since = user.last_login
    failures = AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
    return failures.count() >= settings.ACCOUNT_FAILURES


def reset_allowed(email: str, ip: str) -> bool:
    """Whether another reset email may go to `email`, asked from `ip`: at most
    RESETS_PER_EMAIL an hour to one address and RESETS_PER_IP from one address."""
    recent = PasswordResetRequest.objects.filter(at__gte=timezone.now() - WINDOW)
    return (
        recent.filter(email__iexact=email).count() < settings.RESETS_PER_EMAIL
        and recent.filter(ip=ip).count() < settings.RESETS_PER_IP
    )


def record_reset_request(email: str, ip: str) -> None:
    PasswordResetRequest.objects.create(email=email, ip=ip)
