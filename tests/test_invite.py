"""Inviting members: an admin adds a person by email; the person sets a password through a
one-time link and lands on the dashboard. No self-registration."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail

from assessments.models import Membership
from assessments.tokens import invitation_token_generator
from tests.factories import UserFactory
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def invite(client, world, email="new.person@example.org", role="editor"):
    return client.post(
        f"/admin/assessments/country/{world.arcadia.pk}/invite/", {"email": email, "role": role}
    )


def test_the_country_page_offers_the_invitation(admin_client, world) -> None:
    html = admin_client.get(f"/admin/assessments/country/{world.arcadia.pk}/change/").content
    assert f"/admin/assessments/country/{world.arcadia.pk}/invite/".encode() in html


def test_an_invited_person_sets_a_password_and_lands_on_the_dashboard(admin_client, world) -> None:
    response = invite(admin_client, world)
    run_tasks()
    assert response.status_code == 302
    person = get_user_model().objects.get(email="new.person@example.org")
    assert not person.has_usable_password()
    assert Membership.objects.get(user=person).role == "editor"
    (message,) = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert "Arcadia" in message.subject
    link = re.search(r"http://\S+/accounts/invitation/\S+/", message.body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]

    person_client = admin_client.__class__()
    form_page = person_client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = person_client.post(
        set_url,
        {"new_password1": "a long new passphrase", "new_password2": "a long new passphrase"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/"
    assert "Arcadia" in done.content.decode()
    # The link works once.
    assert b"already been used" in person_client.get(path, follow=True).content


def test_inviting_an_existing_member_again_is_refused_at_the_field(admin_client, world) -> None:
    response = invite(admin_client, world, email=world.editor.email)
    assert response.status_code == 200
    assert "is already a member of Arcadia" in response.content.decode()


def test_a_bad_email_is_refused_at_the_field(admin_client, world) -> None:
    response = invite(admin_client, world, email="not an email")
    assert "Enter a valid email address." in response.content.decode()
    assert not mail.outbox


def test_an_existing_account_is_added_and_told(admin_client, world) -> None:
    invite(admin_client, world, email=world.other_editor.email, role="viewer")
    run_tasks()
    assert Membership.objects.get(user=world.other_editor, country=world.arcadia).role == "viewer"
    assert "/accounts/login/" in mail.outbox[0].body


def test_reviewers_cannot_invite(client, world) -> None:
    client.force_login(world.reviewer)
    assert invite(client, world).status_code == 403


def test_there_is_no_self_registration(client, world) -> None:
    assert client.get("/accounts/signup/").status_code == 404
    assert client.get("/accounts/register/").status_code == 404


def invitation_path(client, world) -> str:
    invite(client, world)
    run_tasks()
    link = re.search(r"http://\S+/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    return link.split("127.0.0.1:8000", 1)[1]


def test_an_invitation_lasts_a_week_and_a_reset_link_an_hour(admin_client, world, settings) -> None:
    path = invitation_path(admin_client, world)
    person = get_user_model().objects.get(email="new.person@example.org")
    token = path.rstrip("/").rsplit("/", 1)[1]
    reset = default_token_generator.make_token(person)

    def days_later(days: int):
        later = datetime.now() + timedelta(days=days)
        return mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later)

    with days_later(2):
        assert invitation_token_generator.check_token(person, token)
        assert not default_token_generator.check_token(person, reset)  # an hour, long past
    with days_later(8):
        assert not invitation_token_generator.check_token(person, token)
    # Neither link opens the other's page.
    assert not default_token_generator.check_token(person, token)
    assert not invitation_token_generator.check_token(person, reset)
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
