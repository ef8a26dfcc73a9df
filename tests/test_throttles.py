"""Sign-in failures and password resets are limited, counted in the database, by a client
address that only our own proxies can set."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import RequestFactory

from assessments.throttles import client_ip
from tests.factories import PASSWORD
from tests.tasks import run_tasks

LOGIN = "/accounts/login/"
RESET = "/accounts/password_reset/"


def sign_in(client, password: str, ip: str):
    return client.post(LOGIN, {"username": "focal", "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_an_account_for_one_address_only(client, world) -> None:
    for _ in range(5):
        sign_in(client, "wrong", "10.0.0.1")
    assert sign_in(client, PASSWORD, "10.0.0.1").status_code == 429
    # From elsewhere the real focal point still signs in: five guesses lock out only theirs.
    assert sign_in(client, PASSWORD, "10.0.0.2").status_code == 302


def test_twenty_failures_an_hour_lock_the_account_from_everywhere(client, world) -> None:
    for n in range(20):
        sign_in(client, "wrong", f"10.0.{n}.1")  # four guesses an address: never five
    refused = sign_in(client, PASSWORD, "10.9.9.9")
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Too many failed sign-ins for this account in the last hour" in html
    assert "Forgotten your password?" in html  # and they are told how to recover
    assert not refused.wsgi_request.user.is_authenticated


def test_a_locked_out_person_recovers_by_the_reset_link(client, world) -> None:
    for n in range(20):
        sign_in(client, "wrong", f"10.5.{n % 4}.1")  # locked here (5 a pair) and everywhere
    assert sign_in(client, PASSWORD, "10.5.0.1").status_code != 302
    client.post(RESET, {"email": "focal@example.org"}, REMOTE_ADDR="10.5.0.1")
    run_tasks()
    link = re.search(r"https?://\S+(/accounts/reset/\S+/)", mail.outbox[-1].body)[1]
    form = client.get(link, follow=True, REMOTE_ADDR="10.5.0.1")
    new = "a-new-password-2026"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
        REMOTE_ADDR="10.5.0.1",
        follow=True,
    )
    assert done.wsgi_request.user.username == "focal"  # signed in by the link
    client.logout()
    # And the new password works again from the address that was locked.
    assert sign_in(client, new, "10.5.0.1").status_code == 302


def test_a_successful_sign_in_starts_the_count_again(client, world) -> None:
    for n in range(19):
        sign_in(client, "wrong", f"10.1.{n}.1")
    assert sign_in(client, PASSWORD, "10.9.9.9").status_code == 302  # 19: still allowed
    client.logout()
    sign_in(client, "wrong", "10.2.0.1")
    assert sign_in(client, PASSWORD, "10.9.9.9").status_code == 302


def test_reset_emails_are_limited_per_address_and_per_ip(client, world, settings) -> None:
    settings.RESETS_PER_EMAIL, settings.RESETS_PER_IP = 3, 10
    for n in range(5):
        response = client.post(RESET, {"email": "focal@example.org"}, REMOTE_ADDR=f"10.3.{n}.1")
        assert response.status_code == 302  # the same answer, whatever happened
    run_tasks()
    assert len(mail.outbox) == 3
    mail.outbox.clear()
    emails = ["colleague@example.org", "other@example.org", "reviewer@example.org"]
    for n in range(12):
        client.post(RESET, {"email": emails[n % 3]}, REMOTE_ADDR="10.4.0.1")
    run_tasks()
    assert len(mail.outbox) == 9  # three for each address, within ten from this IP


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "192.0.2.10"),  # no proxy of ours: the header is the client's to forge
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # a forged entry on the left: ignored
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.7", "203.0.113.5"),
        (2, "203.0.113.5", "192.0.2.10"),  # fewer entries than proxies: misconfigured
    ],
)
def test_the_client_address_trusts_only_our_own_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
