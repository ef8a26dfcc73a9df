"""The second factor: required for the secretariat (and a country's members where it says
so), offered to everyone; set up in the browser with an authenticator app and recovery
codes; entered after the password, a code working once; reset by a command."""

from __future__ import annotations

import time
from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Assessment
from tests.factories import PASSWORD, UserFactory
from tests.second_factor import verify_session

pytestmark = pytest.mark.second_factor

ENROL = "/accounts/second-factor/set-up/"
VERIFY = "/accounts/second-factor/"
QUEUE = "/admin/assessments/assessment/"


def sign_in(client: Client, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def enrol(client: Client) -> list[str]:
    page = client.get(ENROL).content.decode()
    key = page.split('id="second-factor-key">')[1].split("</code>")[0]
    device = TOTPDevice.objects.get(confirmed=False)
    assert b32decode("".join(key.split())) == device.bin_key  # the key shown is the secret
    response = client.post(ENROL, {"code": code_for(device)})
    html = response.content.decode()
    assert "Two-factor authentication is on." in html
    return [c.split("</code>")[0] for c in html.split('<code class="fs-5">')[1:]]


@pytest.fixture
def submitted(world):
    Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted")
    return world


def test_a_reviewer_without_one_must_set_it_up_before_anything(client, submitted) -> None:
    sign_in(client, "reviewer")
    for path in ("/", "/assessments/XA/2026/", QUEUE):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(ENROL), path
    # Nor does a reviewer's reach come before it, through the app or an autosave.
    assert client.get(QUEUE, follow=True).redirect_chain[-1][0].startswith(ENROL)
    assert (
        client.post("/assessments/XA/2026/sections/risks/", {}, HTTP_HX_REQUEST="true").status_code
        == 401
    )
    codes = enrol(client)
    assert len(codes) == 10
    assert client.get(QUEUE).status_code == 200
    assert client.get("/assessments/XA/2026/").status_code == 200


def test_signing_in_asks_for_the_code_which_works_once(client, submitted, settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # after a refusal, the next try without a wait
    sign_in(client, "reviewer")
    enrol(client)
    device = TOTPDevice.objects.get(user=submitted.reviewer)
    client.post("/accounts/logout/")
    sign_in(client, "reviewer")
    response = client.get(QUEUE)
    assert response["Location"].startswith(VERIFY)
    # The code the set-up just used: refused, whatever the clock.
    refused = client.post(VERIFY, {"code": code_for(device), "next": QUEUE})
    assert refused.status_code == 200
    assert "That code was not accepted" in refused.content.decode()
    # The next time step's code is accepted (the app may be a step ahead).
    accepted = client.post(VERIFY, {"code": code_for(device, steps_ahead=1), "next": QUEUE})
    assert accepted["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200


def test_a_recovery_code_signs_in_once(client, submitted) -> None:
    sign_in(client, "reviewer")
    codes = enrol(client)
    for attempt in ("first", "again"):
        client.post("/accounts/logout/")
        sign_in(client, "reviewer")
        response = client.post(VERIFY, {"code": codes[0], "next": QUEUE})
        if attempt == "first":
            assert response["Location"] == QUEUE
        else:
            assert response.status_code == 200
    assert StaticToken.objects.filter(device__user=submitted.reviewer).count() == 9


def test_with_only_a_password_a_stranger_cannot_replace_the_authenticator(client, world):
    sign_in(client, "reviewer")
    enrol(client)
    client.post("/accounts/logout/")
    sign_in(client, "reviewer")  # the password, stolen; not the phone
    response = client.get(ENROL)
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=world.reviewer).count() == 1


def test_a_focal_point_is_offered_it_and_required_where_the_country_says(client, world):
    sign_in(client, "focal")
    assert client.get("/").status_code == 200  # offered, not required
    assert "Set up an authenticator app" in client.get("/accounts/settings/").content.decode()
    world.arcadia.require_second_factor = True
    world.arcadia.save()
    client.post("/accounts/logout/")
    sign_in(client, "focal")
    assert client.get("/")["Location"].startswith(ENROL)
    enrol(client)
    assert client.get("/").status_code == 200
    # Required: it cannot be turned off.
    assert client.post("/accounts/second-factor/remove/").status_code == 403


def test_one_who_has_it_turns_it_off_where_nothing_requires_it(client, world) -> None:
    sign_in(client, "focal")
    enrol(client)
    assert client.post("/accounts/second-factor/remove/").status_code == 302
    assert not TOTPDevice.objects.filter(user=world.editor).exists()


def test_a_reset_or_invitation_link_still_asks_for_the_code(client, world) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    sign_in(client, "focal")
    enrol(client)
    client.post("/accounts/logout/")
    world.editor.refresh_from_db()
    uid = urlsafe_base64_encode(force_bytes(world.editor.pk))
    token = default_token_generator.make_token(world.editor)
    page = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    set_url = page.redirect_chain[-1][0]
    client.post(
        set_url,
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    response = client.get("/")
    assert response["Location"].startswith(VERIFY)


def test_a_lost_phone_is_reset_by_a_command(client, world) -> None:
    sign_in(client, "reviewer")
    enrol(client)
    out = StringIO()
    call_command("reset_second_factor", "reviewer", stdout=out)
    assert "second factor is removed" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=world.reviewer).exists()
    assert not StaticToken.objects.filter(device__user=world.reviewer).exists()
    client.post("/accounts/logout/")
    sign_in(client, "reviewer")
    assert client.get("/")["Location"].startswith(ENROL)


def test_new_recovery_codes_replace_the_old(client, world) -> None:
    sign_in(client, "focal")
    old = enrol(client)
    html = client.post("/accounts/second-factor/recovery-codes/").content.decode()
    new = [c.split("</code>")[0] for c in html.split('<code class="fs-5">')[1:]]
    assert len(new) == 10 and not set(new) & set(old)


def test_the_admin_never_shows_a_secret_or_a_recovery_code(client, world) -> None:
    # An administrator could otherwise copy a reviewer's authenticator (its QR code and key)
    # or its recovery codes; a device that does not exist was a 500 in django-otp's views.
    reviewer = UserFactory(username="r2", is_staff=True)
    totp = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    codes = StaticDevice.objects.create(user=reviewer, name="recovery", confirmed=True)
    codes.token_set.create(token="never-shown-1")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    verify_session(client, admin)
    for url in (
        f"/admin/otp_totp/totpdevice/{totp.pk}/config/",
        f"/admin/otp_totp/totpdevice/{totp.pk}/qrcode/",
        "/admin/otp_totp/totpdevice/99999/config/",
        "/admin/otp_totp/totpdevice/99999/qrcode/",
    ):
        assert client.get(url).status_code == 403, url
    page = client.get(f"/admin/otp_totp/totpdevice/{totp.pk}/change/")
    assert page.status_code == 200
    assert totp.key not in page.content.decode()
    page = client.get(f"/admin/otp_static/staticdevice/{codes.pk}/change/")
    assert page.status_code == 200
    assert "never-shown-1" not in page.content.decode()
